"""Problems with user input, reported by field and row so that people can fix them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what to do about it."""

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"Row {self.row}, column '{self.field}'" if self.row is not None else self.field
        return f"{where}: {self.message}"


class InvalidInput(ValueError):
    """Input that was refused; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def require_text(value: str | None, field: str, *, max_length: int = 200) -> str:
    """Return *value* stripped, or raise if it is empty or too long."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput([Problem(field, "must not be empty.")])
    if len(cleaned) > max_length:
        raise InvalidInput([Problem(field, f"is {len(cleaned)} characters long; the limit is {max_length}.")])
    return cleaned
