"""Import templates: the columns of an import file, the words each one accepts, and the files to fill in."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from spiral_app.core.models import Question
from spiral_app.core.territory import LANGUAGES
from spiral_app.core.text import fold_accents, neutralise_formula

COLUMNS = ("group", "meeting_date", "question", "text", "language")
REQUIRED = ("group", "question", "text")
HEADER_ALIASES = {
    **{c: c for c in COLUMNS},
    "groupe": "group", "group_name": "group", "nom_du_groupe": "group",
    "date": "meeting_date", "meeting": "meeting_date", "date_of_meeting": "meeting_date",
    "date_reunion": "meeting_date", "date_de_reunion": "meeting_date", "date_de_la_reunion": "meeting_date",
    "texte": "text", "criterion": "text", "critere": "text",
    "langue": "language", "lang": "language",
}  # fmt: skip
QUESTION_WORDS = {
    **dict.fromkeys(("wellbeing", "bienetre", "q1", "question1"), Question.WELLBEING),
    **dict.fromkeys(("illbeing", "maletre", "q2", "question2"), Question.ILLBEING),
    **dict.fromkeys(("action", "actions", "q3", "question3", "whatidoorcoulddo"), Question.ACTION),
}
LANGUAGE_NAMES = {
    "english": "en", "anglais": "en", "french": "fr", "francais": "fr", "italian": "it", "italiano": "it",
    "italien": "it", "spanish": "es", "espanol": "es", "espagnol": "es", "portuguese": "pt", "portugues": "pt",
    "portugais": "pt", "german": "de", "deutsch": "de", "allemand": "de", "dutch": "nl", "nederlands": "nl",
    "neerlandais": "nl", "greek": "el", "grec": "el", "latvian": "lv", "latviesu": "lv", "letton": "lv",
    "romanian": "ro", "romana": "ro", "roumain": "ro",
}  # fmt: skip
DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")  # day first, as in Europe
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DASHES = str.maketrans("‐‑‒–—―’`", "------''")
CRITERIA_SHEET = "Criteria"
LAST_ROW = 10_000  # drop-down lists cover this many rows; more can be pasted
_WIDTHS = {"group": 32, "meeting_date": 14, "question": 12, "text": 80, "language": 10}
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def header_key(name: str) -> str:
    """Return a column name reduced for matching: 'Date de la réunion' -> 'date_de_la_reunion'."""
    return _NOT_ALNUM.sub("_", fold_accents(name)).strip("_")


def question_for(word: str) -> Question | None:
    """Return the question *word* names: 'Bien-être', 'well being', 'Q1' and 'wellbeing' all name Q1."""
    return QUESTION_WORDS.get(_NOT_ALNUM.sub("", fold_accents(word)))


def language_for(word: str) -> str | None:
    """Return the language code *word* names: 'fr', 'FR', 'fr-BE', 'French' or 'Français'."""
    key = fold_accents(word.strip())
    if key[:2] in LANGUAGES and (len(key) == 2 or key[2] in "-_"):
        return key[:2]
    return LANGUAGE_NAMES.get(key)


def parse_date(value: str) -> dt.date | None:
    """Return the date written as YYYY-MM-DD (or DD/MM/YYYY, DD.MM.YYYY), or None if it is not one."""
    for parse in (dt.date.fromisoformat, lambda v: dt.datetime.fromisoformat(v).date()):
        try:
            return parse(value)
        except ValueError:
            pass
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            pass
    return None


def name_key(name: str) -> str:
    """Return a group name reduced for matching: case, accents, dashes and spacing ignored."""
    return " ".join(fold_accents(name.translate(_DASHES)).split())


def shown(value: str, limit: int = 40) -> str:
    """Return *value* fit to quote in a message: short, and with no control characters."""
    clean = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in value[: limit + 1])
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


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
