"""Criteria: the post-its of a meeting, and saving them with their suggested codes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, func, select

from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import CodingStatus, Criterion, Question, utcnow
from spiral_app.core.territory import LANGUAGES

if TYPE_CHECKING:  # scikit-learn takes seconds to import; only the type is needed here
    from spiral_app.core.coder import Coder

QUESTION_LABELS = {
    Question.WELLBEING: "Well-being",
    Question.ILLBEING: "Ill-being",
    Question.ACTION: "What I do or could do",
}


@dataclass(frozen=True)
class CriterionDraft:
    """A post-it as entered, before it is stored."""

    question: str
    text: str
    language: str
    component_code: str | None = None


def validate_drafts(drafts: Sequence[CriterionDraft], *, max_length: int, first_row: int = 1) -> list[CriterionDraft]:
    """Return the drafts with their text stripped, or raise naming every bad row."""
    problems: list[Problem] = []
    cleaned = []
    for row, draft in enumerate(drafts, start=first_row):
        text = " ".join(draft.text.split())
        if not draft.question:
            problems.append(Problem("question", "choose one of the three questions.", row))
        elif draft.question not in {q.value for q in Question}:
            problems.append(Problem("question", f"'{draft.question}' is not one of the three questions.", row))
        if not text:
            problems.append(Problem("text", "is empty.", row))
        elif len(text) > max_length:
            problems.append(Problem("text", f"is {len(text)} characters long; the limit is {max_length}.", row))
        cleaned.append(CriterionDraft(draft.question, text, draft.language, draft.component_code))
    if problems:
        raise InvalidInput(problems)
    return cleaned


def criterion_rows(
    meeting_id: uuid.UUID,
    drafts: Sequence[CriterionDraft],
    *,
    start_position: int,
    confirmed_by: str | None = None,
    codebook_version_id: uuid.UUID | None = None,
) -> list[dict[str, object]]:
    """Return insertable rows for *drafts*; coded drafts are stored as confirmed by *confirmed_by*."""
    now = utcnow()
    rows: list[dict[str, object]] = []
    for position, draft in enumerate(drafts, start=start_position):
        coded = draft.component_code is not None
        rows.append(
            {
                "id": uuid.uuid4(),
                "meeting_id": meeting_id,
                "question": draft.question,
                "text": draft.text,
                "language": draft.language,
                "position": position,
                "component_code": draft.component_code,
                "codebook_version_id": codebook_version_id if coded else None,
                "status": (CodingStatus.CONFIRMED if coded else CodingStatus.UNCODED).value,
                "confirmed_by": confirmed_by if coded else None,
                "confirmed_at": now if coded else None,
                "created_at": now,
                "suggested_alternatives": "",
                "suggested_explanation": "",
                "suggested_split": False,
            }
        )
    return rows


def attach_suggestions(rows: list[dict[str, object]], coder: Coder) -> int:
    """Fill in the coder's suggestion on every uncoded row; return how many got one."""
    pending = [row for row in rows if row["status"] == CodingStatus.UNCODED.value]
    if not pending:
        return 0
    suggestions, _errors = coder.suggest([str(r["text"]) for r in pending], [str(r["question"]) for r in pending])
    made = 0
    for row, suggestion in zip(pending, suggestions, strict=True):
        if suggestion is None:
            continue  # unreadable text stays uncoded for a person to look at
        row.update(
            status=CodingStatus.SUGGESTED.value,
            suggested_code=suggestion.component,
            suggested_confidence=suggestion.confidence,
            suggested_model=coder.version,
            suggested_alternatives=format_alternatives(suggestion.alternatives),
            suggested_explanation=", ".join(suggestion.explanation)[:500],
            suggested_split=suggestion.needs_split,
        )
        made += 1
    return made


def format_alternatives(alternatives: Sequence[tuple[str, float]]) -> str:
    """Return 'A03:0.712;A08:0.101' for storing the top components and their probabilities."""
    return ";".join(f"{code}:{probability:.3f}" for code, probability in alternatives)


def parse_alternatives(stored: str) -> list[tuple[str, float]]:
    """Return the (component, probability) pairs written by `format_alternatives`."""
    pairs = [item.split(":") for item in stored.split(";") if ":" in item]
    return [(code, float(probability)) for code, probability in pairs]


def save_criteria(
    *,
    session: Session,
    meeting_id: uuid.UUID,
    drafts: Sequence[CriterionDraft],
    coder: Coder | None,
    max_length: int,
) -> int:
    """Validate and store a meeting's new post-its with their suggestions, all or nothing; return the count."""
    cleaned = validate_drafts(drafts, max_length=max_length)
    rows = criterion_rows(meeting_id, cleaned, start_position=next_position(session=session, meeting_id=meeting_id))
    if coder is not None:
        attach_suggestions(rows, coder)
    insert_criteria(session=session, rows=rows)
    session.commit()
    return len(rows)


def insert_criteria(*, session: Session, rows: list[dict[str, object]]) -> None:
    """Insert prepared rows in one statement; the caller commits."""
    if rows:
        session.execute(insert(Criterion), rows)


def next_position(*, session: Session, meeting_id: uuid.UUID) -> int:
    """Return the position the next post-it of a meeting should take."""
    last = session.exec(select(func.max(Criterion.position)).where(Criterion.meeting_id == meeting_id)).one()
    return (last or 0) + 1


def list_criteria(*, session: Session, meeting_id: uuid.UUID) -> pd.DataFrame:
    """Return a meeting's criteria in the order they were entered."""
    rows = session.exec(
        select(Criterion).where(Criterion.meeting_id == meeting_id).order_by(col(Criterion.position))
    ).all()
    columns = [
        "id", "position", "question", "text", "language", "status", "component_code",
        "suggested_code", "suggested_confidence", "suggested_alternatives", "suggested_explanation",
    ]  # fmt: skip
    return pd.DataFrame([[getattr(r, c) for c in columns] for r in rows], columns=columns)


# A person's decision fixes a post-it: only criteria still awaiting one can be edited or deleted.
LOCKED = frozenset({CodingStatus.CONFIRMED.value, CodingStatus.UNCLASSIFIABLE.value})
GRID_COLUMNS = ["id", "no", "question", "text", "language"]
_SUGGESTION_FIELDS = (
    "suggested_code",
    "suggested_confidence",
    "suggested_model",
    "suggested_alternatives",
    "suggested_explanation",
    "suggested_split",
)
_BULLET = re.compile(r"^\s*(?:[-*•–—]|\d+[.)])\s+")


def meeting_sheet(*, session: Session, meeting_id: uuid.UUID) -> pd.DataFrame:
    """Return a meeting's criteria numbered 1, 2, … in entry order, each saying whether a decision locks it."""
    sheet = list_criteria(session=session, meeting_id=meeting_id)
    return sheet.assign(no=range(1, len(sheet) + 1), locked=sheet["status"].isin(LOCKED))


def grid_frame(sheet: pd.DataFrame) -> pd.DataFrame:
    """Return the editable criteria of a `meeting_sheet` as the entry grid shows them, ids as text."""
    editable = sheet.loc[~sheet["locked"], GRID_COLUMNS].reset_index(drop=True)
    # Rows added in the grid have no number yet: a nullable integer column takes them without a dtype change.
    return editable.assign(id=editable["id"].astype(str)).astype({"no": "Int64"})


def locked_frame(sheet: pd.DataFrame, component_labels: dict[str, str]) -> pd.DataFrame:
    """Return the criteria a decision locked, as read-only rows: number, question, text and component."""
    locked = sheet.loc[sheet["locked"]]
    return pd.DataFrame(
        {
            "No.": locked["no"],
            "Question": locked["question"].map(lambda q: QUESTION_LABELS[Question(q)]),
            "Post-it": locked["text"],
            "Component": locked["component_code"].map(lambda c: component_labels.get(c, "Unclassifiable")),
        }
    )


def drafts_from_lines(text: str, *, question: str, language: str) -> list[CriterionDraft]:
    """Return one draft per non-blank line of pasted *text*, list bullets removed."""
    lines = (_BULLET.sub("", line).strip() for line in text.splitlines())
    return [CriterionDraft(question, line, language) for line in lines if line]


@dataclass(frozen=True)
class GridChanges:
    """What saving the entry grid did."""

    added: int
    updated: int
    deleted: int

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} changed, {self.deleted} deleted"


def _cell(value: object) -> str:
    """Return a grid cell as text: the editor gives None or NaN for an empty cell."""
    if isinstance(value, str):
        return value
    return "" if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]


def _grid_problems(
    ids: Sequence[uuid.UUID | None],
    drafts: Sequence[CriterionDraft],
    editable: dict[uuid.UUID, Criterion],
    max_length: int,
) -> tuple[list[CriterionDraft], list[Problem]]:
    problems = [
        Problem("text", "was confirmed, split or deleted meanwhile: reload the page to see it.", row)
        for row, criterion_id in enumerate(ids, start=1)
        if criterion_id is not None and criterion_id not in editable
    ]
    problems += [
        Problem("language", f"'{d.language}' is not one of {', '.join(LANGUAGES)}.", row)
        for row, d in enumerate(drafts, start=1)
        if d.language not in LANGUAGES
    ]
    try:
        cleaned = validate_drafts(drafts, max_length=max_length)
    except InvalidInput as error:
        return [], sorted([*error.problems, *problems], key=lambda p: p.row or 0)
    return cleaned, sorted(problems, key=lambda p: p.row or 0)


def _content(entry: Criterion | CriterionDraft) -> tuple[str, str, str]:
    return entry.question, entry.text, entry.language


def _changed_rows(
    ids: Sequence[uuid.UUID | None], drafts: Sequence[CriterionDraft], editable: dict[uuid.UUID, Criterion]
) -> list[dict[str, object]]:
    """Return update rows for the criteria whose question, text or language changed; new words need a new code."""
    rows: list[dict[str, object]] = []
    for criterion_id, draft in zip(ids, drafts, strict=True):
        current = editable.get(criterion_id) if criterion_id is not None else None
        if current is None or _content(current) == _content(draft):
            continue
        row = current.model_dump(include={"id", "status", *_SUGGESTION_FIELDS})
        row.update(question=draft.question, text=draft.text, language=draft.language)
        if (current.question, current.text) != (draft.question, draft.text):
            row.update(dict.fromkeys(_SUGGESTION_FIELDS), status=CodingStatus.UNCODED.value)
            row.update(suggested_alternatives="", suggested_explanation="", suggested_split=False)
        rows.append(row)
    return rows


def save_grid(
    *, session: Session, meeting_id: uuid.UUID, grid: pd.DataFrame, coder: Coder | None, max_length: int, language: str
) -> GridChanges:
    """Store the edited grid of a meeting's open post-its in one transaction: add, change and delete rows.

    Rows without an id are new; rows missing from *grid* are deleted; changed words get a fresh suggestion.
    """
    grid = grid.reset_index(drop=True)
    ids = [uuid.UUID(_cell(v)) if _cell(v) else None for v in grid.get("id", pd.Series([None] * len(grid)))]
    drafts = [
        CriterionDraft(_cell(q), _cell(t), _cell(lang) or language)
        for q, t, lang in zip(grid["question"], grid["text"], grid["language"], strict=True)
    ]
    open_criteria = select(Criterion).where(Criterion.meeting_id == meeting_id, col(Criterion.status).not_in(LOCKED))
    editable = {c.id: c for c in session.exec(open_criteria).all()}
    cleaned, problems = _grid_problems(ids, drafts, editable, max_length)
    if problems:
        raise InvalidInput(problems)
    new = [draft for draft, criterion_id in zip(cleaned, ids, strict=True) if criterion_id is None]
    added = criterion_rows(meeting_id, new, start_position=next_position(session=session, meeting_id=meeting_id))
    changed = _changed_rows(ids, cleaned, editable)
    if coder is not None:
        attach_suggestions([*added, *changed], coder)
    removed = set(editable) - set(ids)
    if removed:
        session.exec(delete(Criterion).where(col(Criterion.id).in_(removed)))
    insert_criteria(session=session, rows=added)
    if changed:
        session.exec(update(Criterion), params=changed)
    session.commit()
    return GridChanges(added=len(added), updated=len(changed), deleted=len(removed))
