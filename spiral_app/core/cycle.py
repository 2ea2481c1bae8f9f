"""Cycles: SPIRAL runs in successive cycles in each territory."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
from sqlmodel import Session, col, select

from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import Cycle


def create_cycle(
    *, session: Session, territory_id: uuid.UUID, number: int, start: dt.date, end: dt.date, description: str = ""
) -> uuid.UUID:
    """Open a new cycle in a territory and return its id."""
    problems = []
    if number < 1:
        problems.append(Problem("Number", "must be 1 or more."))
    if end < start:
        problems.append(Problem("End date", f"{end:%d %b %Y} is before the start date {start:%d %b %Y}."))
    clash = session.exec(select(Cycle.id).where(Cycle.territory_id == territory_id, Cycle.number == number)).first()
    if clash is not None:
        problems.append(Problem("Number", f"cycle {number} already exists in this territory."))
    if problems:
        raise InvalidInput(problems)
    cycle = Cycle(territory_id=territory_id, number=number, start=start, end=end, description=description.strip())
    session.add(cycle)
    session.commit()
    return cycle.id


def list_cycles(*, session: Session, territory_id: uuid.UUID) -> pd.DataFrame:
    """Return a territory's cycles, oldest first."""
    rows = session.exec(select(Cycle).where(Cycle.territory_id == territory_id).order_by(col(Cycle.number))).all()
    return pd.DataFrame(
        [(c.id, c.number, c.start, c.end, c.description) for c in rows],
        columns=["id", "number", "start", "end", "description"],
    )


def next_cycle_number(*, session: Session, territory_id: uuid.UUID) -> int:
    """Return the number the next cycle of a territory should take."""
    numbers = session.exec(select(Cycle.number).where(Cycle.territory_id == territory_id)).all()
    return max(numbers, default=0) + 1


def cycle_on(cycles: pd.DataFrame, date: dt.date) -> uuid.UUID | None:
    """Return the cycle of a `list_cycles` frame whose dates include *date*, if any."""
    matching = cycles.loc[(cycles["start"] <= date) & (cycles["end"] >= date), "id"]
    return None if matching.empty else uuid.UUID(str(matching.iloc[0]))
