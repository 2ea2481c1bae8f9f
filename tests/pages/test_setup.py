"""Territory setup: every form writes on valid input and writes nothing on invalid input."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.support import count_rows, page


def _errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def _submit(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def test_create_a_first_territory(app_db: Engine) -> None:
    at = page("setup")
    at.text_input(key="setup.territory.name").input("Mulhouse")
    at.text_input(key="setup.territory.country").input("fr")
    at = _submit(at, "Create territory")
    assert not at.exception
    assert count_rows(app_db, "territory") == 1


def test_empty_territory_name_is_refused(app_db: Engine) -> None:
    at = _submit(page("setup"), "Create territory")
    assert "Name: must not be empty" in _errors(at).replace("\\", "")
    assert count_rows(app_db, "territory") == 0


def test_duplicate_group_name_is_refused(demo_db: Engine) -> None:
    before = count_rows(demo_db, "focus_group")
    at = page("setup")
    at.text_input(key="setup.group.name").input("single PARENTS")
    at = _submit(at, "Add group")
    assert "already exists in this territory" in _errors(at)
    assert count_rows(demo_db, "focus_group") == before


def test_add_a_group(demo_db: Engine) -> None:
    at = page("setup")
    at.text_input(key="setup.group.name").input("Carers")
    at = _submit(at, "Add group")
    assert not at.exception
    assert "Group added." in [s.value for s in at.success]
    assert count_rows(demo_db, "focus_group") == 6


@pytest.mark.parametrize(
    ("date", "participants", "message"),
    [(dt.date(2030, 1, 1), 8, "is outside cycle 1"), (dt.date(2026, 5, 5), -2, "cannot be negative")],
)
def test_meeting_validation_writes_nothing(demo_db: Engine, date: dt.date, participants: int, message: str) -> None:
    before = count_rows(demo_db, "meeting")
    at = page("setup")
    at.date_input(key="setup.meeting.date").set_value(date)
    at.number_input(key="setup.meeting.participants").set_value(participants)
    at = _submit(at, "Add meeting")
    assert message in _errors(at).replace("\\", "")
    assert count_rows(demo_db, "meeting") == before


def test_record_a_meeting(demo_db: Engine) -> None:
    at = page("setup")
    at.date_input(key="setup.meeting.date").set_value(dt.date(2026, 6, 1))
    at.text_input(key="setup.meeting.facilitator").input("Nadia")
    at = _submit(at, "Add meeting")
    assert not at.exception
    assert count_rows(demo_db, "meeting") == 6


def test_cycle_ending_before_it_starts_is_refused(demo_db: Engine) -> None:
    at = page("setup")
    at.date_input(key="setup.cycle.start").set_value(dt.date(2027, 6, 1))
    at.date_input(key="setup.cycle.end").set_value(dt.date(2027, 1, 1))
    at = _submit(at, "Add cycle")
    assert "before the start date" in _errors(at)
    assert count_rows(demo_db, "cycle") == 1


def test_add_an_actor_and_refuse_an_unnamed_one(demo_db: Engine) -> None:
    before = count_rows(demo_db, "actor")
    at = _submit(page("setup"), "Add actor")
    assert "must not be empty" in _errors(at)
    at.text_input(key="setup.actor.name").input("Canal Trust")
    at = _submit(at, "Add actor")
    assert count_rows(demo_db, "actor") == before + 1


def test_edit_the_territory(demo_db: Engine) -> None:
    at = page("setup")
    at.text_input(key="setup.territory_edit.country").input("ie")
    at = _submit(at, "Save changes")
    assert not at.exception
    assert "Territory saved." in [s.value for s in at.success]
