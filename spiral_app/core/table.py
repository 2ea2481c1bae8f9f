"""Reading and writing plain tables of criteria (CSV or XLSX) for the command line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.text import neutralise_formula


def read_table(path: Path) -> pd.DataFrame:
    """Return the rows of a CSV or XLSX file, every cell as text."""
    if not path.exists():
        raise InvalidInput([Problem(str(path), "no such file.")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig")
    if suffix == ".xlsx":
        # data_only=False: a formula cell is read as its text, never as a computed value.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
        if not rows:
            return pd.DataFrame()
        return pd.DataFrame(rows[1:], columns=rows[0])
    raise InvalidInput([Problem(str(path), "must be a .csv or .xlsx file.")])


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write *frame* as CSV or XLSX by *path*'s suffix; no cell is ever written as a formula."""
    safe = frame.map(neutralise_formula)
    if path.suffix.lower() == ".xlsx":
        safe.to_excel(path, index=False, engine="openpyxl")
    else:
        safe.to_csv(path, index=False)
