"""Small, hand-countable territories for the results tests (dashboard, synthesis, comparison, pages).

Riverside, cycle 1 (threshold 5):
  Tenants, 8 participants, English: well-being A03 "A warm flat", D06 "Good neighbours";
      ill-being A03 "Damp walls", A08 *suggested* "Bills too high", *uncoded* "Everything"; action H02.
  Youth, meetings of 6 and 4 participants (size 6, not 10): well-being A07, D06 "good neighbours";
      ill-being A06 "No job", A03 "Crowded flat"; action *unclassifiable*; then in French ill-being A03.
  Carers, 3 participants (protected), French: ill-being F02 "Épuisement", A09 "Pas de répit"; well-being F03.
Riverside, cycle 2: Tenants only: well-being A03, B00; ill-being B01.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import NamedTuple

from sqlmodel import Session

from spiral_app.core import cycle, group, meeting, territory
from spiral_app.core.models import CodingStatus, Criterion

CONFIRMED, SUGGESTED = CodingStatus.CONFIRMED.value, CodingStatus.SUGGESTED.value
UNCODED, UNCLASSIFIABLE = CodingStatus.UNCODED.value, CodingStatus.UNCLASSIFIABLE.value


class Town(NamedTuple):
    territory: uuid.UUID
    cycle1: uuid.UUID
    cycle2: uuid.UUID
    tenants: uuid.UUID
    youth: uuid.UUID
    carers: uuid.UUID


def add_criteria(
    session: Session, meeting_id: uuid.UUID, rows: list[tuple[str, str, str, str | None]], *, language: str = "en"
) -> None:
    """Store (question, text, status, code) rows; a suggested row keeps its code as the suggestion."""
    for position, (question, text, status, code) in enumerate(rows, start=1):
        session.add(
            Criterion(
                meeting_id=meeting_id,
                question=question,
                text=text,
                language=language,
                position=position,
                status=status,
                component_code=code if status == CONFIRMED else None,
                suggested_code=code if status == SUGGESTED else None,
            )
        )
    session.commit()


def _meeting(
    session: Session, group_id: uuid.UUID, cycle_id: uuid.UUID, day: dt.date, people: int, language: str
) -> uuid.UUID:
    return meeting.create_meeting(
        session=session, group_id=group_id, cycle_id=cycle_id, date=day, participants=people, language=language
    )


def build_town(session: Session, name: str = "Riverside") -> Town:
    """Create Riverside (see the module docstring) and return its ids."""
    town = territory.create_territory(session=session, name=name, language="en")
    first = cycle.create_cycle(
        session=session, territory_id=town, number=1, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
    )
    second = cycle.create_cycle(
        session=session, territory_id=town, number=2, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    tenants = group.create_group(session=session, territory_id=town, name="Tenants")
    youth = group.create_group(session=session, territory_id=town, name="Youth")
    carers = group.create_group(session=session, territory_id=town, name="Carers")
    add_criteria(session, _meeting(session, tenants, first, dt.date(2024, 3, 1), 8, "en"), [
        ("wellbeing", "A warm flat", CONFIRMED, "A03"),
        ("wellbeing", "Good neighbours", CONFIRMED, "D06"),
        ("illbeing", "Damp walls", CONFIRMED, "A03"),
        ("illbeing", "Bills too high", SUGGESTED, "A08"),
        ("illbeing", "Everything", UNCODED, None),
        ("action", "I help my neighbour", CONFIRMED, "H02"),
    ])  # fmt: skip
    add_criteria(session, _meeting(session, youth, first, dt.date(2024, 3, 2), 6, "en"), [
        ("wellbeing", "Music with friends", CONFIRMED, "A07"),
        ("wellbeing", "good neighbours ", CONFIRMED, "D06"),
        ("illbeing", "No job", CONFIRMED, "A06"),
        ("illbeing", "Crowded flat", CONFIRMED, "A03"),
        ("action", "Hmm", UNCLASSIFIABLE, None),
    ])  # fmt: skip
    youth_again = _meeting(session, youth, first, dt.date(2024, 5, 2), 4, "fr")
    add_criteria(session, youth_again, [("illbeing", "Logement trop petit", CONFIRMED, "A03")], language="fr")
    add_criteria(session, _meeting(session, carers, first, dt.date(2024, 3, 3), 3, "fr"), [
        ("illbeing", "Épuisement", CONFIRMED, "F02"),
        ("illbeing", "Pas de répit", CONFIRMED, "A09"),
        ("wellbeing", "Un moment pour moi", CONFIRMED, "F03"),
    ], language="fr")  # fmt: skip
    add_criteria(session, _meeting(session, tenants, second, dt.date(2026, 3, 1), 9, "en"), [
        ("wellbeing", "A warm flat", CONFIRMED, "A03"),
        ("wellbeing", "The new park", CONFIRMED, "B00"),
        ("illbeing", "Traffic noise", CONFIRMED, "B01"),
    ])  # fmt: skip
    return Town(town, first, second, tenants, youth, carers)


def build_elsewhere(session: Session, name: str = "Elsewhere") -> uuid.UUID:
    """Create a second territory with one cycle: four well-being criteria, A01, A02, G01, G01."""
    town = territory.create_territory(session=session, name=name)
    only = cycle.create_cycle(
        session=session, territory_id=town, number=1, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    people = group.create_group(session=session, territory_id=town, name="Neighbours")
    add_criteria(session, _meeting(session, people, only, dt.date(2025, 6, 1), 10, "en"), [
        ("wellbeing", "Enough to eat", CONFIRMED, "A01"),
        ("wellbeing", "A doctor nearby", CONFIRMED, "A02"),
        ("wellbeing", "Being happy", CONFIRMED, "G01"),
        ("wellbeing", "Laughing", CONFIRMED, "G01"),
    ])  # fmt: skip
    return town


def build_waiting(session: Session, name: str = "Newtown") -> tuple[uuid.UUID, uuid.UUID]:
    """Create a territory whose only criterion has a suggested code nobody confirmed; return (territory, cycle)."""
    town = territory.create_territory(session=session, name=name)
    only = cycle.create_cycle(
        session=session, territory_id=town, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    everyone = group.create_group(session=session, territory_id=town, name="Everyone")
    add_criteria(session, _meeting(session, everyone, only, dt.date(2026, 2, 1), 9, "en"), [
        ("wellbeing", "Peace and quiet", SUGGESTED, "G02"),
    ])  # fmt: skip
    return town, only
