"""Criteria entry: pasted lines, the meeting sheet, and saving the edited grid all or nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from spiral_app.core import criterion, cycle, decision, group, meeting, territory
from spiral_app.core.coder import Coder
from spiral_app.core.criterion import CriterionDraft
from spiral_app.core.errors import InvalidInput
from spiral_app.core.models import Criterion
from tests.support import count_rows

WHO = "Ana"
CRITERIA = SQLModel.metadata.tables["criterion"]


@pytest.fixture
def meeting_id(session: Session, codebook_version: object, coder: Coder) -> uuid.UUID:
    territory_id = territory.create_territory(session=session, name="Kestrelford")
    cycle_id = cycle.create_cycle(
        session=session, territory_id=territory_id, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    group_id = group.create_group(session=session, territory_id=territory_id, name="Single parents")
    new_id = meeting.create_meeting(session=session, group_id=group_id, cycle_id=cycle_id, date=dt.date(2026, 3, 7))
    drafts = [
        CriterionDraft("wellbeing", "A nursery near home", "en"),
        CriterionDraft("illbeing", "Rent takes half my wage", "en"),
        CriterionDraft("action", "I swap babysitting with a friend", "en"),
    ]
    criterion.save_criteria(session=session, meeting_id=new_id, drafts=drafts, coder=coder, max_length=500)
    return new_id


def rows(session: Session, meeting_id: uuid.UUID) -> list[dict[str, object]]:
    session.expire_all()
    statement = sa.select(CRITERIA).where(CRITERIA.c.meeting_id == meeting_id).order_by(CRITERIA.c.position)
    return [dict(r._mapping) for r in session.connection().execute(statement).all()]


def test_drafts_from_lines_keep_one_post_it_per_non_blank_line() -> None:
    pasted = "- A nursery near home\n\n  • Parks with shade  \n3) Kind teachers\n2026 was hard\n"
    drafts = criterion.drafts_from_lines(pasted, question="wellbeing", language="fr")
    assert [d.text for d in drafts] == ["A nursery near home", "Parks with shade", "Kind teachers", "2026 was hard"]
    assert {(d.question, d.language) for d in drafts} == {("wellbeing", "fr")}
    assert criterion.drafts_from_lines(" \n\n", question="action", language="en") == []


def test_validate_drafts_asks_for_a_missing_question() -> None:
    with pytest.raises(InvalidInput) as caught:
        criterion.validate_drafts(
            [CriterionDraft("", "Text", "en"), CriterionDraft("joy", "Text", "en")], max_length=50
        )
    assert [str(p) for p in caught.value.problems] == [
        "Row 1, column 'question': choose one of the three questions.",
        "Row 2, column 'question': 'joy' is not one of the three questions.",
    ]


def test_meeting_sheet_numbers_rows_and_the_grid_leaves_out_decided_ones(
    session: Session, meeting_id: uuid.UUID
) -> None:
    first = rows(session, meeting_id)[0]
    decision.confirm(session=session, criterion_id=first["id"], decided_by=WHO)  # type: ignore[arg-type]
    sheet = criterion.meeting_sheet(session=session, meeting_id=meeting_id)
    assert sheet["no"].tolist() == [1, 2, 3]
    assert sheet["locked"].tolist() == [True, False, False]
    grid = criterion.grid_frame(sheet)
    assert grid.columns.tolist() == criterion.GRID_COLUMNS
    assert grid["no"].tolist() == [2, 3]
    assert all(isinstance(i, str) for i in grid["id"])
    locked = criterion.locked_frame(sheet, {str(first["suggested_code"]): "A label"})
    assert locked.to_dict("records") == [
        {"No.": 1, "Question": "Well-being", "Post-it": "A nursery near home", "Component": "A label"}
    ]


def test_save_grid_adds_changes_and_deletes_in_one_go(session: Session, meeting_id: uuid.UUID, coder: Coder) -> None:
    before = rows(session, meeting_id)
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id))
    grid.loc[0, "language"] = "fr"  # language only: the suggestion stays
    grid.loc[1, "text"] = "Rent takes half my wage and the heating the rest"  # new words: a new suggestion
    grid = grid.drop(index=2)  # deleted
    new_row = {"id": None, "no": None, "question": "action", "text": "I share a car to school", "language": None}
    grid = pd.concat([grid, pd.DataFrame([new_row])], ignore_index=True)
    changes = criterion.save_grid(session=session, meeting_id=meeting_id, grid=grid, coder=coder, max_length=500,
                                  language="en")  # fmt: skip
    assert str(changes) == "1 added, 2 changed, 1 deleted"
    after = rows(session, meeting_id)
    assert [r["text"] for r in after] == [
        "A nursery near home", "Rent takes half my wage and the heating the rest", "I share a car to school"
    ]  # fmt: skip
    assert after[0]["language"] == "fr"
    assert {k: after[0][k] for k in ("suggested_code", "suggested_explanation", "status")} == {
        k: before[0][k] for k in ("suggested_code", "suggested_explanation", "status")
    }
    assert after[1]["status"] == "suggested" and after[1]["suggested_confidence"] != before[1]["suggested_confidence"]
    assert after[2]["language"] == "en" and after[2]["status"] == "suggested" and after[2]["position"] == 4
    assert after[0]["id"] == before[0]["id"] and after[1]["created_at"] == before[1]["created_at"]


def test_save_grid_without_a_coder_leaves_changed_rows_uncoded(session: Session, meeting_id: uuid.UUID) -> None:
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id))
    grid.loc[0, "question"] = "illbeing"
    criterion.save_grid(session=session, meeting_id=meeting_id, grid=grid, coder=None, max_length=500, language="en")
    first = rows(session, meeting_id)[0]
    assert (first["question"], first["status"], first["suggested_code"], first["suggested_alternatives"]) == (
        "illbeing", "uncoded", None, ""
    )  # fmt: skip


def test_save_grid_leaves_decided_rows_alone(session: Session, meeting_id: uuid.UUID) -> None:
    first = rows(session, meeting_id)[0]
    decision.mark_unclassifiable(session=session, criterion_id=first["id"], decided_by=WHO)  # type: ignore[arg-type]
    locked = rows(session, meeting_id)[0]
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id)).iloc[0:0]
    changes = criterion.save_grid(session=session, meeting_id=meeting_id, grid=grid, coder=None, max_length=500,
                                  language="en")  # fmt: skip
    assert changes.deleted == 2
    assert rows(session, meeting_id) == [locked]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "   "}, "Row 2, column 'text': is empty."),
        ({"text": None}, "Row 2, column 'text': is empty."),
        ({"question": None}, "Row 2, column 'question': choose one of the three questions."),
        ({"language": "xx"}, "Row 2, column 'language': 'xx' is not one of en, fr"),
        ({"text": "x" * 501}, "Row 2, column 'text': is 501 characters long; the limit is 500."),
    ],
)
def test_save_grid_refuses_bad_rows_and_writes_nothing(
    session: Session, meeting_id: uuid.UUID, change: dict[str, object], message: str
) -> None:
    before = rows(session, meeting_id)
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id))
    grid = pd.concat([grid, pd.DataFrame([{"id": None, "question": "action", "text": "New", "language": "en"}])])
    for column, value in change.items():
        grid[column] = grid[column].astype(object)
        grid.iloc[1, grid.columns.get_loc(column)] = value  # type: ignore[call-overload]
    with pytest.raises(InvalidInput) as caught:
        criterion.save_grid(
            session=session, meeting_id=meeting_id, grid=grid, coder=None, max_length=500, language="en"
        )
    assert str(caught.value).startswith(message)
    session.rollback()
    assert rows(session, meeting_id) == before


def test_save_grid_refuses_a_row_decided_meanwhile(session: Session, meeting_id: uuid.UUID) -> None:
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id))
    decision.confirm(session=session, criterion_id=uuid.UUID(str(grid.loc[2, "id"])), decided_by=WHO)
    before = rows(session, meeting_id)
    grid.loc[2, "text"] = "Edited after it was confirmed"
    with pytest.raises(InvalidInput, match="Row 3, column 'text': was confirmed, split or deleted meanwhile"):
        criterion.save_grid(
            session=session, meeting_id=meeting_id, grid=grid, coder=None, max_length=500, language="en"
        )
    session.rollback()
    assert rows(session, meeting_id) == before
    assert count_rows(session, "criterion") == 3


def test_deleting_a_row_keeps_its_decision_history(session: Session, meeting_id: uuid.UUID) -> None:
    target = rows(session, meeting_id)[1]["id"]
    batch = decision.confirm(session=session, criterion_id=target, decided_by=WHO)  # type: ignore[arg-type]
    decision.undo(session=session, batch_id=batch, undone_by=WHO)
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id))
    grid = grid.loc[grid["id"] != str(target)]
    criterion.save_grid(session=session, meeting_id=meeting_id, grid=grid, coder=None, max_length=500, language="en")
    assert count_rows(session, "criterion") == 2
    assert count_rows(session, "codingdecision") == 1
    assert session.exec(select(Criterion.id).where(Criterion.id == target)).first() is None


def test_a_post_it_joining_two_ideas_is_stored_as_needing_a_split(
    session: Session, meeting_id: uuid.UUID, coder: Coder
) -> None:
    drafts = [CriterionDraft("wellbeing", "a job and a flat near my family", "en")]
    criterion.save_criteria(session=session, meeting_id=meeting_id, drafts=drafts, coder=coder, max_length=500)
    stored = rows(session, meeting_id)
    assert [r["suggested_split"] for r in stored] == [False, False, False, True]
    # New words get a new suggestion, and the flag is worked out again with it.
    grid = criterion.grid_frame(criterion.meeting_sheet(session=session, meeting_id=meeting_id))
    grid.loc[3, "text"] = "a stable job"
    criterion.save_grid(session=session, meeting_id=meeting_id, grid=grid, coder=coder, max_length=500, language="en")
    assert rows(session, meeting_id)[3]["suggested_split"] is False
