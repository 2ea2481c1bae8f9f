"""Coding review: the queue, each decision, bulk confirmation, undo, progress, and every refusal."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from spiral_app.core import meeting
from spiral_app.core.coder import Coder
from spiral_app.core.criterion import CriterionDraft, save_criteria
from spiral_app.core.models import CodingDecision, Criterion, Cycle, Group
from spiral_app.ui import state
from tests.support import count_rows, page

TEXTS = [
    ("wellbeing", "A youth club open late"),
    ("illbeing", "No bus after eight and the doctor is far"),
    ("action", "I coach the under-twelves football team"),
]


def _bars(at: AppTest) -> list[str]:
    """Return the texts of the progress bars."""
    return [str(bar.text) for bar in at.get("progress")]


def _errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")


def _success(at: AppTest) -> str:
    return " ".join(s.value for s in at.success).replace("\\", "")


def _click(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


def _statuses(database: Engine, meeting_id: uuid.UUID) -> list[tuple[str, str, str | None]]:
    with Session(database) as session:
        rows = session.exec(
            select(Criterion.text, Criterion.status, Criterion.component_code)
            .where(Criterion.meeting_id == meeting_id)
            .order_by(col(Criterion.position))
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


class Review:
    """A June meeting of the demo's young people with three suggested post-its, and the page open on it."""

    def __init__(self, database: Engine, coder: Coder) -> None:
        with Session(database) as session:
            group = session.exec(select(Group).where(Group.name == "Young people (16-24)")).one()
            cycle = session.exec(select(Cycle)).one()
            self.group_id = group.id
            self.meeting_id = meeting.create_meeting(
                session=session, group_id=group.id, cycle_id=cycle.id, date=dt.date(2026, 6, 1)
            )
            drafts = [CriterionDraft(q, t, "en") for q, t in TEXTS]
            save_criteria(session=session, meeting_id=self.meeting_id, drafts=drafts, coder=coder, max_length=500)
            ids = session.exec(
                select(Criterion.id).where(Criterion.meeting_id == self.meeting_id).order_by(col(Criterion.position))
            )
            self.ids = [str(i) for i in ids]
        self.database = database

    def open(self) -> AppTest:
        return page("review", **{state.GROUP_ID: str(self.group_id), state.MEETING_ID: str(self.meeting_id)})

    def statuses(self) -> list[str]:
        return [status for _text, status, _code in _statuses(self.database, self.meeting_id)]


@pytest.fixture
def review(demo_db: Engine, coder: Coder) -> Review:
    return Review(demo_db, coder)


def test_the_demo_has_nothing_left_to_review(demo_db: Engine) -> None:
    at = page("review")
    assert not at.exception
    assert _success(at) == "Nothing to review with these filters."
    assert _bars(at)[0].startswith("The territory: 295 of 295 decided (100%)")


def test_the_queue_shows_each_post_it_with_its_suggestion(review: Review) -> None:
    at = review.open()
    assert not at.exception
    assert [bar.split(":")[0] for bar in _bars(at)] == ["This meeting", "This group"]
    assert _bars(at)[0].startswith("This meeting: 0 of 3 decided (0%), 3 suggested")
    assert [t.value for t in at.text] == [t for _, t in TEXTS]
    assert sum("Suggested:" in m.value for m in at.markdown) == 3
    assert sum(c.value.replace("\\", "").startswith("Top 3:") for c in at.caption) == 3
    assert at.subheader[0].value == "3 post-its to review"


def test_confirm_one_moves_the_progress(review: Review) -> None:
    at = _click(review.open(), f"review.{review.ids[0]}.confirm")
    assert not at.exception
    assert _success(at) == "Confirmed."
    assert review.statuses() == ["confirmed", "suggested", "suggested"]
    assert _bars(at)[0].startswith("This meeting: 1 of 3 decided (33%)")
    assert len(at.text) == 2


def test_choose_another_component_by_code(review: Review) -> None:
    at = review.open()
    at.selectbox(key=f"review.{review.ids[2]}.component").select("H02")
    at = _click(at, f"review.{review.ids[2]}.recode")
    assert not at.exception
    assert _statuses(review.database, review.meeting_id)[2][1:] == ("confirmed", "H02")


def test_choosing_no_component_is_refused(review: Review) -> None:
    at = _click(review.open(), f"review.{review.ids[2]}.recode")
    assert "choose the component this post-it belongs to" in _errors(at)
    assert review.statuses() == ["suggested"] * 3
    assert count_rows(review.database, "codingdecision") == 0


def test_mark_unclassifiable(review: Review) -> None:
    at = _click(review.open(), f"review.{review.ids[0]}.unclassifiable")
    assert not at.exception
    assert review.statuses()[0] == "unclassifiable"


def test_a_post_it_joining_two_ideas_invites_a_split(review: Review) -> None:
    at = review.open()
    hints = [c.value for c in at.caption if "may hold several ideas" in c.value]
    # Only the bus-and-doctor post-it joins two ideas; its split form opens by itself.
    assert len(hints) == 1
    splits = [e for e in at.expander if e.label == "Split into several post-its"]
    assert [e.proto.expanded for e in splits] == [False, True, False]


def test_split_into_two_post_its(review: Review) -> None:
    at = review.open()
    at.text_area(key=f"review.{review.ids[1]}.parts").input("No bus after eight\nThe doctor is far")
    at = _click(at, f"review.{review.ids[1]}.split")
    assert not at.exception
    assert _success(at) == "Split into 2 post-its, each with its own suggestion."
    texts = [text for text, _status, _code in _statuses(review.database, review.meeting_id)]
    assert texts == [TEXTS[0][1], TEXTS[2][1], "No bus after eight", "The doctor is far"]


def test_a_split_with_an_empty_part_is_refused(review: Review) -> None:
    at = review.open()
    at.text_area(key=f"review.{review.ids[1]}.parts").input("No bus after eight\n\nThe doctor is far")
    at = _click(at, f"review.{review.ids[1]}.split")
    assert "Part 2: is empty: remove the blank line." in _errors(at)
    assert len(_statuses(review.database, review.meeting_id)) == 3
    assert count_rows(review.database, "codingdecision") == 0


def test_bulk_confirm_then_undo_the_latest_decision(review: Review) -> None:
    at = _click(review.open(), f"review.{review.ids[0]}.confirm")
    at.slider(key="review.bulk.threshold").set_value(0.0)
    at = at.run()
    assert at.button(key="review.bulk.confirm").label == "Confirm 2 suggestions"
    at = _click(at, "review.bulk.confirm")
    assert not at.exception
    assert review.statuses() == ["confirmed"] * 3
    assert _success(at).startswith("Confirmed 2 suggestions at 0% or more. Undo below if needed.")
    assert _bars(at)[0].startswith("This meeting: 3 of 3 decided (100%)")
    # The newest decision is the one offered for undo, even though an older one was offered before.
    with Session(review.database) as session:
        bulk = session.exec(select(CodingDecision.batch_id).where(CodingDecision.action == "bulk_confirm")).first()
    assert next(s for s in at.selectbox if s.label == "Decision to undo").value == str(bulk)
    at = _click(at, "review.undo")
    assert not at.exception
    assert "Undone." in _success(at)
    assert review.statuses() == ["confirmed", "suggested", "suggested"]
    assert _bars(at)[0].startswith("This meeting: 1 of 3 decided (33%)")


def test_bulk_confirm_is_disabled_when_nothing_reaches_the_threshold(review: Review) -> None:
    at = review.open()
    at.slider(key="review.bulk.threshold").set_value(1.0)
    at = at.run()
    assert at.button(key="review.bulk.confirm").disabled
    assert at.button(key="review.bulk.confirm").label == "Confirm 0 suggestions"


def test_filters_narrow_the_queue(review: Review) -> None:
    at = review.open()
    at = at.multiselect(key="review.questions").select("action").run()
    assert not at.exception
    assert [t.value for t in at.text] == [TEXTS[2][1]]
    at = at.multiselect(key="review.statuses").unselect("suggested").unselect("uncoded").select("confirmed").run()
    assert _success(at) == "Nothing to review with these filters."


def test_a_post_it_the_coder_could_not_read_gets_a_component_by_hand(review: Review) -> None:
    with Session(review.database) as session:
        drafts = [CriterionDraft("wellbeing", "Being heard by the council", "en")]
        save_criteria(session=session, meeting_id=review.meeting_id, drafts=drafts, coder=None, max_length=500)
        uncoded = session.exec(select(Criterion.id).where(Criterion.status == "uncoded")).one()
    at = review.open()
    assert not at.exception
    assert any("No suggestion" in m.value for m in at.markdown)
    assert at.button(key=f"review.{uncoded}.confirm").disabled
    at.selectbox(key=f"review.{uncoded}.component").select("C01")
    at = _click(at, f"review.{uncoded}.recode")
    assert not at.exception
    assert _statuses(review.database, review.meeting_id)[-1] == ("Being heard by the council", "confirmed", "C01")


def test_a_remembered_meeting_of_another_group_falls_back_to_all_meetings(review: Review) -> None:
    with Session(review.database) as session:
        other = session.exec(select(Group.id).where(Group.name == "Elderly residents")).one()
    at = page("review", **{state.GROUP_ID: str(other), state.MEETING_ID: str(review.meeting_id)})
    assert not at.exception
    assert at.selectbox(key=state.REVIEW_MEETING).value == "all"
    assert [bar.split(":")[0] for bar in _bars(at)] == ["This group"]
