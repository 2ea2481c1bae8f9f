"""Import templates: the Excel workbook and CSV file that facilitators fill in with their groups' post-its."""

from __future__ import annotations

import codecs
import io
from collections.abc import Sequence
from typing import Literal

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from spiral_app.core.importing import COLUMNS
from spiral_app.core.models import Question
from spiral_app.core.territory import LANGUAGES
from spiral_app.core.text import neutralise_formula

CRITERIA_SHEET = "Criteria"
LAST_ROW = 10_000  # drop-down lists cover this many rows; more can be pasted
_WIDTHS = {"group": 32, "meeting_date": 14, "question": 12, "text": 80, "language": 10}
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def csv_template() -> bytes:
    """Return a CSV file holding the header row, in UTF-8 with the BOM that lets Excel read accents."""
    return codecs.BOM_UTF8 + (",".join(COLUMNS) + "\r\n").encode("utf-8")


def instructions(*, groups: Sequence[str], max_text_length: int) -> list[tuple[str, str]]:
    """Return the lines of the instructions sheet: (column or heading, what to write)."""
    group_list = ", ".join(groups) if groups else "(this territory has no groups yet: add them in Territory setup)"
    return [
        ("How to fill in this workbook", "One row per post-it, on the 'Criteria' sheet. Keep its first row as it is."),
        ("group", f"Required. The homogeneous group that wrote the post-it, named as in Spiral: {group_list}."),
        (
            "meeting_date",
            "Optional. The date of the meeting, as YYYY-MM-DD (e.g. 2026-03-04) or a date cell. Empty: the group's "
            "latest meeting. A date with no meeting yet creates that meeting, in the cycle that includes the date.",
        ),
        ("question", "Required. wellbeing (Q1, bien-être), illbeing (Q2, mal-être) or action (Q3)."),
        ("text", f"Required. The words of the post-it, as written; at most {max_text_length} characters."),
        ("language", f"Optional. One of {', '.join(LANGUAGES)}. Empty: the meeting's language."),
        (
            "Before anything is saved",
            "Spiral checks the whole file. If a single row has a problem, nothing is imported, and the report names "
            "the row and the column of each problem. Formulas are never run: type the words themselves.",
        ),
    ]


def xlsx_template(*, groups: Sequence[str], max_text_length: int) -> bytes:
    """Return the import workbook: a header row with drop-down lists, an instructions sheet, and a list of groups."""
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = CRITERIA_SHEET
    sheet.append(list(COLUMNS))
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column]
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].number_format = "yyyy-mm-dd"
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    lists.append(["group"])
    for name in groups:
        lists.append([neutralise_formula(name)])
    _add_validations(sheet, n_groups=len(groups), max_text_length=max_text_length)
    guide = workbook.create_sheet("Instructions")
    for heading, text in instructions(groups=groups, max_text_length=max_text_length):
        guide.append([heading, text])
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 28, 110
    for row in guide.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_validations(sheet: Worksheet, *, n_groups: int, max_text_length: int) -> None:
    questions = ",".join(q.value for q in Question)
    rules = {
        "C": _rule("list", f'"{questions}"', "Write wellbeing, illbeing or action."),
        "D": _rule("textLength", str(max_text_length), f"At most {max_text_length} characters.", "lessThanOrEqual"),
        "E": _rule("list", f'"{",".join(LANGUAGES)}"', f"Write one of {', '.join(LANGUAGES)}."),
    }
    if n_groups:
        rules["A"] = _rule("list", f"Lists!$A$2:$A${n_groups + 1}", "Name one of the territory's groups.")
    for letter, rule in rules.items():
        rule.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(rule)


def _rule(
    kind: Literal["list", "textLength"], formula: str, error: str, operator: Literal["lessThanOrEqual"] | None = None
) -> DataValidation:
    # A warning rather than a stop: Spiral also accepts French words and case variants that a list would refuse.
    return DataValidation(
        type=kind, operator=operator, formula1=formula, allow_blank=True,
        showErrorMessage=True, errorStyle="warning", error=error, errorTitle="Spiral",
    )  # fmt: skip
