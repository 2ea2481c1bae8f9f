"""Territories, actors, cycles, groups and meetings: creation and every validation rule."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import NamedTuple

import pytest
from sqlmodel import Session

from spiral_app.core import actor, cycle, group, meeting, territory
from spiral_app.core.errors import InvalidInput
from tests.support import count_rows

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


class Place(NamedTuple):
    territory: uuid.UUID
    cycle: uuid.UUID
    group: uuid.UUID


@pytest.fixture
def place(session: Session) -> Place:
    territory_id = territory.create_territory(session=session, name="Kestrelford", country="gb", language="en")
    cycle_id = cycle.create_cycle(session=session, territory_id=territory_id, number=1, start=START, end=END)
    group_id = group.create_group(session=session, territory_id=territory_id, name="Young people")
    return Place(territory_id, cycle_id, group_id)


def test_create_territory_normalises_country_and_lists_it(session: Session) -> None:
    territory.create_territory(session=session, name="  Mulhouse ", country="fr", language="fr")
    listed = territory.list_territories(session=session)
    assert listed[["name", "country", "language"]].to_dict("records") == [
        {"name": "Mulhouse", "country": "FR", "language": "fr"}
    ]


@pytest.mark.parametrize(
    ("name", "country", "language", "field"),
    [
        ("", "FR", "fr", "Name"),
        ("   ", "FR", "fr", "Name"),
        ("Lyon", "FRA", "fr", "Country"),
        ("Lyon", "FR", "xx", "Language"),
    ],
)
def test_create_territory_refuses_bad_fields(
    session: Session, name: str, country: str, language: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        territory.create_territory(session=session, name=name, country=country, language=language)
    assert caught.value.problems[0].field == field
    assert count_rows(session, "territory") == 0


def test_territory_names_are_unique_whatever_the_case(session: Session) -> None:
    territory.create_territory(session=session, name="Braine-l'Alleud")
    with pytest.raises(InvalidInput, match="already exists"):
        territory.create_territory(session=session, name="braine-l'alleud")


def test_update_territory_changes_fields(session: Session, place: Place) -> None:
    territory.update_territory(
        session=session, territory_id=place.territory, name="Kestrelford Town", country="IE", language="fr",
        description="Canal town",
    )  # fmt: skip
    assert territory.list_territories(session=session).loc[0, "name"] == "Kestrelford Town"


def test_duplicate_group_name_in_a_territory_is_refused(session: Session, place: Place) -> None:
    with pytest.raises(InvalidInput, match="already exists in this territory"):
        group.create_group(session=session, territory_id=place.territory, name=" young PEOPLE ")
    assert count_rows(session, "focus_group") == 1


def test_same_group_name_in_another_territory_is_fine(session: Session, place: Place) -> None:
    other = territory.create_territory(session=session, name="Elsewhere")
    group.create_group(session=session, territory_id=other, name="Young people")
    assert count_rows(session, "focus_group") == 2


def test_rename_group_to_an_existing_name_is_refused(session: Session, place: Place) -> None:
    other = group.create_group(session=session, territory_id=place.territory, name="Elderly")
    with pytest.raises(InvalidInput):
        group.update_group(session=session, group_id=other, name="Young people", profile="")
    group.update_group(session=session, group_id=other, name="Elderly residents", profile="65+")
    assert set(group.list_groups(session=session, territory_id=place.territory)["name"]) == {
        "Young people",
        "Elderly residents",
    }


def test_meeting_inside_its_cycle_is_recorded(session: Session, place: Place) -> None:
    meeting.create_meeting(
        session=session, group_id=place.group, cycle_id=place.cycle, date=dt.date(2026, 3, 4),
        facilitator="Aoife", participants=9, language="en",
    )  # fmt: skip
    listed = meeting.list_meetings(session=session, territory_id=place.territory)
    assert listed[["group", "cycle", "participants"]].to_dict("records") == [
        {"group": "Young people", "cycle": 1, "participants": 9}
    ]


@pytest.mark.parametrize(
    ("date", "participants", "field", "message"),
    [
        (dt.date(2027, 1, 5), 8, "Date", "outside cycle 1"),
        (dt.date(2025, 12, 31), 8, "Date", "outside cycle 1"),
        (dt.date(2026, 5, 1), -3, "Participants", "cannot be negative"),
    ],
)
def test_meeting_validation_writes_nothing(
    session: Session, place: Place, date: dt.date, participants: int, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        meeting.create_meeting(
            session=session, group_id=place.group, cycle_id=place.cycle, date=date, participants=participants
        )
    assert caught.value.problems[0].field == field
    assert message in str(caught.value)
    assert count_rows(session, "meeting") == 0


def test_cycle_end_before_start_and_duplicate_number_are_refused(session: Session, place: Place) -> None:
    with pytest.raises(InvalidInput) as caught:
        cycle.create_cycle(session=session, territory_id=place.territory, number=1, start=END, end=START)
    assert {p.field for p in caught.value.problems} == {"End date", "Number"}
    assert cycle.next_cycle_number(session=session, territory_id=place.territory) == 2


def test_actor_types_and_duplicates(session: Session, place: Place) -> None:
    actor.create_actor(session=session, territory_id=place.territory, name="Town council", kind="public_authority")
    with pytest.raises(InvalidInput, match="already in this coordination group"):
        actor.create_actor(session=session, territory_id=place.territory, name="town council", kind="other")
    with pytest.raises(InvalidInput, match="not a known type"):
        actor.create_actor(session=session, territory_id=place.territory, name="Food bank", kind="charity")
    assert actor.list_actors(session=session, territory_id=place.territory)["type"].tolist() == ["Public authority"]


def test_cycle_on_finds_the_cycle_holding_a_date(session: Session, place: Place) -> None:
    cycles = cycle.list_cycles(session=session, territory_id=place.territory)
    assert cycle.cycle_on(cycles, dt.date(2026, 6, 1)) == place.cycle
    assert cycle.cycle_on(cycles, dt.date(2027, 6, 1)) is None
