"""Uploaded files: a CSV or Excel workbook read safely into rows of text cells, never executed."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, NoReturn

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from spiral_app.core.errors import InvalidInput, Problem

MAX_ROWS = 100_000
MAX_COLUMNS = 50
MAX_ZIP_MEMBERS = 1_000  # a one-sheet workbook holds about a dozen parts
MAX_ZIP_RATIO = 100  # the ratio Apache POI refuses above; real sheets compress 5-30 times
UNZIPPED_FACTOR = 10  # a workbook may expand to this many times the upload limit
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xltx")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
DELIMITERS = (",", ";", "\t")  # French and German Excel write semicolons
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx protected by a password
_ESCAPED = re.compile("[\udc80-\udcff]")  # where surrogateescape kept a byte that is not text
_DECODED_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
_FIRST_LINE = re.compile(r"[^\r\n]*\S[^\r\n]*")
_SHEET_NAMES = ("criteria", "criteres")


@dataclass(frozen=True)
class Table:
    """The cells of an uploaded file: a header and data rows of text, with their spreadsheet row numbers."""

    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    row_numbers: list[int]
    problems: tuple[Problem, ...] = ()
    source: str = ""
    header_row: int = 1


def read_upload(name: str, content: bytes, *, max_bytes: int) -> Table:
    """Return the table in an uploaded .csv or .xlsx file, or raise saying clearly why it cannot be read.

    Args:
        name: the file's name as uploaded; its extension only picks the explanation of a refusal.
        content: the file's bytes.
        max_bytes: the largest file accepted; a workbook may unzip to `UNZIPPED_FACTOR` times this.
    """
    suffix = PurePath(name).suffix.lower()
    check_size(len(content), max_bytes=max_bytes)
    if suffix in MACRO_SUFFIXES:
        _refuse(f"'{name}' is a macro-enabled workbook, which Spiral refuses: save it as .xlsx or CSV first.")
    if not content.strip():
        _refuse("is empty: download the template, fill it in and upload it again.")
    if suffix == ".xls" or content.startswith(_OLE2_MAGIC):
        _refuse(
            f"'{name}' is an old Excel 97-2003 workbook, or one protected by a password: "
            "remove the password and save it as .xlsx or CSV UTF-8."
        )
    if content.startswith(_ZIP_MAGIC):
        return read_xlsx(content, name=name, max_unzipped=max_bytes * UNZIPPED_FACTOR)
    if suffix in XLSX_SUFFIXES:
        _refuse(f"'{name}' is not an Excel workbook: it may be damaged, or another kind of file renamed .xlsx.")
    if suffix not in CSV_SUFFIXES:
        _refuse(f"'{name}' is neither a CSV file nor an Excel workbook: Spiral reads .csv and .xlsx files.")
    return read_csv(content)


def check_size(size: int, *, max_bytes: int) -> None:
    """Raise if a file of *size* bytes is over the upload limit."""
    if size > max_bytes:
        _refuse(f"is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}: split it into smaller files.")


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.3g} MB"


def _refuse(message: str) -> NoReturn:
    raise file_problem(message)


def file_problem(message: str) -> InvalidInput:
    """Return the refusal of the whole file, for *message*."""
    return InvalidInput([Problem("File", message)])


# --- CSV -------------------------------------------------------------------------------------------------------


def decode_text(content: bytes) -> tuple[str, str]:
    """Return the text of *content* and the name of its encoding; undecodable bytes become lone surrogates."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", "surrogateescape"), "UTF-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", "replace"), "UTF-16"  # Excel's 'Unicode text'
    if b"\x00" in content:
        _refuse("holds binary data, not text: save it as CSV UTF-8 or as an Excel workbook (.xlsx).")
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = content.decode("utf-8", "surrogateescape")
    # Valid multi-byte sequences mean UTF-8 with a few bad bytes; none means an 8-bit Windows file.
    if _DECODED_NON_ASCII.search(text):
        return text, "UTF-8"
    return content.decode("cp1252", "surrogateescape"), "Windows-1252"


def sniff_delimiter(first_line: str) -> str:
    """Return the delimiter that splits the header line into the most cells (comma on a tie)."""
    counts = [len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))]


def read_csv(content: bytes) -> Table:
    """Return the table of a CSV file: UTF-8 (with or without BOM) or Windows-1252, `,` `;` or tab separated."""
    text, encoding = decode_text(content)
    first_line = _FIRST_LINE.search(text)
    if first_line is None:
        _refuse("is empty: download the template, fill it in and upload it again.")
    delimiter = sniff_delimiter(first_line.group())
    # newline="" lets the csv module see \r\n, \r and \n alike, and line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table = _build_table(_csv_records(reader), f"CSV, {_DELIMITER_NAMES[delimiter]}-separated, {encoding}")
    if _ESCAPED.search(text) is None:
        return table
    return _report_undecodable(table, encoding)


def _csv_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    number = 0
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = (
                f"row {number} could not be read ({error}): a quoted cell is not closed, or text follows its quote."
            )
            raise file_problem(message) from error
        yield number, record


def _report_undecodable(table: Table, encoding: str) -> Table:
    columns = tuple(_ESCAPED.sub("\ufffd", column) for column in table.columns)
    problems = list(table.problems)
    rows = []
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        for column, cell in zip(columns, row, strict=True):
            if (bad := _ESCAPED.search(cell)) is not None:
                byte = ord(bad.group()) - 0xDC00
                message = (
                    f"holds a byte (0x{byte:02X}) that is not valid {encoding} text: "
                    "save the file as 'CSV UTF-8' and upload it again."
                )
                problems.append(Problem(column, message, number))
        rows.append(tuple(_ESCAPED.sub("\ufffd", cell) for cell in row))
    return Table(columns, rows, table.row_numbers, tuple(problems), table.source, table.header_row)


# --- XLSX ------------------------------------------------------------------------------------------------------


def check_zip(content: bytes, *, max_unzipped: int) -> None:
    """Raise unless *content* is a zip that is safe to open as a workbook: no zip bomb, no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise file_problem("is a damaged workbook: open it in Excel and save it again.") from error
    if len(members) > MAX_ZIP_MEMBERS:
        _refuse(f"holds {len(members)} parts, more than a workbook of criteria can (at most {MAX_ZIP_MEMBERS}).")
    # Declared sizes can be trusted as upper bounds: zipfile stops at file_size and checks the CRC.
    unzipped = sum(m.file_size for m in members)
    if unzipped > max_unzipped or any(m.file_size > 2**20 and m.file_size > MAX_ZIP_RATIO * m.compress_size
                                      for m in members):  # fmt: skip
        _refuse(
            f"unzips to {_megabytes(unzipped)}, far more than its size: it looks like a zip bomb and was not opened."
        )
    names = {m.filename.lower() for m in members}
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
        _refuse("holds macros (VBA), which Spiral refuses: save it as a plain .xlsx workbook or CSV first.")
    if "xl/workbook.xml" not in names:
        _refuse("is a zip file but not an Excel workbook: save your sheet as .xlsx or CSV.")


def read_xlsx(content: bytes, *, name: str = "", max_unzipped: int) -> Table:
    """Return the table of the 'Criteria' sheet (or the first sheet) of a workbook; formulas stay text."""
    check_zip(content, max_unzipped=max_unzipped)
    try:
        # data_only=False: a formula is read as its text and never evaluated; defusedxml parses the XML.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many undocumented kinds on malformed parts
        raise _unreadable(name, error) from error
    try:
        sheets = workbook.worksheets
        if not sheets:
            _refuse("holds no worksheet.")
        sheet = next((s for s in sheets if s.title.strip().lower() in _SHEET_NAMES), sheets[0])
        formulas: list[tuple[int, int, str]] = []
        records = _sheet_records(sheet.iter_rows(max_col=MAX_COLUMNS), formulas)
        table = _build_table(records, f"Excel workbook, sheet '{sheet.title}'")
    except InvalidInput:
        raise
    except Exception as error:
        raise _unreadable(name, error) from error
    finally:
        workbook.close()
    return _report_formulas(table, formulas)


def _unreadable(name: str, error: BaseException) -> InvalidInput:
    root = error
    while (inner := root.__cause__ or root.__context__) is not None:
        root = inner
    if isinstance(root, DefusedXmlException):
        return file_problem(f"'{name}' holds XML that could attack the computer reading it ({type(root).__name__}).")
    return file_problem(f"'{name}' is damaged ({type(root).__name__}): open it in Excel and save it again as .xlsx.")


def _sheet_records(
    rows: Iterable[Sequence[Any]], formulas: list[tuple[int, int, str]]
) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(rows, start=1):
        values = [value if type(value := cell.value) is str else cell_text(value) for cell in cells]
        formulas += ((number, index, values[index]) for index, cell in enumerate(cells) if cell.data_type == "f")
        yield number, values


def cell_text(value: object) -> str:
    """Return a cell's value as the text a person sees: dates as YYYY-MM-DD, 3.0 as 3, formulas as written."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = getattr(value, "text", None)  # array and data-table formulas keep their text here
    return text if isinstance(text, str) else str(value)


def _report_formulas(table: Table, formulas: list[tuple[int, int, str]]) -> Table:
    if not formulas:
        return table
    problems = list(table.problems)
    for row, index, text in formulas:
        if index >= len(table.columns):
            continue  # already reported as a cell outside the header
        column = table.columns[index]
        shown = text if len(text) <= 60 else text[:57] + "..."
        message = f"holds a formula ({shown}), which Spiral never runs: type the text, or paste the cells as values."
        problems.append(Problem(column, message, row))
    return Table(table.columns, table.rows, table.row_numbers, tuple(problems), table.source, table.header_row)


# --- both --------------------------------------------------------------------------------------------------------


def _build_table(records: Iterable[tuple[int, list[str]]], source: str) -> Table:
    """Return the first non-blank record as the header and the non-blank records below it as rows."""
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    for number, record in records:
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if header is None:
            while cells and not cells[-1]:
                cells.pop()
            header, header_row = cells, number
            continue
        width = len(header)
        for index in range(width, len(cells)):
            if cells[index]:
                problems.append(_extra_cell(cells[index], index, number))
        rows.append(tuple(cells[:width] + [""] * (width - len(cells))))
        numbers.append(number)
        if len(rows) > MAX_ROWS:
            _refuse(f"has more than {MAX_ROWS:,} rows: split it into several files.")
    if header is None:
        _refuse("is empty: download the template, fill it in and upload it again.")
    return Table(tuple(header), rows, numbers, tuple(problems), source, header_row)


def _extra_cell(cell: str, index: int, row: int) -> Problem:
    shown = cell if len(cell) <= 30 else cell[:27] + "..."
    return Problem(
        get_column_letter(index + 1),
        f"holds '{shown}' but the header names no column here. In a CSV file, put a text that holds "
        "the separator in double quotes.",
        row,
    )
