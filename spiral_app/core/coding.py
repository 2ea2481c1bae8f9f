"""Coding a whole table of criteria at once, for the command line and reports."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from spiral_app.core.coder import Coder, CodingError
from spiral_app.core.errors import InvalidInput, Problem

SUGGESTION_COLUMNS = ["suggested_component", "suggested_family", "confidence", "alternatives", "explanation",
                      "needs_split", "error"]  # fmt: skip


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise if *frame* lacks any of *columns*."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise InvalidInput([Problem("header", f"missing column(s) {', '.join(missing)}; found {found}.")])


def code_frame(coder: Coder, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[CodingError]]:
    """Return *frame* with the suggestion columns added, and the rows that could not be coded."""
    require_columns(frame, ["text"])
    questions = frame["question"].fillna("").astype(str).tolist() if "question" in frame else None
    suggestions, errors = coder.suggest(frame["text"].fillna("").astype(str).tolist(), questions)
    messages = {e.row - 1: e.message for e in errors}
    values = [
        (s.component, s.family, round(s.confidence, 3), "; ".join(f"{c} {p:.2f}" for c, p in s.alternatives),
         ", ".join(s.explanation), s.needs_split, "")
        if s is not None
        else ("", "", None, "", "", False, messages[i])
        for i, s in enumerate(suggestions)
    ]  # fmt: skip
    coded = pd.concat([frame.reset_index(drop=True), pd.DataFrame(values, columns=SUGGESTION_COLUMNS)], axis=1)
    return coded, [CodingError(e.row, e.message) for e in errors]
