"""Syntheses: for a group or a whole territory, every component raised with all of its criteria.

A synthesis keeps the diversity of voices (SPIRAL principle 6): every distinct criterion is listed, well-being,
ill-being and actions side by side, not only the most frequent. Identical post-its are listed once with how many
times they were written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import case, func
from sqlmodel import Session, select

from spiral_app.core import results
from spiral_app.core.models import Group, Question
from spiral_app.core.results import ResultFilter
from spiral_app.core.text import fold_accents

QUESTIONS = [q.value for q in Question]
RANKING_COLUMNS = ["rank", "code", "component", "family", "groups", *QUESTIONS, "criteria"]
VOICE_COLUMNS = ["code", "component", *QUESTIONS]


@dataclass(frozen=True)
class Synthesis:
    """The ranked components of a group or territory, and their criteria side by side."""

    scope: str
    cycle_number: int
    confirmed_only: bool
    ranking: pd.DataFrame  # rank, code, component, family, groups, wellbeing, illbeing, action, criteria
    voices: pd.DataFrame  # code, component (first line only), wellbeing, illbeing, action
    hidden_note: str | None = None
    total: int = 0

    @property
    def title(self) -> str:
        return self.scope[:1].upper() + self.scope[1:]

    def empty_message(self) -> str | None:
        """Return why there is nothing to show, or None when there is."""
        if self.hidden_note and self.ranking.empty:
            return self.hidden_note
        if not self.ranking.empty:
            return None
        if self.total:
            what = results.describe_counted(confirmed_only=self.confirmed_only)
            return (
                f"None of the {self.total} criteria of {self.scope} in cycle {self.cycle_number} is {what} with a "
                "component yet: code them first, or turn off “Confirmed only” to use the suggestions."
            )
        return f"No criteria yet for {self.scope} in cycle {self.cycle_number}."

    def caption(self) -> str:
        what = results.describe_counted(confirmed_only=self.confirmed_only)
        return (
            f"{self.title}, cycle {self.cycle_number}: {len(self.ranking)} components raised, ranked by the number "
            f"of groups that raised them, then by criteria; counting {what} criteria."
        )


def build_synthesis(
    *,
    session: Session,
    territory_id: uuid.UUID,
    cycle_id: uuid.UUID,
    group_id: uuid.UUID | None,
    confirmed_only: bool,
    threshold: int,
) -> Synthesis:
    """Return the synthesis of one group (or the whole territory when *group_id* is None) in a cycle."""
    number = results.cycle_number(session=session, cycle_id=cycle_id)
    filters = ResultFilter(
        territory_id, cycle_id, group_ids=(group_id,) if group_id else (), confirmed_only=confirmed_only
    )
    scope = "the whole territory"
    if group_id is not None:
        group = session.get(Group, group_id)
        scope = f"the group “{group.name}”" if group is not None else "this group"
        sizes = results.group_sizes(session=session, territory_id=territory_id, cycle_id=cycle_id, threshold=threshold)
        size = sizes.loc[sizes["group_id"] == group_id]
        if (size["protected"] & (size["meetings"] > 0)).any():
            note = (
                f"The group “{group.name if group else ''}” had fewer than {threshold} participants in cycle "
                f"{number}: its own synthesis is hidden to protect its members. "
                "Its criteria still count in the territory's synthesis."
            )
            return Synthesis(scope, number, confirmed_only, _empty(RANKING_COLUMNS), _empty(VOICE_COLUMNS), note)
    _, components = results.codebook_labels(session=session)
    ranking = _ranking(session, filters, components)
    return Synthesis(
        scope=scope,
        cycle_number=number,
        confirmed_only=confirmed_only,
        ranking=ranking,
        voices=_voices(session, filters, ranking),
        total=_total(session, filters),
    )


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


def _total(session: Session, filters: ResultFilter) -> int:
    criteria = results.criteria_subquery(filters)
    return int(session.execute(select(func.count()).select_from(criteria)).scalar_one())


def _ranking(session: Session, filters: ResultFilter, components: pd.DataFrame) -> pd.DataFrame:
    criteria = results.criteria_subquery(filters)
    per_question = [
        func.sum(case((criteria.c.question == question, 1), else_=0)).label(question) for question in QUESTIONS
    ]
    statement = (
        sa.select(
            criteria.c.code,
            func.count(func.distinct(criteria.c.group_id)).label("groups"),
            *per_question,
            func.count().label("criteria"),
        )
        .where(criteria.c.code.is_not(None))
        .group_by(criteria.c.code)
    )
    columns = ["code", "groups", *QUESTIONS, "criteria"]
    frame = pd.DataFrame(session.execute(statement).all(), columns=columns)
    frame = frame.astype(dict.fromkeys(columns[1:], "int64")).astype({"code": "str"})
    frame = frame.sort_values(["groups", "criteria", "code"], ascending=[False, False, True]).reset_index(drop=True)
    frame = frame.merge(components[["code", "component_label"]], on="code", how="left")
    frame["component"] = (frame["code"] + " " + frame["component_label"].fillna("")).str.strip()
    frame["family"] = frame["code"].str[0]
    frame["rank"] = range(1, len(frame) + 1)
    return frame[RANKING_COLUMNS]


def _voices(session: Session, filters: ResultFilter, ranking: pd.DataFrame) -> pd.DataFrame:
    """Return one line per criterion, the three questions in columns, components in ranking order."""
    if ranking.empty:
        return _empty(VOICE_COLUMNS)
    criteria = results.criteria_subquery(filters)
    statement = (
        select(criteria.c.code, criteria.c.question, criteria.c.text)
        .where(criteria.c.code.is_not(None))
        .order_by(criteria.c.code, criteria.c.date, criteria.c.position, criteria.c.id)
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=["code", "question", "text"])
    frame["text"] = frame["text"].astype(str).str.strip()
    frame["key"] = frame["text"].map(fold_accents)
    distinct = frame.groupby(["code", "question", "key"], sort=False, as_index=False).agg(
        text=("text", "first"), times=("text", "size")
    )
    distinct["text"] = distinct["text"].where(
        distinct["times"] == 1, distinct["text"] + " (×" + distinct["times"].astype(str) + ")"
    )
    distinct["line"] = distinct.groupby(["code", "question"]).cumcount()
    wide = distinct.pivot(index=["code", "line"], columns="question", values="text")
    wide = wide.fillna("").reindex(columns=QUESTIONS, fill_value="").reset_index()
    order = dict(zip(ranking["code"], ranking["rank"], strict=True))
    wide["rank"] = wide["code"].map(order)
    wide = wide.sort_values(["rank", "line"]).reset_index(drop=True)
    labels = dict(zip(ranking["code"], ranking["component"], strict=True))
    wide["component"] = wide["code"].map(labels).where(wide["line"] == 0, "")
    return wide[VOICE_COLUMNS]
