"""Coding progress and counts of a territory, aggregated in SQL."""

from __future__ import annotations

import uuid

import pandas as pd
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from spiral_app.core.models import CodingStatus, Criterion, Group, Meeting, Question

PROGRESS_COLUMNS = [
    "group",
    "meetings",
    "participants",
    "criteria",
    *(q.value for q in Question),
    *(s.value for s in CodingStatus),
]


def _count_if(condition: object) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # type: ignore[arg-type]


def group_progress(*, session: Session, territory_id: uuid.UUID) -> pd.DataFrame:
    """Return one row per group: meetings, participants, criteria per question and per coding status."""
    meetings = (
        select(
            Meeting.group_id,
            func.count(col(Meeting.id)).label("meetings"),
            func.coalesce(func.sum(Meeting.participants), 0).label("participants"),
        )
        .group_by(col(Meeting.group_id))
        .subquery()
    )
    criteria = (
        select(
            Meeting.group_id,
            func.count(col(Criterion.id)).label("criteria"),
            *(_count_if(Criterion.question == q.value).label(q.value) for q in Question),  # type: ignore[attr-defined]
            *(_count_if(Criterion.status == s.value).label(s.value) for s in CodingStatus),  # type: ignore[attr-defined]
        )
        .join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .group_by(col(Meeting.group_id))
        .subquery()
    )
    statement = (
        select(
            Group.name,
            func.coalesce(meetings.c.meetings, 0),
            func.coalesce(meetings.c.participants, 0),
            func.coalesce(criteria.c.criteria, 0),
            *(func.coalesce(criteria.c[q.value], 0) for q in Question),
            *(func.coalesce(criteria.c[s.value], 0) for s in CodingStatus),
        )
        .outerjoin(meetings, meetings.c.group_id == col(Group.id))
        .outerjoin(criteria, criteria.c.group_id == col(Group.id))
        .where(Group.territory_id == territory_id)
        .order_by(col(Group.name))
    )
    frame = pd.DataFrame(session.exec(statement).all(), columns=PROGRESS_COLUMNS)
    return frame.astype(dict.fromkeys(PROGRESS_COLUMNS[1:], "int64"))


def coding_progress(progress: pd.DataFrame) -> dict[str, int]:
    """Return the territory's totals by coding status from a `group_progress` frame."""
    totals = {s.value: int(progress[s.value].sum()) for s in CodingStatus}
    totals["criteria"] = int(progress["criteria"].sum())
    return totals
