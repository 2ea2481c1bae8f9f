"""Meetings: one focus-group session of a group within a cycle."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
from sqlmodel import Session, select

from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import Cycle, Group, Meeting
from spiral_app.core.territory import LANGUAGES


def create_meeting(
    *,
    session: Session,
    group_id: uuid.UUID,
    cycle_id: uuid.UUID,
    date: dt.date,
    facilitator: str = "",
    participants: int = 0,
    language: str = "en",
) -> uuid.UUID:
    """Record a meeting of a group in a cycle and return its id."""
    group, cycle = session.get(Group, group_id), session.get(Cycle, cycle_id)
    problems = []
    if group is None:
        problems.append(Problem("Group", "choose the group that met."))
    if cycle is None:
        problems.append(Problem("Cycle", "choose the cycle the meeting belongs to."))
    elif not cycle.start <= date <= cycle.end:
        problems.append(
            Problem(
                "Date",
                f"{date:%d %b %Y} is outside cycle {cycle.number} ({cycle.start:%d %b %Y} – {cycle.end:%d %b %Y}).",
            )
        )
    if group is not None and cycle is not None and group.territory_id != cycle.territory_id:
        problems.append(Problem("Cycle", "belongs to another territory than the group."))
    if participants < 0:
        problems.append(Problem("Participants", "cannot be negative."))
    if language not in LANGUAGES:
        problems.append(Problem("Language", f"'{language}' is not one of {', '.join(LANGUAGES)}."))
    if problems:
        raise InvalidInput(problems)
    meeting = Meeting(
        group_id=group_id,
        cycle_id=cycle_id,
        date=date,
        facilitator=facilitator.strip(),
        participants=participants,
        language=language,
    )
    session.add(meeting)
    session.commit()
    return meeting.id


def list_meetings(*, session: Session, territory_id: uuid.UUID) -> pd.DataFrame:
    """Return a territory's meetings with their group and cycle, newest first."""
    statement = (
        select(Meeting, Group.name, Cycle.number)
        .join(Group, Group.id == Meeting.group_id)  # type: ignore[arg-type]
        .join(Cycle, Cycle.id == Meeting.cycle_id)  # type: ignore[arg-type]
        .where(Group.territory_id == territory_id)
        .order_by(Meeting.date.desc(), Group.name)  # type: ignore[attr-defined]
    )
    rows = session.exec(statement).all()
    return pd.DataFrame(
        [
            (m.id, m.group_id, group_name, cycle_number, m.date, m.facilitator, m.participants, m.language)
            for m, group_name, cycle_number in rows
        ],
        columns=["id", "group_id", "group", "cycle", "date", "facilitator", "participants", "language"],
    )
