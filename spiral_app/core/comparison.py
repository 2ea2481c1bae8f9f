"""Comparisons: territories side by side, and a territory's cycle against an earlier one, in family shares.

Shares, not counts, because territories and cycles gather different numbers of groups and participants.
Only territory totals are compared, so no group is singled out and small-group protection has nothing to hide.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from spiral_app.core import results
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import Criterion, Cycle, Meeting, Territory

CHANGE_COLUMNS = ["family", "family_name", "criteria_from", "share_from", "criteria_to", "share_to", "change"]


@dataclass(frozen=True)
class TerritoryComparison:
    """Family shares of several territories, each in its chosen cycle."""

    shares: pd.DataFrame  # territory, family, family_label, family_name, criteria, share
    without_criteria: tuple[str, ...]
    questions: tuple[str, ...]
    confirmed_only: bool
    cycle_number: int | None

    def caption(self) -> str:
        cycles = f"cycle {self.cycle_number}" if self.cycle_number else "each territory's latest cycle with criteria"
        return (
            f"Share of each territory's {results.describe_counted(confirmed_only=self.confirmed_only)} criteria in "
            f"each family (each territory adds up to 100%), in {cycles}; "
            f"{', '.join(results.question_label(q) for q in self.questions)}."
        )

    def missing_message(self) -> str | None:
        if not self.without_criteria:
            return None
        return f"No counted criteria in the chosen cycle for: {', '.join(self.without_criteria)}."


@dataclass(frozen=True)
class CycleComparison:
    """How each family's share of a territory's criteria changed from one cycle to another."""

    changes: pd.DataFrame  # family, family_name, criteria_from, share_from, criteria_to, share_to, change
    from_number: int
    to_number: int
    confirmed_only: bool
    questions: tuple[str, ...]

    def empty_message(self) -> str | None:
        for number, column in ((self.from_number, "criteria_from"), (self.to_number, "criteria_to")):
            if self.changes.empty or not int(self.changes[column].sum()):
                what = results.describe_counted(confirmed_only=self.confirmed_only)
                return f"Cycle {number} has no {what} criteria with a component for these questions yet."
        return None

    def caption(self) -> str:
        return (
            f"Change in each family's share of the territory's "
            f"{results.describe_counted(confirmed_only=self.confirmed_only)} criteria from cycle {self.from_number} "
            f"to cycle {self.to_number}, in percentage points; "
            f"{', '.join(results.question_label(q) for q in self.questions)}."
        )

    def summary(self) -> str:
        """Return which family rose most and which fell most, in words."""
        ordered = self.changes.sort_values("change")
        rose, fell = ordered.iloc[-1], ordered.iloc[0]
        parts = []
        if rose["change"] > 0:
            parts.append(f"Rose most: {rose['family_name']} ({rose['change'] * 100:+.1f} points).")
        if fell["change"] < 0:
            parts.append(f"Fell most: {fell['family_name']} ({fell['change'] * 100:+.1f} points).")
        return " ".join(parts) or "No family's share changed."


def compare_territories(
    *,
    session: Session,
    territory_ids: Sequence[uuid.UUID],
    cycle_number: int | None,
    questions: Sequence[str],
    confirmed_only: bool,
) -> TerritoryComparison:
    """Return family shares per territory in cycle *cycle_number*, or in each one's latest cycle with criteria."""
    code = results.counted_code(confirmed_only=confirmed_only)
    base: sa.Select[*tuple[Any, ...]] = (
        sa.select(col(Territory.name).label("territory"), code.label("code"))
        .select_from(Criterion)
        .join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .join(Cycle, col(Cycle.id) == col(Meeting.cycle_id))
        .join(Territory, col(Territory.id) == col(Cycle.territory_id))
        .where(col(Territory.id).in_(territory_ids), col(Criterion.question).in_(questions))
    )
    if cycle_number is None:
        latest = (
            select(col(Cycle.territory_id).label("territory_id"), func.max(Cycle.number).label("number"))
            .join(Meeting, col(Meeting.cycle_id) == col(Cycle.id))
            .join(Criterion, col(Criterion.meeting_id) == col(Meeting.id))
            .where(col(Cycle.territory_id).in_(territory_ids))
            .group_by(col(Cycle.territory_id))
            .subquery()
        )
        base = base.join(
            latest, and_(latest.c.territory_id == col(Cycle.territory_id), latest.c.number == Cycle.number)
        )
    else:
        base = base.where(col(Cycle.number) == cycle_number)
    criteria = base.subquery()
    statement = (
        select(criteria.c.territory, criteria.c.code, func.count().label("criteria"))
        .where(criteria.c.code.is_not(None))
        .group_by(criteria.c.territory, criteria.c.code)
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=["territory", "code", "criteria"])
    families, _ = results.codebook_labels(session=session)
    counted = results.with_families(frame, families)
    names = [str(n) for n in session.exec(select(Territory.name).where(col(Territory.id).in_(territory_ids)))]
    present = set(counted["territory"])
    keys: list[object] = [name for name in sorted(names) if name in present]
    return TerritoryComparison(
        shares=results.family_shares(counted, families, by="territory", keys=keys),
        without_criteria=tuple(sorted(name for name in names if name not in present)),
        questions=tuple(questions),
        confirmed_only=confirmed_only,
        cycle_number=cycle_number,
    )


def compare_cycles(
    *,
    session: Session,
    from_cycle_id: uuid.UUID,
    to_cycle_id: uuid.UUID,
    questions: Sequence[str],
    confirmed_only: bool,
) -> CycleComparison:
    """Return how each family's share of criteria changed from one cycle of a territory to another."""
    if from_cycle_id == to_cycle_id:
        raise InvalidInput([Problem("Cycles", "choose two different cycles to compare.")])
    code = results.counted_code(confirmed_only=confirmed_only)
    criteria = (
        select(col(Meeting.cycle_id).label("cycle_id"), code.label("code"))
        .select_from(Criterion)
        .join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .where(col(Meeting.cycle_id).in_([from_cycle_id, to_cycle_id]), col(Criterion.question).in_(questions))
        .subquery()
    )
    statement = (
        select(criteria.c.cycle_id, criteria.c.code, func.count().label("criteria"))
        .where(criteria.c.code.is_not(None))
        .group_by(criteria.c.cycle_id, criteria.c.code)
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=["cycle_id", "code", "criteria"])
    families, _ = results.codebook_labels(session=session)
    shares = results.family_shares(
        results.with_families(frame, families), families, by="cycle_id", keys=[from_cycle_id, to_cycle_id]
    )
    before = shares.loc[shares["cycle_id"] == from_cycle_id, ["family", "family_name", "criteria", "share"]]
    after = shares.loc[shares["cycle_id"] == to_cycle_id, ["family", "criteria", "share"]]
    changes = before.merge(after, on="family", suffixes=("_from", "_to"))
    changes["change"] = changes["share_to"] - changes["share_from"]
    return CycleComparison(
        changes=changes[CHANGE_COLUMNS].reset_index(drop=True),
        from_number=results.cycle_number(session=session, cycle_id=from_cycle_id),
        to_number=results.cycle_number(session=session, cycle_id=to_cycle_id),
        confirmed_only=confirmed_only,
        questions=tuple(questions),
    )


def cycle_numbers(*, session: Session, territory_ids: Sequence[uuid.UUID]) -> list[int]:
    """Return the cycle numbers that at least one of the territories has."""
    statement = (
        select(Cycle.number).where(col(Cycle.territory_id).in_(territory_ids)).distinct().order_by(col(Cycle.number))
    )
    return [int(number) for number in session.exec(statement).all()]
