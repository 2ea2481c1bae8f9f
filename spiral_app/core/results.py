"""What counts in results: the filters, the code each criterion counts with, and small-group protection.

A group's size in a cycle is the largest number of participants recorded at any of its meetings in that cycle.
The maximum, not the sum, because a homogeneous group usually meets several times with mostly the same people:
adding meetings up would count them twice and let a group of three pass for six. A group whose meetings record no
participants counts as 0, and so is protected until someone records how many came.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import ColumnElement, Subquery, and_, case, func
from sqlmodel import Session, col, select

from spiral_app.core import codebook
from spiral_app.core.criterion import QUESTION_LABELS
from spiral_app.core.models import CodingStatus, Criterion, Cycle, Group, Meeting, Question

ALL_QUESTIONS = tuple(q.value for q in Question)
STATUS_LABELS = {
    CodingStatus.CONFIRMED.value: "Confirmed",
    CodingStatus.SUGGESTED.value: "Suggested, not yet confirmed",
    CodingStatus.UNCODED.value: "Not coded yet",
    CodingStatus.UNCLASSIFIABLE.value: "Unclassifiable",
}
COUNT_COLUMNS = ["group_id", "question", "status", "code", "criteria"]
SIZE_COLUMNS = ["group_id", "group", "participants", "meetings", "protected"]


@dataclass(frozen=True)
class ResultFilter:
    """Which criteria a result covers; empty `group_ids` or `languages` mean all of them."""

    territory_id: uuid.UUID
    cycle_id: uuid.UUID
    group_ids: tuple[uuid.UUID, ...] = ()
    questions: tuple[str, ...] = ALL_QUESTIONS
    languages: tuple[str, ...] = ()
    confirmed_only: bool = True

    @property
    def is_narrowed(self) -> bool:
        """Whether only part of the territory's groups is selected, so that a small group could be singled out."""
        return bool(self.group_ids or self.languages)


def counted_code(*, confirmed_only: bool) -> ColumnElement[str | None]:
    """The component a criterion counts with: its confirmed code, or its suggestion when those count too."""
    whens: list[tuple[ColumnElement[bool], object]] = [
        (col(Criterion.status) == CodingStatus.CONFIRMED.value, col(Criterion.component_code))
    ]
    if not confirmed_only:
        whens.append((col(Criterion.status) == CodingStatus.SUGGESTED.value, col(Criterion.suggested_code)))
    return case(*whens, else_=None)


def criteria_subquery(filters: ResultFilter, *, all_questions: bool = False) -> Subquery:
    """Return the filtered criteria with their group and counted code (NULL when they do not count)."""
    statement: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Criterion.id).label("id"),
            col(Meeting.group_id).label("group_id"),
            col(Criterion.question).label("question"),
            col(Criterion.status).label("status"),
            counted_code(confirmed_only=filters.confirmed_only).label("code"),
            col(Criterion.text).label("text"),
            col(Criterion.position).label("position"),
            col(Meeting.date).label("date"),
        )
        .select_from(Criterion)
        .join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .where(col(Meeting.cycle_id) == filters.cycle_id)
    )
    if not all_questions:
        statement = statement.where(col(Criterion.question).in_(filters.questions))
    if filters.group_ids:
        statement = statement.where(col(Meeting.group_id).in_(filters.group_ids))
    if filters.languages:
        statement = statement.where(col(Criterion.language).in_(filters.languages))
    return statement.subquery()


def criteria_counts(*, session: Session, filters: ResultFilter, all_questions: bool = False) -> pd.DataFrame:
    """Return the number of criteria per group, question, coding status and counted code, aggregated in SQL."""
    criteria = criteria_subquery(filters, all_questions=all_questions)
    keys = [criteria.c.group_id, criteria.c.question, criteria.c.status, criteria.c.code]
    statement = sa.select(*keys, func.count().label("criteria")).group_by(*keys)
    frame = pd.DataFrame(session.execute(statement).all(), columns=COUNT_COLUMNS)
    return frame.astype({"question": "str", "status": "str", "code": "object", "criteria": "int64"})


def group_sizes(*, session: Session, territory_id: uuid.UUID, cycle_id: uuid.UUID, threshold: int) -> pd.DataFrame:
    """Return each group of a territory with its size in a cycle, and whether it is too small to be shown alone."""
    statement = (
        select(
            col(Group.id),
            col(Group.name),
            func.coalesce(func.max(Meeting.participants), 0),
            func.count(col(Meeting.id)),
        )
        .outerjoin(Meeting, and_(col(Meeting.group_id) == col(Group.id), col(Meeting.cycle_id) == cycle_id))
        .where(col(Group.territory_id) == territory_id)
        .group_by(col(Group.id), col(Group.name))
        .order_by(col(Group.name))
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=SIZE_COLUMNS[:-1])
    frame = frame.astype({"group": "str", "participants": "int64", "meetings": "int64"})
    frame["protected"] = frame["participants"] < threshold
    return frame


def hidden_groups(sizes: pd.DataFrame) -> list[str]:
    """Return the names of the groups that met in the cycle but are too small for their own breakdowns."""
    return [str(name) for name in sizes.loc[sizes["protected"] & (sizes["meetings"] > 0), "group"]]


def protection_note(hidden: list[str], threshold: int, *, narrowed: bool) -> str | None:
    """Return the sentence telling readers which groups are hidden and why, or None if none is."""
    if not hidden:
        return None
    where = (
        "They are left out of every figure while groups or languages are filtered"
        if narrowed
        else "Their criteria still count in the territory's totals"
    )
    names = ", ".join(hidden)
    return (
        f"Breakdowns of {len(hidden)} group(s) with fewer than {threshold} participants are hidden to protect "
        f"their members: {names}. {where}; their own traces, rows and quotes are not shown."
    )


def codebook_labels(*, session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (families: family, family_label) and (components: code, family, component_label) of the codebook."""
    entries = codebook.entries_frame(session=session)
    is_family = entries["code"].str.len() == 1
    families = entries.loc[is_family, ["code", "label_en"]]
    families = families.rename(columns={"code": "family", "label_en": "family_label"}).reset_index(drop=True)
    components = entries.loc[~is_family, ["code", "family", "label_en"]].rename(columns={"label_en": "component_label"})
    return families, components.reset_index(drop=True)


def with_families(frame: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """Add the family letter of each counted code and its label, keeping only codes that count."""
    counted = frame.loc[frame["code"].notna()].copy()
    counted["code"] = counted["code"].astype(str)
    counted["family"] = counted["code"].str[0]
    counted = counted.merge(families, on="family", how="left")
    counted["family_label"] = counted["family_label"].fillna(counted["family"])
    return counted


def question_label(question: str) -> str:
    """Return the label people read for a question value."""
    return QUESTION_LABELS.get(Question(question), question)


def describe_counted(*, confirmed_only: bool) -> str:
    """Return 'confirmed' or 'confirmed or suggested': which criteria the charts count."""
    return "confirmed" if confirmed_only else "confirmed or suggested"


def list_languages(*, session: Session, territory_id: uuid.UUID) -> list[str]:
    """Return the languages criteria of a territory were written in."""
    statement = (
        select(col(Criterion.language))
        .join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .join(Cycle, col(Cycle.id) == col(Meeting.cycle_id))
        .where(col(Cycle.territory_id) == territory_id)
        .distinct()
        .order_by(col(Criterion.language))
    )
    return [str(language) for language in session.exec(statement).all()]


def cycle_number(*, session: Session, cycle_id: uuid.UUID) -> int:
    """Return the number of a cycle (0 if it no longer exists)."""
    cycle = session.get(Cycle, cycle_id)
    return cycle.number if cycle is not None else 0


def family_shares(counted: pd.DataFrame, families: pd.DataFrame, *, by: str, keys: list[object]) -> pd.DataFrame:
    """Return criteria and share per (*by*, family) for every family, each *by* value's shares adding up to 1."""
    totals = counted.groupby([by, "family"], as_index=False)["criteria"].sum()
    grid = pd.MultiIndex.from_product([keys, list(families["family"])], names=[by, "family"]).to_frame(index=False)
    frame = grid.merge(totals, on=[by, "family"], how="left")
    frame["criteria"] = frame["criteria"].fillna(0).astype("int64")
    per_key = frame.groupby(by)["criteria"].transform("sum")
    frame["share"] = (frame["criteria"] / per_key.where(per_key > 0)).fillna(0.0)
    frame = frame.merge(families, on="family", how="left")
    frame["family_name"] = frame["family"] + " · " + frame["family_label"]
    return frame
