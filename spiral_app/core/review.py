"""Coding review: the queue of criteria awaiting a person's decision, and how far a meeting or group has got."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col

from spiral_app.core.codebook import component_label
from spiral_app.core.criterion import QUESTION_LABELS, parse_alternatives
from spiral_app.core.models import CodingStatus, Criterion, Group, Meeting, Question

TO_REVIEW = (CodingStatus.SUGGESTED.value, CodingStatus.UNCODED.value)
STATUS_LABELS = {
    CodingStatus.UNCODED: "Uncoded",
    CodingStatus.SUGGESTED: "Suggested",
    CodingStatus.CONFIRMED: "Confirmed",
    CodingStatus.UNCLASSIFIABLE: "Unclassifiable",
}
_Select = TypeVar("_Select", bound="sa.Select[*tuple[Any, ...]]")
QUEUE_COLUMNS = [
    "id", "group", "meeting_date", "position", "question", "text", "language", "status",
    "suggested_code", "confidence", "alternatives", "explanation", "needs_split", "component_code",
]  # fmt: skip


@dataclass(frozen=True)
class ReviewFilter:
    """Which criteria of a territory the review shows; empty tuples mean 'all'."""

    territory_id: uuid.UUID
    group_id: uuid.UUID | None = None
    meeting_id: uuid.UUID | None = None
    questions: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    statuses: tuple[str, ...] = TO_REVIEW
    min_confidence: float = 0.0
    max_confidence: float = 1.0


def confidence() -> ColumnElement[float]:
    """Return the suggestion's confidence as SQL; a criterion without a suggestion counts as 0."""
    return func.coalesce(col(Criterion.suggested_confidence), 0.0)


def filter_conditions(filters: ReviewFilter) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of *filters*, for a query joining Criterion, Meeting and Group."""
    code = func.coalesce(col(Criterion.component_code), col(Criterion.suggested_code))
    conditions = [
        col(Group.territory_id) == filters.territory_id,
        confidence() >= filters.min_confidence,
        confidence() <= filters.max_confidence,
    ]
    if filters.group_id is not None:
        conditions.append(col(Meeting.group_id) == filters.group_id)
    if filters.meeting_id is not None:
        conditions.append(col(Criterion.meeting_id) == filters.meeting_id)
    if filters.questions:
        conditions.append(col(Criterion.question).in_(filters.questions))
    if filters.families:
        conditions.append(func.substr(code, 1, 1).in_(filters.families))
    if filters.statuses:
        conditions.append(col(Criterion.status).in_(filters.statuses))
    return conditions


def joined(statement: _Select) -> _Select:
    """Return *statement* joined from Criterion to its Meeting and Group, as `filter_conditions` expects."""
    return statement.join(Meeting, col(Meeting.id) == col(Criterion.meeting_id)).join(
        Group, col(Group.id) == col(Meeting.group_id)
    )


def review_queue(*, session: Session, filters: ReviewFilter) -> pd.DataFrame:
    """Return the criteria matching *filters*, one row each, in the order they were entered."""
    statement = joined(
        sa.select(
            col(Criterion.id),
            col(Group.name),
            col(Meeting.date),
            col(Criterion.position),
            col(Criterion.question),
            col(Criterion.text),
            col(Criterion.language),
            col(Criterion.status),
            col(Criterion.suggested_code),
            col(Criterion.suggested_confidence),
            col(Criterion.suggested_alternatives),
            col(Criterion.suggested_explanation),
            col(Criterion.suggested_split),
            col(Criterion.component_code),
        )
    ).where(*filter_conditions(filters))
    statement = statement.order_by(col(Group.name), col(Meeting.date), col(Criterion.position))
    # Plain tuples: pandas probes each SQLAlchemy Row for attributes, which costs more than the query.
    rows = [tuple(row) for row in session.connection().execute(statement).all()]
    frame = pd.DataFrame(rows, columns=QUEUE_COLUMNS)
    # Text columns would turn a missing code into NaN, which reads as true; None says "no code" plainly.
    codes = frame[["suggested_code", "component_code"]].astype(object)
    frame[["suggested_code", "component_code"]] = codes.where(codes.notna(), None)
    return frame.astype({"confidence": "float64", "position": "int64"})


def count_confirmable(queue: pd.DataFrame, threshold: float) -> int:
    """Return how many suggestions of *queue* a bulk confirmation at *threshold* would confirm."""
    suggested = queue["status"].eq(CodingStatus.SUGGESTED.value) & queue["suggested_code"].notna()
    return int((suggested & queue["confidence"].fillna(0.0).ge(threshold)).sum())


@dataclass(frozen=True)
class Progress:
    """How many criteria of a meeting, group or territory are in each coding status."""

    total: int
    confirmed: int
    unclassifiable: int
    suggested: int
    uncoded: int

    @property
    def done(self) -> int:
        """Return the criteria a person has decided on: confirmed or found unclassifiable."""
        return self.confirmed + self.unclassifiable

    @property
    def share(self) -> float:
        """Return the decided share, 0 when there is nothing to decide."""
        return self.done / self.total if self.total else 0.0


def coding_progress(
    *, session: Session, territory_id: uuid.UUID, group_id: uuid.UUID | None = None, meeting_id: uuid.UUID | None = None
) -> Progress:
    """Return the coding progress of a meeting, else of a group, else of the whole territory."""
    statement = joined(sa.select(col(Criterion.status), func.count())).where(col(Group.territory_id) == territory_id)
    if meeting_id is not None:
        statement = statement.where(col(Criterion.meeting_id) == meeting_id)
    elif group_id is not None:
        statement = statement.where(col(Meeting.group_id) == group_id)
    rows = session.connection().execute(statement.group_by(col(Criterion.status))).all()
    counts = {str(status): int(n) for status, n in rows}
    by_status = {s.value: counts.get(s.value, 0) for s in CodingStatus}
    return Progress(total=sum(counts.values()), **by_status)


def describe_progress(progress: Progress, what: str) -> str:
    """Return the caption of a progress bar: 'This meeting: 12 of 40 decided (30%), 25 suggested, 3 uncoded'."""
    return (
        f"{what}: {progress.done} of {progress.total} decided ({progress.share:.0%}), "
        f"{progress.suggested} suggested, {progress.uncoded} uncoded"
    )


def component_choices(components: pd.DataFrame) -> dict[str, str]:
    """Return each component's code with its English and French labels, to search by either."""
    labels = components["code"] + " " + components["label_en"] + " / " + components["label_fr"]
    return dict(zip(components["code"], labels, strict=True))


def describe_alternatives(stored: str, components: pd.DataFrame) -> str:
    """Return 'A03 Housing and furniture (71%) · …' for the alternatives stored on a criterion."""
    return " · ".join(
        f"{component_label(code, components)} ({probability:.0%})" for code, probability in parse_alternatives(stored)
    )


def queue_table(queue: pd.DataFrame, components: pd.DataFrame) -> pd.DataFrame:
    """Return the queue as people read it: group, date, question, post-it, suggestion, confidence, status."""
    labels = dict(zip(components["code"], components["code"] + " " + components["label_en"], strict=True))
    return pd.DataFrame(
        {
            "Group": queue["group"],
            "Date": queue["meeting_date"],
            "Question": queue["question"].map(lambda q: QUESTION_LABELS[Question(q)]),
            "Post-it": queue["text"],
            "Suggested": queue["suggested_code"].map(labels),
            "Confidence": queue["confidence"],
            "Confirmed as": queue["component_code"].map(labels),
            "Status": queue["status"].map(lambda s: STATUS_LABELS[CodingStatus(s)]),
        }
    )


def page_of(queue: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """Return the *page*-th slice (from 1) of *size* rows of *queue*."""
    start = (max(page, 1) - 1) * size
    return queue.iloc[start : start + size]


def page_count(queue: pd.DataFrame, size: int) -> int:
    """Return how many pages of *size* rows *queue* fills (at least one)."""
    return max(1, -(-len(queue) // size))


def how_many(count: int, noun: str) -> str:
    """Return '1 post-it' or '3 post-its'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def meeting_caption(group: str, date: dt.date, question: str) -> str:
    """Return 'Young people · 04 Mar 2026 · Well-being' to place a criterion."""
    return f"{group} · {date:%d %b %Y} · {QUESTION_LABELS[Question(question)]}"
