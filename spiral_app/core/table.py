"""Reading and writing plain tables of criteria (CSV or XLSX) for the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spiral_app.core import upload
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.text import neutralise_formula


def read_table(path: Path, *, max_bytes: int) -> pd.DataFrame:
    """Return the rows of a CSV or XLSX file, every cell as text, read with the same safeguards as uploads."""
    if not path.is_file():
        raise InvalidInput([Problem(str(path), "no such file.")])
    table = upload.read_upload(path.name, path.read_bytes(), max_bytes=max_bytes)
    if table.problems:
        raise InvalidInput(table.problems)
    return pd.DataFrame(table.rows, columns=[c.strip().lower() for c in table.columns], dtype=str)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write *frame* as CSV or XLSX by *path*'s suffix; no cell is ever written as a formula."""
    safe = frame.map(neutralise_formula)
    if path.suffix.lower() == ".xlsx":
        safe.to_excel(path, index=False, engine="openpyxl")
    else:
        safe.to_csv(path, index=False)
