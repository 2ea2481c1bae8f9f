"""Coding decisions: confirming, recoding, rejecting or splitting criteria, each recorded and undoable."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from spiral_app.core.codebook import current_version_id
from spiral_app.core.coder import Coder
from spiral_app.core.criterion import CriterionDraft, attach_suggestions, criterion_rows, insert_criteria, next_position
from spiral_app.core.errors import InvalidInput, Problem, require_text
from spiral_app.core.models import CodebookEntry, CodingDecision, CodingStatus, Criterion, Group, utcnow
from spiral_app.core.review import ReviewFilter, confidence, filter_conditions, joined

# The status on one side of a split: the parts did not exist before it, the original does not exist after it.
ABSENT = ""
MAX_REASON = 500


class DecisionAction(enum.StrEnum):
    """What a person did to a criterion; the decisions of one action share a batch."""

    CONFIRM = "confirm"
    RECODE = "recode"
    UNCLASSIFIABLE = "unclassifiable"
    BULK_CONFIRM = "bulk_confirm"
    SPLIT = "split"


ACTION_LABELS = {
    DecisionAction.CONFIRM: "Confirmed",
    DecisionAction.RECODE: "Chose another component",
    DecisionAction.UNCLASSIFIABLE: "Marked unclassifiable",
    DecisionAction.BULK_CONFIRM: "Bulk-confirmed",
    DecisionAction.SPLIT: "Split into",
}
# The fields of a criterion a decision changes, and so the ones undo puts back.
STATE_FIELDS = ("status", "component_code", "confirmed_by", "confirmed_at", "codebook_version_id")


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(field, message)])


def _criterion(session: Session, criterion_id: uuid.UUID) -> Criterion:
    criterion = session.get(Criterion, criterion_id)
    if criterion is None:
        raise _refuse("Post-it", "no longer exists; it may have been split or deleted meanwhile.")
    return criterion


def _version(session: Session) -> uuid.UUID:
    version_id = current_version_id(session=session)
    if version_id is None:
        raise _refuse("Codebook", "no codebook is loaded; load one in the codebook page first.")
    return version_id


@dataclass(frozen=True)
class _Act:
    """Who took one action, when, why: shared by every decision of its batch."""

    action: DecisionAction
    decided_by: str
    reason: str
    batch_id: uuid.UUID = field(default_factory=uuid.uuid4)
    decided_at: dt.datetime = field(default_factory=utcnow)


def _act(action: DecisionAction, decided_by: str, reason: str) -> _Act:
    who = require_text(decided_by, "Decided by")
    why = reason.strip()
    if len(why) > MAX_REASON:
        raise _refuse("Reason", f"is {len(why)} characters long; the limit is {MAX_REASON}.")
    return _Act(action, who, why)


def _decision_row(before: dict[str, object], act: _Act, *, to_status: str, to_code: str | None) -> dict[str, object]:
    """Return an insertable decision moving a criterion from its state *before* to *to_status* and *to_code*."""
    return {
        "id": uuid.uuid4(),
        "criterion_id": before["id"],
        "batch_id": act.batch_id,
        "action": act.action.value,
        "decided_by": act.decided_by,
        "decided_at": act.decided_at,
        "from_status": before["status"],
        "to_status": to_status,
        "from_code": before["component_code"],
        "to_code": to_code,
        "from_confirmed_by": before["confirmed_by"],
        "from_confirmed_at": before["confirmed_at"],
        "from_codebook_version_id": before["codebook_version_id"],
        "snapshot": "",
        "reason": act.reason,
        "undone": False,
    }


def _state(criterion: Criterion) -> dict[str, object]:
    return {"id": criterion.id, **{field: getattr(criterion, field) for field in STATE_FIELDS}}


def _decide(
    session: Session, criterion: Criterion, change: tuple[DecisionAction, CodingStatus, str | None], who: str, why: str
) -> uuid.UUID:
    action, to_status, to_code = change
    act, version_id = _act(action, who, why), _version(session)
    row = _decision_row(_state(criterion), act, to_status=to_status.value, to_code=to_code)
    session.add(CodingDecision.model_validate(row))
    criterion.status, criterion.component_code = to_status.value, to_code
    criterion.confirmed_by, criterion.confirmed_at = act.decided_by, act.decided_at
    criterion.codebook_version_id = version_id
    session.add(criterion)
    session.commit()
    return act.batch_id


def confirm(*, session: Session, criterion_id: uuid.UUID, decided_by: str, reason: str = "") -> uuid.UUID:
    """Accept the coder's suggestion for a criterion; return the decision's batch id."""
    criterion = _criterion(session, criterion_id)
    if criterion.status == CodingStatus.CONFIRMED:
        raise _refuse("Post-it", f"is already confirmed as {criterion.component_code}.")
    if criterion.suggested_code is None:
        raise _refuse("Component", "there is no suggestion to confirm: choose a component.")
    change = (DecisionAction.CONFIRM, CodingStatus.CONFIRMED, criterion.suggested_code)
    return _decide(session, criterion, change, decided_by, reason)


def recode(
    *, session: Session, criterion_id: uuid.UUID, component_code: str | None, decided_by: str, reason: str = ""
) -> uuid.UUID:
    """Confirm a criterion as another component than the one suggested; return the decision's batch id."""
    criterion = _criterion(session, criterion_id)
    if not component_code:
        raise _refuse("Component", "choose the component this post-it belongs to.")
    known = session.exec(
        select(CodebookEntry.id).where(
            CodebookEntry.version_id == _version(session), CodebookEntry.code == component_code
        )
    ).first()
    if known is None or len(component_code) == 1:
        raise _refuse("Component", f"'{component_code}' is not a component of the current codebook.")
    if criterion.status == CodingStatus.CONFIRMED and criterion.component_code == component_code:
        raise _refuse("Post-it", f"is already confirmed as {component_code}.")
    change = (DecisionAction.RECODE, CodingStatus.CONFIRMED, component_code)
    return _decide(session, criterion, change, decided_by, reason)


def mark_unclassifiable(*, session: Session, criterion_id: uuid.UUID, decided_by: str, reason: str = "") -> uuid.UUID:
    """Record that a criterion fits no component; return the decision's batch id."""
    criterion = _criterion(session, criterion_id)
    if criterion.status == CodingStatus.UNCLASSIFIABLE:
        raise _refuse("Post-it", "is already marked unclassifiable.")
    change = (DecisionAction.UNCLASSIFIABLE, CodingStatus.UNCLASSIFIABLE, None)
    return _decide(session, criterion, change, decided_by, reason)


def bulk_confirm(
    *, session: Session, filters: ReviewFilter, threshold: float, decided_by: str, reason: str = ""
) -> tuple[uuid.UUID, int]:
    """Confirm every suggestion within *filters* whose confidence is at least *threshold*; return batch and count."""
    act, version_id = _act(DecisionAction.BULK_CONFIRM, decided_by, reason), _version(session)
    statement = joined(
        sa.select(col(Criterion.id), *(col(getattr(Criterion, f)) for f in STATE_FIELDS), col(Criterion.suggested_code))
    ).where(
        *filter_conditions(filters),
        col(Criterion.status) == CodingStatus.SUGGESTED.value,
        col(Criterion.suggested_code).is_not(None),
        confidence() >= threshold,
    )
    targets = [row._asdict() for row in session.connection().execute(statement).all()]
    if not targets:
        raise _refuse("Confidence", f"no suggestion in this selection has a confidence of {threshold:.0%} or more.")
    decisions = [
        _decision_row(t, act, to_status=CodingStatus.CONFIRMED.value, to_code=str(t["suggested_code"])) for t in targets
    ]
    session.exec(insert(CodingDecision), params=decisions)
    session.exec(
        update(Criterion)
        .where(col(Criterion.id).in_([t["id"] for t in targets]))
        .values(
            status=CodingStatus.CONFIRMED.value,
            component_code=col(Criterion.suggested_code),
            confirmed_by=act.decided_by,
            confirmed_at=act.decided_at,
            codebook_version_id=version_id,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return act.batch_id, len(targets)


def validate_parts(parts: Sequence[str], *, max_length: int) -> list[str]:
    """Return the parts of a split, stripped, or raise naming each empty or too long part."""
    cleaned = [" ".join(part.split()) for part in parts]
    problems = [
        Problem(f"Part {i}", "is empty: remove the blank line.") for i, part in enumerate(cleaned, start=1) if not part
    ]
    problems += [
        Problem(f"Part {i}", f"is {len(part)} characters long; the limit is {max_length}.")
        for i, part in enumerate(cleaned, start=1)
        if len(part) > max_length
    ]
    if len(cleaned) < 2:
        problems.append(Problem("Parts", "give at least two parts, one per line."))
    if problems:
        raise InvalidInput(problems)
    return cleaned


def split_criterion(
    *,
    session: Session,
    criterion_id: uuid.UUID,
    parts: Sequence[str],
    coder: Coder | None,
    decided_by: str,
    max_length: int,
    reason: str = "",
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Replace a criterion by one new criterion per part, each with its own suggestion; return batch and new ids."""
    original = _criterion(session, criterion_id)
    cleaned = validate_parts(parts, max_length=max_length)
    act = _act(DecisionAction.SPLIT, decided_by, reason)
    drafts = [CriterionDraft(original.question, text, original.language) for text in cleaned]
    start = next_position(session=session, meeting_id=original.meeting_id)
    rows = criterion_rows(original.meeting_id, drafts, start_position=start)
    if coder is not None:
        attach_suggestions(rows, coder)
    replaced = _decision_row(_state(original), act, to_status=ABSENT, to_code=None)
    replaced["snapshot"] = json.dumps(original.model_dump(mode="json"))
    nothing_before = {"status": ABSENT, **dict.fromkeys(STATE_FIELDS[1:])}
    created = [
        _decision_row({"id": r["id"], **nothing_before}, act, to_status=str(r["status"]), to_code=None) for r in rows
    ]
    session.delete(original)
    session.flush()
    insert_criteria(session=session, rows=rows)
    session.exec(insert(CodingDecision), params=[replaced, *created])
    session.commit()
    return act.batch_id, [uuid.UUID(str(r["id"])) for r in rows]


def undo(*, session: Session, batch_id: uuid.UUID, undone_by: str) -> int:
    """Put back every criterion a batch of decisions changed, exactly as it was; return how many."""
    who = require_text(undone_by, "Undone by")
    decisions = session.exec(select(CodingDecision).where(CodingDecision.batch_id == batch_id)).all()
    if not decisions:
        raise _refuse("Decision", "no longer exists.")
    if any(d.undone for d in decisions):
        raise _refuse("Decision", "was already undone.")
    later = session.exec(
        select(CodingDecision.id).where(
            col(CodingDecision.criterion_id).in_([d.criterion_id for d in decisions]),
            CodingDecision.batch_id != batch_id,
            col(CodingDecision.undone).is_(False),
            col(CodingDecision.decided_at) > decisions[0].decided_at,
        )
    ).first()
    if later is not None:
        raise _refuse("Decision", "a later decision changed the same post-it: undo that one first.")
    if decisions[0].action == DecisionAction.SPLIT:
        _undo_split(session, decisions)
    else:
        _restore_states(session, decisions)
    session.exec(
        update(CodingDecision)
        .where(col(CodingDecision.batch_id) == batch_id)
        .values(undone=True, undone_by=who, undone_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.expire_all()
    return len(decisions)


def _restore_states(session: Session, decisions: Sequence[CodingDecision]) -> None:
    existing = set(
        session.exec(select(Criterion.id).where(col(Criterion.id).in_([d.criterion_id for d in decisions]))).all()
    )
    states = [
        {
            "id": d.criterion_id,
            "status": d.from_status,
            "component_code": d.from_code,
            "confirmed_by": d.from_confirmed_by,
            "confirmed_at": d.from_confirmed_at,
            "codebook_version_id": d.from_codebook_version_id,
        }
        for d in decisions
        if d.criterion_id in existing
    ]
    if states:
        session.exec(update(Criterion), params=states)


def _undo_split(session: Session, decisions: Sequence[CodingDecision]) -> None:
    parts = [d.criterion_id for d in decisions if d.from_status == ABSENT]
    session.exec(delete(Criterion).where(col(Criterion.id).in_(parts)))
    for replaced in (d for d in decisions if d.to_status == ABSENT):
        session.add(Criterion.model_validate(json.loads(replaced.snapshot)))


def recent_decisions(*, session: Session, territory_id: uuid.UUID, limit: int = 10) -> pd.DataFrame:
    """Return the latest batches of decisions still in force in a territory, newest first, one row each."""
    statement = (
        joined(
            sa.select(
                col(CodingDecision.batch_id),
                func.min(CodingDecision.action),
                func.min(CodingDecision.decided_by),
                func.max(CodingDecision.decided_at),
                func.count(),
                func.min(Criterion.text),
                func.min(CodingDecision.from_code),
                func.min(CodingDecision.to_code),
            ).join(Criterion, col(Criterion.id) == col(CodingDecision.criterion_id))
        )
        .where(col(Group.territory_id) == territory_id, col(CodingDecision.undone).is_(False))
        .group_by(col(CodingDecision.batch_id))
        .order_by(func.max(CodingDecision.decided_at).desc())
        .limit(limit)
    )
    columns = ["batch_id", "action", "decided_by", "decided_at", "criteria", "text", "from_code", "to_code"]
    return pd.DataFrame(session.connection().execute(statement).all(), columns=columns)


def describe_decisions(recent: pd.DataFrame) -> pd.Series[str]:
    """Return one line per batch of `recent_decisions`, e.g. 'Confirmed A03 — Having a warm home'."""
    labels = recent["action"].map(lambda a: ACTION_LABELS[DecisionAction(a)])
    codes = recent["to_code"].fillna("").where(recent["criteria"].eq(1), "")
    counts = recent["criteria"].map(lambda n: f"{n} post-its" if n > 1 else "")
    return (labels + " " + codes + " " + counts).str.split().str.join(" ") + " — " + recent["text"].str.slice(0, 60)
