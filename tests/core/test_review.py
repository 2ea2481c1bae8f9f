"""Coding review: the queue and its filters, progress, and every decision with its exact undo."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, SQLModel, col, select

from spiral_app.core import cycle, decision, group, meeting, review, territory
from spiral_app.core.codebook import current_version_id
from spiral_app.core.coder import Coder
from spiral_app.core.criterion import CriterionDraft, save_criteria
from spiral_app.core.errors import InvalidInput
from spiral_app.core.models import CodingDecision, CodingStatus, Criterion
from tests.support import count_rows

TEXTS = [
    ("wellbeing", "Having a warm and dry flat"),
    ("wellbeing", "Friends I can count on"),
    ("illbeing", "Buses stop running at eight"),
    ("illbeing", "Being alone all week"),
    ("action", "I help my neighbour with her shopping"),
]
# Set on the five criteria so that bulk confirmation thresholds are predictable.
CONFIDENCES = [0.9, 0.6, 0.75, 0.3, 0.8]
WHO = "Ana (facilitator)"
CRITERIA = SQLModel.metadata.tables["criterion"]


class Place(NamedTuple):
    territory: uuid.UUID
    group: uuid.UUID
    meeting: uuid.UUID
    criteria: list[uuid.UUID]


def _meeting(session: Session, territory_id: uuid.UUID, cycle_id: uuid.UUID, name: str) -> tuple[uuid.UUID, uuid.UUID]:
    group_id = group.create_group(session=session, territory_id=territory_id, name=name)
    meeting_id = meeting.create_meeting(
        session=session, group_id=group_id, cycle_id=cycle_id, date=dt.date(2026, 3, 4), participants=9
    )
    return group_id, meeting_id


@pytest.fixture
def place(session: Session, codebook_version: object, coder: Coder) -> Place:
    territory_id = territory.create_territory(session=session, name="Kestrelford")
    cycle_id = cycle.create_cycle(
        session=session, territory_id=territory_id, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    group_id, meeting_id = _meeting(session, territory_id, cycle_id, "Young people")
    drafts = [CriterionDraft(q, t, "en") for q, t in TEXTS]
    save_criteria(session=session, meeting_id=meeting_id, drafts=drafts, coder=coder, max_length=500)
    ids = list(
        session.exec(select(Criterion.id).where(Criterion.meeting_id == meeting_id).order_by(col(Criterion.position)))
    )
    for criterion_id, value in zip(ids, CONFIDENCES, strict=True):
        session.exec(sa.update(Criterion).where(col(Criterion.id) == criterion_id).values(suggested_confidence=value))
    # A second group whose criteria must never leak into the first one's filters.
    _other_group, other_meeting = _meeting(session, territory_id, cycle_id, "Elderly residents")
    save_criteria(session=session, meeting_id=other_meeting, drafts=[CriterionDraft("wellbeing", "A bench", "en")],
                  coder=coder, max_length=500)  # fmt: skip
    session.commit()
    return Place(territory_id, group_id, meeting_id, ids)


def snapshot(session: Session, criterion_id: uuid.UUID) -> dict[str, object] | None:
    """Return every column of a criterion as stored, or None if it is gone."""
    session.expire_all()
    row = session.connection().execute(sa.select(CRITERIA).where(CRITERIA.c.id == criterion_id)).first()
    return None if row is None else dict(row._mapping)


def snapshots(session: Session, meeting_id: uuid.UUID) -> list[dict[str, object]]:
    session.expire_all()
    rows = session.connection().execute(sa.select(CRITERIA).where(CRITERIA.c.meeting_id == meeting_id)).all()
    return sorted((dict(r._mapping) for r in rows), key=lambda r: str(r["id"]))


@contextmanager
def counted_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_queue_lists_the_suggested_criteria_of_the_territory_in_entry_order(session: Session, place: Place) -> None:
    queue = review.review_queue(session=session, filters=review.ReviewFilter(place.territory))
    assert len(queue) == 6
    mine = queue.loc[queue["group"] == "Young people"]
    assert mine["text"].tolist() == [t for _, t in TEXTS]
    assert set(queue["status"]) == {CodingStatus.SUGGESTED.value}
    assert mine["confidence"].tolist() == CONFIDENCES
    assert queue["alternatives"].str.count(";").eq(2).all()


def test_queue_says_none_where_a_criterion_has_no_code(session: Session, place: Place) -> None:
    session.exec(
        sa.update(Criterion)
        .where(col(Criterion.id) == place.criteria[0])
        .values(status="uncoded", suggested_code=None, suggested_confidence=None)
    )
    session.commit()
    queue = review.review_queue(session=session, filters=review.ReviewFilter(place.territory, group_id=place.group))
    first = queue.iloc[0]
    assert first["suggested_code"] is None and first["component_code"] is None
    assert review.count_confirmable(queue, 0.0) == 4


def test_queue_is_one_sql_query(session: Session, place: Place) -> None:
    filters = review.ReviewFilter(place.territory, group_id=place.group, questions=("illbeing",), families=("A", "B"))
    session.expire_all()
    with counted_statements(session) as statements:
        review.review_queue(session=session, filters=filters)
    assert len(statements) == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"questions": ("illbeing",)}, [TEXTS[2][1], TEXTS[3][1]]),
        ({"min_confidence": 0.7}, [TEXTS[0][1], TEXTS[2][1], TEXTS[4][1]]),
        ({"max_confidence": 0.6}, [TEXTS[1][1], TEXTS[3][1]]),
        ({"statuses": (CodingStatus.CONFIRMED.value,)}, []),
    ],
)
def test_queue_filters_by_question_confidence_and_status(
    session: Session, place: Place, overrides: dict[str, object], expected: list[str]
) -> None:
    filters = review.ReviewFilter(place.territory, group_id=place.group, **overrides)  # type: ignore[arg-type]
    assert review.review_queue(session=session, filters=filters)["text"].tolist() == expected


def test_queue_filters_by_family_of_the_suggestion(session: Session, place: Place) -> None:
    everything = review.review_queue(session=session, filters=review.ReviewFilter(place.territory))
    family = everything["suggested_code"].iloc[0][0]
    filtered = review.review_queue(session=session, filters=review.ReviewFilter(place.territory, families=(family,)))
    assert len(filtered) >= 1
    assert filtered["suggested_code"].str[0].eq(family).all()
    assert len(filtered) == everything["suggested_code"].str[0].eq(family).sum()


def test_queue_filters_by_meeting_and_group(session: Session, place: Place) -> None:
    by_meeting = review.ReviewFilter(place.territory, meeting_id=place.meeting)
    assert len(review.review_queue(session=session, filters=by_meeting)) == 5
    other_territory = review.ReviewFilter(uuid.uuid4())
    assert review.review_queue(session=session, filters=other_territory).empty


def test_confirm_sets_the_coding_and_records_the_decision(session: Session, place: Place) -> None:
    criterion_id = place.criteria[0]
    suggested = session.get(Criterion, criterion_id).suggested_code  # type: ignore[union-attr]
    decision.confirm(session=session, criterion_id=criterion_id, decided_by=WHO, reason="clear")
    after = snapshot(session, criterion_id)
    assert after is not None
    assert after["status"] == CodingStatus.CONFIRMED.value
    assert after["component_code"] == suggested
    assert after["confirmed_by"] == WHO
    assert after["codebook_version_id"] == current_version_id(session=session)
    assert isinstance(after["confirmed_at"], dt.datetime) and after["confirmed_at"].tzinfo is not None
    recorded = session.exec(select(CodingDecision)).one()
    assert (recorded.action, recorded.from_status, recorded.to_status) == ("confirm", "suggested", "confirmed")
    assert (recorded.from_code, recorded.to_code, recorded.decided_by, recorded.reason) == (
        None,
        suggested,
        WHO,
        "clear",
    )


def test_undo_of_a_confirmation_restores_the_row_exactly(session: Session, place: Place) -> None:
    before = snapshot(session, place.criteria[0])
    batch = decision.confirm(session=session, criterion_id=place.criteria[0], decided_by=WHO)
    assert snapshot(session, place.criteria[0]) != before
    assert decision.undo(session=session, batch_id=batch, undone_by=WHO) == 1
    assert snapshot(session, place.criteria[0]) == before
    recorded = session.exec(select(CodingDecision)).one()
    assert recorded.undone and recorded.undone_by == WHO and recorded.undone_at is not None


def test_recode_then_undo_each_step_in_reverse_order(session: Session, place: Place) -> None:
    criterion_id = place.criteria[1]
    original = snapshot(session, criterion_id)
    first = decision.confirm(session=session, criterion_id=criterion_id, decided_by=WHO)
    confirmed = snapshot(session, criterion_id)
    second = decision.recode(session=session, criterion_id=criterion_id, component_code="D01", decided_by="Bea")
    recoded = snapshot(session, criterion_id)
    assert recoded is not None and confirmed is not None
    assert (recoded["component_code"], recoded["confirmed_by"]) == ("D01", "Bea")
    with pytest.raises(InvalidInput, match="later decision"):
        decision.undo(session=session, batch_id=first, undone_by=WHO)
    decision.undo(session=session, batch_id=second, undone_by=WHO)
    assert snapshot(session, criterion_id) == confirmed
    decision.undo(session=session, batch_id=first, undone_by=WHO)
    assert snapshot(session, criterion_id) == original


def test_mark_unclassifiable_and_undo(session: Session, place: Place) -> None:
    before = snapshot(session, place.criteria[3])
    batch = decision.mark_unclassifiable(session=session, criterion_id=place.criteria[3], decided_by=WHO)
    after = snapshot(session, place.criteria[3])
    assert after is not None
    assert (after["status"], after["component_code"], after["confirmed_by"]) == ("unclassifiable", None, WHO)
    decision.undo(session=session, batch_id=batch, undone_by=WHO)
    assert snapshot(session, place.criteria[3]) == before


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (
            lambda s, c: decision.recode(session=s, criterion_id=c, component_code="Z99", decided_by=WHO),
            "not a component",
        ),
        (
            lambda s, c: decision.recode(session=s, criterion_id=c, component_code="A", decided_by=WHO),
            "not a component",
        ),
        (lambda s, c: decision.recode(session=s, criterion_id=c, component_code=None, decided_by=WHO), "choose"),
        (lambda s, c: decision.confirm(session=s, criterion_id=c, decided_by="  "), "must not be empty"),
        (lambda s, c: decision.confirm(session=s, criterion_id=c, decided_by=WHO, reason="x" * 501), "limit is 500"),
        (lambda s, _c: decision.confirm(session=s, criterion_id=uuid.uuid4(), decided_by=WHO), "no longer exists"),
    ],
)
def test_bad_decisions_are_refused_and_write_nothing(session: Session, place: Place, act: object, message: str) -> None:
    before = snapshots(session, place.meeting)
    with pytest.raises(InvalidInput, match=message):
        act(session, place.criteria[0])  # type: ignore[operator]
    session.rollback()
    assert snapshots(session, place.meeting) == before
    assert count_rows(session, "codingdecision") == 0


def test_confirming_twice_or_without_a_suggestion_is_refused(session: Session, place: Place) -> None:
    decision.confirm(session=session, criterion_id=place.criteria[0], decided_by=WHO)
    with pytest.raises(InvalidInput, match="already confirmed"):
        decision.confirm(session=session, criterion_id=place.criteria[0], decided_by=WHO)
    session.exec(
        sa.update(Criterion).where(col(Criterion.id) == place.criteria[1]).values(status="uncoded", suggested_code=None)
    )
    session.commit()
    with pytest.raises(InvalidInput, match="no suggestion"):
        decision.confirm(session=session, criterion_id=place.criteria[1], decided_by=WHO)


def test_bulk_confirm_takes_the_suggestions_at_or_above_the_threshold_within_the_filter(
    session: Session, place: Place
) -> None:
    filters = review.ReviewFilter(place.territory, group_id=place.group)
    queue = review.review_queue(session=session, filters=filters)
    assert review.count_confirmable(queue, 0.75) == 3
    _batch, count = decision.bulk_confirm(session=session, filters=filters, threshold=0.75, decided_by=WHO)
    assert count == 3
    rows = {r["id"]: r for r in snapshots(session, place.meeting)}
    confirmed = [i for i in place.criteria if rows[i]["status"] == "confirmed"]
    assert confirmed == [place.criteria[0], place.criteria[2], place.criteria[4]]
    assert all(rows[i]["component_code"] == rows[i]["suggested_code"] for i in confirmed)
    assert {rows[i]["confirmed_at"] for i in confirmed} != {None}
    other_group = review.review_queue(session=session, filters=review.ReviewFilter(place.territory))
    assert "A bench" in other_group["text"].tolist()


def test_undo_of_a_bulk_confirmation_restores_every_row_exactly(session: Session, place: Place) -> None:
    # One criterion was already recoded: the bulk confirmation must not touch it, and undo must leave it so.
    decision.recode(session=session, criterion_id=place.criteria[1], component_code="D01", decided_by="Bea")
    before = snapshots(session, place.meeting)
    filters = review.ReviewFilter(place.territory, meeting_id=place.meeting)
    batch, count = decision.bulk_confirm(session=session, filters=filters, threshold=0.0, decided_by=WHO)
    assert count == 4
    assert snapshots(session, place.meeting) != before
    assert decision.undo(session=session, batch_id=batch, undone_by=WHO) == 4
    assert snapshots(session, place.meeting) == before


def test_bulk_confirm_with_nothing_to_confirm_is_refused(session: Session, place: Place) -> None:
    filters = review.ReviewFilter(place.territory, group_id=place.group)
    with pytest.raises(InvalidInput, match="95%"):
        decision.bulk_confirm(session=session, filters=filters, threshold=0.95, decided_by=WHO)
    assert count_rows(session, "codingdecision") == 0


def test_split_replaces_a_criterion_by_suggested_parts_in_the_same_meeting(
    session: Session, place: Place, coder: Coder
) -> None:
    original = snapshot(session, place.criteria[2])
    assert original is not None
    _batch, parts = decision.split_criterion(
        session=session, criterion_id=place.criteria[2], parts=["No buses after eight", "  The  doctor is far away "],
        coder=coder, decided_by=WHO, max_length=500,
    )  # fmt: skip
    assert snapshot(session, place.criteria[2]) is None
    new = [snapshot(session, p) for p in parts]
    assert [n["text"] for n in new if n] == ["No buses after eight", "The doctor is far away"]
    for row in new:
        assert row is not None
        assert (row["meeting_id"], row["question"], row["language"]) == (place.meeting, "illbeing", "en")
        assert row["status"] == "suggested" and row["suggested_code"]
    assert count_rows(session, "criterion") == 7


def test_undo_of_a_split_brings_the_original_back_exactly(session: Session, place: Place, coder: Coder) -> None:
    decision.confirm(session=session, criterion_id=place.criteria[2], decided_by=WHO)
    before = snapshots(session, place.meeting)
    batch, parts = decision.split_criterion(
        session=session, criterion_id=place.criteria[2], parts=["No buses", "Far doctor", "No shop"], coder=coder,
        decided_by=WHO, max_length=500, reason="three ideas",
    )  # fmt: skip
    # A decision on a part must be undone before the split itself.
    on_part = decision.confirm(session=session, criterion_id=parts[0], decided_by=WHO)
    with pytest.raises(InvalidInput, match="later decision"):
        decision.undo(session=session, batch_id=batch, undone_by=WHO)
    decision.undo(session=session, batch_id=on_part, undone_by=WHO)
    decision.undo(session=session, batch_id=batch, undone_by=WHO)
    assert snapshots(session, place.meeting) == before
    # The original's earlier confirmation survived the split, so it can still be undone.
    still_in_force = select(CodingDecision.batch_id).where(col(CodingDecision.undone).is_(False))
    first = session.exec(still_in_force).one()
    assert decision.undo(session=session, batch_id=first, undone_by=WHO) == 1


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["No buses", ""], "Part 2: is empty"),
        (["No buses", "   "], "Part 2: is empty"),
        (["Only one idea"], "at least two parts"),
        (["No buses", "x" * 501], "Part 2: is 501 characters long"),
    ],
)
def test_bad_splits_are_refused_and_write_nothing(
    session: Session, place: Place, coder: Coder, parts: list[str], message: str
) -> None:
    before = snapshots(session, place.meeting)
    with pytest.raises(InvalidInput, match=message):
        decision.split_criterion(session=session, criterion_id=place.criteria[2], parts=parts, coder=coder,
                                 decided_by=WHO, max_length=500)  # fmt: skip
    session.rollback()
    assert snapshots(session, place.meeting) == before
    assert count_rows(session, "codingdecision") == 0


def test_undo_twice_is_refused(session: Session, place: Place) -> None:
    batch = decision.confirm(session=session, criterion_id=place.criteria[0], decided_by=WHO)
    decision.undo(session=session, batch_id=batch, undone_by=WHO)
    with pytest.raises(InvalidInput, match="already undone"):
        decision.undo(session=session, batch_id=batch, undone_by=WHO)
    with pytest.raises(InvalidInput, match="no longer exists"):
        decision.undo(session=session, batch_id=uuid.uuid4(), undone_by=WHO)


def test_progress_counts_the_meeting_the_group_and_the_territory(session: Session, place: Place) -> None:
    decision.confirm(session=session, criterion_id=place.criteria[0], decided_by=WHO)
    decision.mark_unclassifiable(session=session, criterion_id=place.criteria[1], decided_by=WHO)
    of_meeting = review.coding_progress(session=session, territory_id=place.territory, meeting_id=place.meeting)
    assert of_meeting == review.Progress(total=5, confirmed=1, unclassifiable=1, suggested=3, uncoded=0)
    assert of_meeting.done == 2 and of_meeting.share == pytest.approx(0.4)
    of_group = review.coding_progress(session=session, territory_id=place.territory, group_id=place.group)
    assert of_group == of_meeting
    assert review.coding_progress(session=session, territory_id=place.territory).total == 6
    assert review.describe_progress(of_meeting, "This meeting").startswith("This meeting: 2 of 5 decided (40%)")
    assert review.Progress(0, 0, 0, 0, 0).share == 0.0


def test_recent_decisions_list_batches_newest_first(session: Session, place: Place, coder: Coder) -> None:
    decision.confirm(session=session, criterion_id=place.criteria[0], decided_by=WHO)
    filters = review.ReviewFilter(place.territory, group_id=place.group, questions=("action",))
    decision.bulk_confirm(session=session, filters=filters, threshold=0.0, decided_by=WHO)
    decision.split_criterion(session=session, criterion_id=place.criteria[3], parts=["Alone", "All week"], coder=coder,
                             decided_by=WHO, max_length=500)  # fmt: skip
    recent = decision.recent_decisions(session=session, territory_id=place.territory)
    assert recent["action"].tolist() == ["split", "bulk_confirm", "confirm"]
    assert recent["criteria"].tolist() == [2, 1, 1]
    lines = decision.describe_decisions(recent).tolist()
    assert lines[0] == "Split into 2 post-its — All week"
    assert lines[2].startswith("Confirmed ") and lines[2].endswith("— Having a warm and dry flat")


def test_component_choices_carry_both_languages(session: Session, place: Place) -> None:
    from spiral_app.core.codebook import components_frame

    components = components_frame(session=session)
    choices = review.component_choices(components)
    assert choices["A03"].startswith("A03 ") and " / " in choices["A03"]
    assert len(choices) == len(components)
    stored = session.get(Criterion, place.criteria[0]).suggested_alternatives  # type: ignore[union-attr]
    described = review.describe_alternatives(stored, components)
    assert described.count(" · ") == 2 and "%)" in described
