"""Criteria: the post-its of a meeting, and saving them with their suggested codes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from spiral_app.core.coder import Coder
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import CodingStatus, Criterion, Question, utcnow

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
        if draft.question not in {q.value for q in Question}:
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
