"""Importing criteria from a spreadsheet: every problem reported by row and column, then all or nothing."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TypedDict

import pandas as pd
from openpyxl.utils import get_column_letter
from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from spiral_app.core import template
from spiral_app.core.coder import Coder
from spiral_app.core.criterion import CriterionDraft, attach_suggestions, criterion_rows, insert_criteria
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import Criterion, Cycle, Group, Meeting, Question, Territory
from spiral_app.core.territory import LANGUAGES
from spiral_app.core.upload import Table

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


class NewMeeting(TypedDict):
    """A meeting an import creates, as inserted."""

    id: uuid.UUID
    group_id: uuid.UUID
    cycle_id: uuid.UUID
    date: dt.date
    facilitator: str
    participants: int
    language: str


@dataclass(frozen=True)
class ImportPlan:
    """A checked file, ready to write: each criterion with its meeting, and the meetings to create."""

    frame: pd.DataFrame  # row, group, meeting_id, meeting_date, question, text, language
    new_meetings: list[NewMeeting]
    start_positions: dict[uuid.UUID, int]
    source: str

    def counts(self) -> pd.DataFrame:
        """Return the number of criteria per group and question, with a total column."""
        return count_by_group(self.frame)

    def meetings(self) -> pd.DataFrame:
        """Return the meetings the criteria go to: group, date, whether it is new, and how many criteria."""
        new = {m["id"] for m in self.new_meetings}
        frame = self.frame.groupby("meeting_id", sort=False).agg(
            group=("group", "first"), date=("meeting_date", "first"), criteria=("row", "size")
        )
        frame["new"] = [meeting_id in new for meeting_id in frame.index]
        return frame.reset_index(drop=True)[["group", "date", "new", "criteria"]]


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: criteria per group and question, meetings created, suggestions made."""

    criteria: int
    new_meetings: int
    suggestions: int
    counts: pd.DataFrame
    suggested: pd.DataFrame  # row, group, question, text, suggested_code, confidence


# --- the check ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One data row of the file as written, then as understood."""

    row: int
    group: str
    meeting_date: str
    question: str
    text: str
    language: str
    group_id: uuid.UUID | None = None
    date: dt.date | None = None
    meeting_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Territory:
    """What a file is checked against: the territory's groups, meetings and cycles."""

    name: str
    language: str
    groups: dict[str, tuple[uuid.UUID, str]]  # exact name, and name_key, -> (id, name)
    meetings: list[tuple[uuid.UUID, uuid.UUID, dt.date, str]]  # id, group_id, date, language; oldest first
    cycles: list[tuple[int, dt.date, dt.date, uuid.UUID]]  # number, start, end, id; latest first


def _load_territory(session: Session, territory_id: uuid.UUID) -> _Territory:
    territory = session.get(Territory, territory_id)
    if territory is None:
        raise InvalidInput([Problem("Territory", "no longer exists.")])
    groups: dict[str, tuple[uuid.UUID, str]] = {}
    for group_id, name in session.exec(select(Group.id, Group.name).where(Group.territory_id == territory_id)):
        groups.setdefault(template.name_key(name), (group_id, name))
        groups[name] = (group_id, name)
    meetings = session.exec(
        select(col(Meeting.id), col(Meeting.group_id), col(Meeting.date), col(Meeting.language))
        .join(Group, col(Group.id) == col(Meeting.group_id))
        .where(Group.territory_id == territory_id)
        .order_by(col(Meeting.date), col(Meeting.id))
    ).all()
    cycles = session.exec(
        select(col(Cycle.number), col(Cycle.start), col(Cycle.end), col(Cycle.id))
        .where(Cycle.territory_id == territory_id)
        .order_by(col(Cycle.number).desc())
    ).all()
    return _Territory(
        territory.name,
        territory.language,
        groups,
        [(i, g, d, lang) for i, g, d, lang in meetings],
        [(n, start, end, i) for n, start, end, i in cycles],
    )


def check_import(*, session: Session, territory_id: uuid.UUID, table: Table, max_text_length: int) -> ImportPlan:
    """Return the plan to import *table* into a territory, or raise listing every problem by row and column."""
    where = _map_header(table)
    if not table.rows:
        raise InvalidInput([*table.problems, Problem("File", "has a header but no rows of criteria below it.")])
    names = {c: table.columns[where[c]] if c in where else c for c in template.COLUMNS}
    rows = [_Row(number, *_pick(cells, where)) for number, cells in zip(table.row_numbers, table.rows, strict=True)]
    context = _load_territory(session, territory_id)
    problems = [*table.problems, *_check_cells(rows, context, names, max_text_length)]
    new_meetings = _attach_meetings(rows, context, names["meeting_date"], problems)
    problems += _check_duplicates(session, rows, names["text"])
    if problems:
        order = {name: i for i, name in enumerate(table.columns)}
        problems.sort(key=lambda p: (p.row or 0, order.get(p.field, len(order))))
        raise InvalidInput(problems)
    frame = pd.DataFrame(
        [(r.row, r.group, r.meeting_id, r.date, r.question, r.text, r.language) for r in rows],
        columns=["row", "group", "meeting_id", "meeting_date", "question", "text", "language"],
    )
    return ImportPlan(frame, new_meetings, _start_positions(session, {r.meeting_id for r in rows}), table.source)


def _pick(cells: tuple[str, ...], where: dict[str, int]) -> tuple[str, str, str, str, str]:
    group, date, question, text, language = (cells[where[c]] if c in where else "" for c in template.COLUMNS)
    return group, date, question, text, language


def _map_header(table: Table) -> dict[str, int]:
    """Return where each known column is, or raise naming each header cell that is wrong or missing."""
    where: dict[str, int] = {}
    problems: list[Problem] = []
    row = table.header_row
    for index, name in enumerate(table.columns):
        canonical = template.HEADER_ALIASES.get(template.header_key(name))
        if not name:
            if any(cells[index] for cells in table.rows):
                message = "has cells but no name in the header: name the column or delete it."
                problems.append(Problem(get_column_letter(index + 1), message, row))
        elif canonical is None:
            close = difflib.get_close_matches(template.header_key(name), template.COLUMNS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the columns are {', '.join(template.COLUMNS)}."
            problems.append(Problem(name, f"is not a column Spiral knows: {hint}", row))
        elif canonical in where:
            problems.append(Problem(name, f"repeats the column '{table.columns[where[canonical]]}'.", row))
        else:
            where[canonical] = index
    if not where:
        found = ", ".join(f"'{template.shown(c, 20)}'" for c in table.columns[:5])
        message = f"must name its columns ({', '.join(template.COLUMNS)}) in row {row}, which holds {found}."
        raise InvalidInput([*table.problems, Problem("File", message)])
    problems += [Problem(c, "is missing: name it in the header.", row) for c in template.REQUIRED if c not in where]
    if problems:
        raise InvalidInput([*table.problems, *problems])
    return where


def _check_cells(rows: list[_Row], context: _Territory, names: dict[str, str], max_length: int) -> list[Problem]:
    """Put each row's cells in canonical form (group id, question, date, language, text); return their problems."""
    problems: list[Problem] = []
    unknown_groups: dict[str, str] = {}
    dates = {v: template.parse_date(v) for v in {r.meeting_date for r in rows} if v}
    languages = {v: template.language_for(v) for v in {r.language for r in rows} if v}
    for r in rows:
        found = context.groups.get(r.group) or context.groups.get(template.name_key(r.group))
        if found is None:
            message = unknown_groups.setdefault(r.group, _unknown_group(r.group, context))
            problems.append(Problem(names["group"], message, r.row))
        else:
            r.group_id, r.group = found
        question = template.question_for(r.question)
        if question is None:
            problems.append(Problem(names["question"], _unknown_question(r.question), r.row))
        r.question = question.value if question else ""
        r.date = dates.get(r.meeting_date)
        if r.meeting_date and r.date is None:
            message = f"'{template.shown(r.meeting_date)}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-04."
            problems.append(Problem(names["meeting_date"], message, r.row))
        if r.language and languages[r.language] is None:
            message = (
                f"'{template.shown(r.language)}' is not a language Spiral knows: write one of {', '.join(LANGUAGES)}."
            )
            problems.append(Problem(names["language"], message, r.row))
        r.language = languages.get(r.language) or ""
        r.text = " ".join(r.text.split())
        if (problem := _text_problem(r.text, max_length)) is not None:
            problems.append(Problem(names["text"], problem, r.row))
    return problems


def _text_problem(text: str, max_length: int) -> str | None:
    if not text:
        return "is empty: write the words of the post-it."
    if len(text) > max_length:
        return f"is {len(text)} characters long; the limit is {max_length}: shorten it, or split it in two."
    if (control := _CONTROL.search(text)) is not None:
        return f"holds a control character (0x{ord(control.group()):02X}) that is not text: delete it."
    return None


def _unknown_group(value: str, context: _Territory) -> str:
    if not value:
        return "is empty: write the name of the group that wrote this criterion."
    names = sorted({name for _id, name in context.groups.values()})
    close = difflib.get_close_matches(template.name_key(value), [template.name_key(n) for n in names], n=1, cutoff=0.6)
    if close:
        hint = f"did you mean '{next(n for n in names if template.name_key(n) == close[0])}'?"
    elif names:
        hint = f"its groups are {', '.join(repr(n) for n in names[:8])}{', ...' if len(names) > 8 else ''}."
    else:
        hint = "it has no groups yet: add them in Territory setup."
    return f"'{template.shown(value)}' is not a group of {context.name}: {hint}"


def _unknown_question(value: str) -> str:
    if not value:
        return "is empty: write wellbeing, illbeing or action (or Q1, Q2, Q3)."
    hint = "write wellbeing, illbeing or action (or Q1, Q2, Q3)."
    return f"'{template.shown(value)}' is not one of the three questions: {hint}"


def _attach_meetings(rows: list[_Row], context: _Territory, field: str, problems: list[Problem]) -> list[NewMeeting]:
    """Give each row its meeting: on its date (created if need be), else the group's latest; return new meetings."""
    existing: dict[tuple[uuid.UUID, dt.date], uuid.UUID] = {}
    latest: dict[uuid.UUID, tuple[uuid.UUID, dt.date]] = {}
    for meeting_id, group_id, date, _language in context.meetings:
        existing.setdefault((group_id, date), meeting_id)
        latest[group_id] = (meeting_id, date)  # oldest first, so the last one stays
    new: dict[tuple[uuid.UUID, dt.date], NewMeeting] = {}
    for r in rows:
        if r.group_id is None or (r.meeting_date and r.date is None):
            continue  # its group or date is already reported
        if r.date is None:
            if r.group_id not in latest:
                message = f"is empty and '{r.group}' has no meeting yet: write the date of its meeting."
                problems.append(Problem(field, message, r.row))
            else:
                r.meeting_id, r.date = latest[r.group_id]
            continue
        key = (r.group_id, r.date)
        if key not in existing and key not in new:
            cycle = next((c for c in context.cycles if c[1] <= r.date <= c[2]), None)
            if cycle is None:
                problems.append(Problem(field, _outside_cycles(r.date, context), r.row))
                continue
            new[key] = NewMeeting(id=uuid.uuid4(), group_id=r.group_id, cycle_id=cycle[3], date=r.date,
                                  facilitator="", participants=0, language="")  # fmt: skip
        r.meeting_id = existing.get(key) or new[key]["id"]
    _set_languages(rows, context, latest, list(new.values()))
    return list(new.values())


def _set_languages(
    rows: list[_Row],
    context: _Territory,
    latest: dict[uuid.UUID, tuple[uuid.UUID, dt.date]],
    new_meetings: list[NewMeeting],
) -> None:
    """Give new meetings the language most of their rows name, else the group's; rows without one, the meeting's."""
    language = {meeting_id: lang for meeting_id, _group, _date, lang in context.meetings}
    written: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
    for r in rows:
        if r.meeting_id is not None and r.language:
            written[r.meeting_id][r.language] += 1
    for meeting in new_meetings:
        previous = latest.get(meeting["group_id"])
        most = written[meeting["id"]].most_common(1)
        meeting["language"] = most[0][0] if most else language[previous[0]] if previous else context.language
        language[meeting["id"]] = meeting["language"]
    for r in rows:
        r.language = r.language or (language[r.meeting_id] if r.meeting_id else "")


def _outside_cycles(date: dt.date, context: _Territory) -> str:
    spans = "; ".join(f"cycle {n}: {start} to {end}" for n, start, end, _id in sorted(context.cycles))
    where = f"({spans})" if spans else "(it has no cycle yet)"
    return f"{date} is in no cycle of {context.name} {where}: add the cycle in Territory setup, or correct the date."


def _check_duplicates(session: Session, rows: list[_Row], field: str) -> list[Problem]:
    """Return a problem for each row repeating an earlier row of the file, or a criterion already stored."""
    problems: list[Problem] = []
    ids = {r.meeting_id for r in rows if r.meeting_id is not None}
    stored = session.exec(
        select(Criterion.meeting_id, Criterion.question, Criterion.text).where(col(Criterion.meeting_id).in_(ids))
    ).all()
    known = {(m, q, " ".join(t.split()).casefold()) for m, q, t in stored}
    first: dict[tuple[uuid.UUID, str, str], int] = {}
    for r in rows:
        if r.meeting_id is None or not r.question or not r.text:
            continue
        key = (r.meeting_id, r.question, r.text.casefold())
        if key in known:
            message = f"is already in Spiral ({r.group}, meeting of {r.date}): delete the row, or it would count twice."
            problems.append(Problem(field, message, r.row))
        elif key in first:
            message = (
                f"repeats row {first[key]} (same group, meeting, question and text): delete one, "
                "or tell them apart if two people wrote the same words."
            )
            problems.append(Problem(field, message, r.row))
        else:
            first[key] = r.row
    return problems


def _start_positions(session: Session, meeting_ids: set[uuid.UUID | None]) -> dict[uuid.UUID, int]:
    last = session.exec(
        select(Criterion.meeting_id, func.max(Criterion.position))
        .where(col(Criterion.meeting_id).in_(meeting_ids))
        .group_by(col(Criterion.meeting_id))
    ).all()
    return {meeting_id: (position or 0) + 1 for meeting_id, position in last}


# --- the import --------------------------------------------------------------------------------------------------


def apply_import(*, session: Session, plan: ImportPlan, coder: Coder | None) -> ImportSummary:
    """Write a checked plan in one transaction, with the coder's suggestions; nothing is written on failure."""
    rows: list[dict[str, object]] = []
    details: list[tuple[int, str]] = []
    for meeting_id, part in plan.frame.groupby("meeting_id", sort=False):
        drafts = [
            CriterionDraft(question, text, language)
            for question, text, language in zip(part["question"], part["text"], part["language"], strict=True)
        ]
        start = plan.start_positions.get(meeting_id, 1)  # type: ignore[call-overload]
        rows += criterion_rows(meeting_id, drafts, start_position=start)  # type: ignore[arg-type]
        details += zip(part["row"].tolist(), part["group"].tolist(), strict=True)
    made = attach_suggestions(rows, coder) if coder is not None else 0
    try:
        if plan.new_meetings:
            session.execute(insert(Meeting), plan.new_meetings)
        insert_criteria(session=session, rows=rows)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _summary(plan, rows, details, made)


def import_table(
    *, session: Session, territory_id: uuid.UUID, table: Table, coder: Coder | None, max_text_length: int
) -> ImportSummary:
    """Check *table* and import it into a territory, all or nothing; raise listing every problem otherwise."""
    plan = check_import(session=session, territory_id=territory_id, table=table, max_text_length=max_text_length)
    return apply_import(session=session, plan=plan, coder=coder)


def count_by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the number of criteria per group and question, and their total."""
    questions = [q.value for q in Question]
    counts = pd.crosstab(frame["group"], frame["question"]).reindex(columns=questions, fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.rename_axis(index="group", columns=None).reset_index()


def _summary(
    plan: ImportPlan, rows: list[dict[str, object]], details: list[tuple[int, str]], made: int
) -> ImportSummary:
    suggested = pd.DataFrame(
        {
            "row": [row for row, _group in details],
            "group": [group for _row, group in details],
            "question": [r["question"] for r in rows],
            "text": [r["text"] for r in rows],
            "suggested_code": [r.get("suggested_code") for r in rows],
            "confidence": [r.get("suggested_confidence") for r in rows],
        }
    ).sort_values("row", ignore_index=True)
    counts = count_by_group(plan.frame)
    per_group = suggested.groupby("group")["suggested_code"].count()
    counts["suggested"] = counts["group"].map(per_group).fillna(0).astype("int64")
    return ImportSummary(len(rows), len(plan.new_meetings), made, counts, suggested)


def report_frame(error: InvalidInput) -> pd.DataFrame:
    """Return the problems of a refused import as a table: row, column, problem."""
    return pd.DataFrame(
        {
            "row": pd.array([p.row for p in error.problems], dtype="Int64"),
            "column": [p.field for p in error.problems],
            "problem": [p.message for p in error.problems],
        }
    )
