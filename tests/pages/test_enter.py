"""Enter criteria: choosing or creating a meeting, pasting and editing post-its, and every refusal."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from spiral_app.core import meeting
from spiral_app.core.criterion import CriterionDraft, save_criteria
from spiral_app.core.models import Criterion, Cycle, Group
from spiral_app.ui import state
from tests.support import count_rows, page

DEMO_CRITERIA = 295


def _bars(at: AppTest) -> list[str]:
    """Return the texts of the progress bars."""
    return [str(bar.text) for bar in at.get("progress")]


def _errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")


def _click(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def _new_meeting(database: Engine, drafts: list[CriterionDraft] | None = None) -> tuple[str, str]:
    """Record a June meeting of the demo's young people, with *drafts* saved uncoded; return group and meeting ids."""
    with Session(database) as session:
        group = session.exec(select(Group).where(Group.name == "Young people (16-24)")).one()
        cycle = session.exec(select(Cycle)).one()
        meeting_id = meeting.create_meeting(
            session=session, group_id=group.id, cycle_id=cycle.id, date=dt.date(2026, 6, 1), facilitator="Nadia"
        )
        if drafts:
            save_criteria(session=session, meeting_id=meeting_id, drafts=drafts, coder=None, max_length=500)
        return str(group.id), str(meeting_id)


def _entering(database: Engine, drafts: list[CriterionDraft] | None = None) -> tuple[AppTest, str]:
    group_id, meeting_id = _new_meeting(database, drafts)
    return page("enter", **{state.GROUP_ID: group_id, state.MEETING_ID: meeting_id}), meeting_id


def _texts(database: Engine, meeting_id: str) -> list[str]:
    with Session(database) as session:
        rows = session.exec(
            select(Criterion.text)
            .where(Criterion.meeting_id == uuid.UUID(meeting_id))
            .order_by(col(Criterion.position))
        )
        return list(rows)


def test_without_a_territory_the_page_says_where_to_start(app_db: Engine) -> None:
    at = page("enter")
    assert not at.exception
    assert "Territory setup" in at.info[0].value


def test_a_group_must_be_chosen_before_entering(demo_db: Engine) -> None:
    at = page("enter")
    assert not at.exception
    assert at.info[0].value == "Choose the group whose post-its you are entering."
    assert not at.data_editor


def test_a_demo_meeting_shows_its_decided_post_its_read_only(demo_db: Engine) -> None:
    at = page("enter")
    at = at.selectbox(key=state.ENTER_GROUP).select_index(0).run()
    assert not at.exception
    assert _bars(at)[0].startswith("Coding of this meeting: 58 of 58 decided (100%)")
    assert at.data_editor[0].value.empty
    decided = at.dataframe[-1].value
    assert len(decided) == 58 and decided.columns.tolist() == ["No.", "Question", "Post-it", "Component"]


def test_paste_lines_saves_post_its_with_their_suggestions(demo_db: Engine) -> None:
    at, meeting_id = _entering(demo_db)
    at.text_area(key=f"enter.paste.lines.{meeting_id}.0").input("- No bus after eight\n\n- Nowhere to meet friends\n")
    at.selectbox(key="enter.paste.question").select("illbeing")
    at = _click(at, "Add post-its")
    assert not at.exception
    assert at.success[0].value.replace("\\", "") == "Added 2 post-its with their suggested codes."
    assert _texts(demo_db, meeting_id) == ["No bus after eight", "Nowhere to meet friends"]
    with Session(demo_db) as session:
        statuses = session.exec(select(Criterion.status).where(Criterion.meeting_id == uuid.UUID(meeting_id))).all()
    assert statuses == ["suggested", "suggested"]
    assert _bars(at)[0].startswith("Coding of this meeting: 0 of 2 decided")
    assert at.data_editor[0].value["text"].tolist() == ["No bus after eight", "Nowhere to meet friends"]


@pytest.mark.parametrize(
    ("pasted", "message"),
    [("\n  \n", "Paste at least one post-it"), ("Fine\n" + "x" * 501, "Row 2, column 'text': is 501 characters long")],
)
def test_bad_pastes_are_refused_and_write_nothing(demo_db: Engine, pasted: str, message: str) -> None:
    at, meeting_id = _entering(demo_db)
    at.text_area(key=f"enter.paste.lines.{meeting_id}.0").input(pasted)
    at = _click(at, "Add post-its")
    assert not at.exception
    assert message in _errors(at)
    assert count_rows(demo_db, "criterion") == DEMO_CRITERIA


def test_rows_added_in_the_grid_are_saved(demo_db: Engine) -> None:
    at, meeting_id = _entering(demo_db)
    added = [{"question": "wellbeing", "text": "A youth club open late"}, {"question": "action", "text": "I coach"}]
    at.session_state[f"enter.grid.{meeting_id}.0"] = {"edited_rows": {}, "added_rows": added, "deleted_rows": []}
    at = _click(at.run(), "Save changes")
    assert not at.exception
    assert at.success[0].value.replace("\\", "") == "Saved: 2 added, 0 changed, 0 deleted."
    assert _texts(demo_db, meeting_id) == ["A youth club open late", "I coach"]


def test_grid_rows_can_be_changed_and_deleted_until_decided(demo_db: Engine) -> None:
    drafts = [CriterionDraft("wellbeing", "Parks", "en"), CriterionDraft("illbeing", "Noisy bikes", "en")]
    at, meeting_id = _entering(demo_db, drafts)
    edits = {"edited_rows": {"0": {"text": "Parks with shade"}}, "added_rows": [], "deleted_rows": [1]}
    at.session_state[f"enter.grid.{meeting_id}.0"] = edits
    at = _click(at.run(), "Save changes")
    assert not at.exception
    assert at.success[0].value.replace("\\", "") == "Saved: 0 added, 1 changed, 1 deleted."
    assert _texts(demo_db, meeting_id) == ["Parks with shade"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"question": "wellbeing", "text": "  "}, "Row 1, column 'text': is empty."),
        ({"text": "No question chosen"}, "Row 1, column 'question': choose one of the three questions."),
    ],
)
def test_bad_grid_rows_are_refused_and_write_nothing(demo_db: Engine, row: dict[str, str], message: str) -> None:
    at, meeting_id = _entering(demo_db)
    at.session_state[f"enter.grid.{meeting_id}.0"] = {"edited_rows": {}, "added_rows": [row], "deleted_rows": []}
    at = _click(at.run(), "Save changes")
    assert not at.exception
    assert message in _errors(at)
    assert count_rows(demo_db, "criterion") == DEMO_CRITERIA


def test_near_duplicates_are_flagged_with_their_numbers(demo_db: Engine) -> None:
    drafts = [
        CriterionDraft("wellbeing", "Having a job", "en"),
        CriterionDraft("wellbeing", "A garden", "en"),
        CriterionDraft("wellbeing", "having a JOB!", "en"),
    ]
    at, _meeting_id = _entering(demo_db, drafts)
    assert not at.exception
    assert "1 possible duplicate" in at.warning[0].value
    flagged = next(d.value for d in at.dataframe if "Looks like No." in d.value.columns)
    assert flagged[["No.", "Looks like No."]].values.tolist() == [[1, 3]]


def test_a_new_meeting_is_created_inline_in_the_cycle_of_its_date(demo_db: Engine) -> None:
    at = page("enter")
    at = at.selectbox(key=state.ENTER_GROUP).select_index(0).run()
    at = at.selectbox(key=state.ENTER_MEETING).select("new").run()
    at.date_input(key="enter.new_meeting.date").set_value(dt.date(2026, 9, 15))
    at.text_input(key="enter.new_meeting.facilitator").input("Sam")
    at = _click(at, "Create meeting")
    assert not at.exception
    assert count_rows(demo_db, "meeting") == 6
    assert at.selectbox(key=state.ENTER_MEETING).value != "new"
    assert at.text_area(key=f"enter.paste.lines.{at.session_state[state.MEETING_ID]}.0") is not None


def test_a_new_meeting_outside_every_cycle_is_refused(demo_db: Engine) -> None:
    at = page("enter")
    at = at.selectbox(key=state.ENTER_GROUP).select_index(0).run()
    at = at.selectbox(key=state.ENTER_MEETING).select("new").run()
    at.date_input(key="enter.new_meeting.date").set_value(dt.date(2031, 1, 1))
    at = _click(at, "Create meeting")
    assert "no cycle of this territory includes 01 Jan 2031" in _errors(at)
    assert count_rows(demo_db, "meeting") == 5


def test_pasting_waits_while_the_grid_has_unsaved_changes(demo_db: Engine) -> None:
    drafts = [CriterionDraft("wellbeing", "Parks", "en")]
    at, meeting_id = _entering(demo_db, drafts)
    at.session_state[f"enter.grid.{meeting_id}.0"] = {
        "edited_rows": {"0": {"text": "Parks with shade"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = at.run()
    at.text_area(key=f"enter.paste.lines.{meeting_id}.0").input("No bus after eight")
    at = _click(at, "Add post-its")
    assert not at.exception
    assert "changes that are not saved yet" in at.warning[0].value
    assert _texts(demo_db, meeting_id) == ["Parks"]  # nothing pasted, nothing lost
    assert at.text_area(key=f"enter.paste.lines.{meeting_id}.0").value == "No bus after eight"
    # Once the grid is saved, the same paste goes through.
    at = _click(at, "Save changes")
    at.text_area(key=f"enter.paste.lines.{meeting_id}.1").input("No bus after eight")
    at = _click(at, "Add post-its")
    assert _texts(demo_db, meeting_id) == ["Parks with shade", "No bus after eight"]
