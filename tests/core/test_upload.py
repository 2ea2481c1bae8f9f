"""Reading uploaded files safely: encodings, delimiters, line endings, workbooks, and every kind of bad file."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile
from collections.abc import Sequence

import defusedxml.ElementTree
import openpyxl
import openpyxl.xml.functions
import pytest

from spiral_app.core import template, upload
from spiral_app.core.errors import InvalidInput

MB = 2**20
HEADER = ["group", "meeting_date", "question", "text", "language"]


def read(name: str, content: bytes, *, max_bytes: int = 5 * MB) -> upload.Table:
    return upload.read_upload(name, content, max_bytes=max_bytes)


def refusal(name: str, content: bytes, *, max_bytes: int = 5 * MB) -> str:
    with pytest.raises(InvalidInput) as caught:
        read(name, content, max_bytes=max_bytes)
    return str(caught.value)


def workbook(rows: Sequence[Sequence[object]], *, title: str = "Sheet") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(content: bytes, replace: dict[str, bytes]) -> bytes:
    """Return the zip *content* with some members' bytes replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, replace.pop(item.filename, source.read(item.filename)))
        for name, data in replace.items():
            target.writestr(name, data)
    return out.getvalue()


# --- XML safety ---------------------------------------------------------------------------------------------------


def test_openpyxl_parses_workbooks_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse


def test_workbook_with_an_xml_entity_bomb_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    bomb = rezip(workbook([HEADER]), {"xl/worksheets/sheet1.xml": laughs})
    message = refusal("bomb.xlsx", bomb)
    assert message.startswith("File: 'bomb.xlsx' holds XML that could attack")
    assert "EntitiesForbidden" in message


# --- CSV ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_delimiter_is_sniffed(delimiter: str) -> None:
    text = delimiter.join(HEADER) + "\n" + delimiter.join(["Elderly", "", "action", "I walk, I read", "en"]) + "\n"
    if delimiter == ",":
        text = text.replace("I walk, I read", '"I walk, I read"')
    table = read("x.csv", text.encode())
    assert table.columns == tuple(HEADER)
    assert table.rows == [("Elderly", "", "action", "I walk, I read", "en")]


TEXT = "text\nbien-être au café\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (TEXT.encode(), "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "UTF-8"),
        (TEXT.encode("cp1252"), "Windows-1252"),
        (TEXT.encode("utf-16"), "UTF-16"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "utf16"],
)
def test_csv_encodings_are_recognised(content: bytes, encoding: str) -> None:
    table = read("x.csv", content)
    assert table.columns == ("text",)
    assert table.rows == [("bien-être au café",)]
    assert encoding in table.source


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_csv_line_endings_are_all_read(newline: str) -> None:
    text = newline.join(["group,text", 'Elderly,"two' + newline + 'lines"', "Single parents,one", ""])
    table = read("x.csv", text.encode())
    assert table.rows == [("Elderly", "two" + newline + "lines"), ("Single parents", "one")]
    assert table.row_numbers == [2, 3]


def test_undecodable_bytes_are_reported_by_row_and_column() -> None:
    content = "group;text\nÉlus;fine\nElderly;caf".encode() + b"\xe9 bad\n"
    table = read("x.csv", content)
    assert [str(p) for p in table.problems] == [
        "Row 3, column 'text': holds a byte (0xE9) that is not valid UTF-8 text: "
        "save the file as 'CSV UTF-8' and upload it again."
    ]
    assert table.rows[1] == ("Elderly", "caf\ufffd bad")


def test_byte_undefined_in_windows_1252_is_reported() -> None:
    table = read("x.csv", b"group,text\nElderly,caf\xe9\nSingle,odd \x81 byte\n")
    assert table.rows[0] == ("Elderly", "café")
    assert [(p.row, p.field) for p in table.problems] == [(3, "text")]
    assert "Windows-1252" in table.problems[0].message


@pytest.mark.parametrize("content", [b"", b"  \r\n \n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n"])
def test_empty_file_is_refused(content: bytes) -> None:
    assert "File: is empty" in refusal("x.csv", content)


def test_file_over_the_size_limit_is_refused() -> None:
    assert "the limit is 1 MB" in refusal("x.csv", b"text\n" + b"x" * MB, max_bytes=MB)


def test_binary_file_named_csv_is_refused() -> None:
    assert "binary data" in refusal("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_unclosed_quote_names_the_row() -> None:
    message = refusal("x.csv", b'group,text\nElderly,fine\nElderly,"never closed\n')
    assert message.startswith("File: row 3 could not be read")
    assert "quoted cell is not closed" in message


def test_cells_beyond_the_header_are_reported_with_their_column_letter() -> None:
    table = read("x.csv", b"group,text\nElderly,I walk,and read\n")
    assert [(p.row, p.field) for p in table.problems] == [(2, "C")]
    assert "double quotes" in table.problems[0].message


def test_blank_lines_are_skipped_but_keep_row_numbers() -> None:
    table = read("x.csv", b"\n\ngroup,text\n\nElderly,one\n,\nElderly,two\n")
    assert table.header_row == 3
    assert table.row_numbers == [5, 7]


def test_unknown_extension_is_refused() -> None:
    assert "Spiral reads .csv and .xlsx" in refusal("notes.pdf", b"%PDF-1.7")


# --- XLSX ---------------------------------------------------------------------------------------------------------


def test_workbook_cells_are_read_as_text() -> None:
    content = workbook([HEADER, ["Elderly", dt.datetime(2026, 3, 4), "Q1", 42.0, None], [], ["Elderly", None, True]])
    table = read("x.xlsx", content)
    assert table.rows == [("Elderly", "2026-03-04", "Q1", "42", ""), ("Elderly", "", "TRUE", "", "")]
    assert table.row_numbers == [2, 4]
    assert not table.problems


def test_formula_cells_keep_their_text_and_are_reported() -> None:
    content = workbook([HEADER, ["Elderly", None, "wellbeing", '=HYPERLINK("http://x.test","click")', "en"]])
    table = read("x.xlsx", content)
    assert table.rows[0][3] == '=HYPERLINK("http://x.test","click")'  # as written, never evaluated
    assert [(p.row, p.field) for p in table.problems] == [(2, "text")]
    assert "formula" in table.problems[0].message


def test_criteria_sheet_is_preferred_to_the_first_sheet() -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook([["notes"]], title="Read me")))
    book.create_sheet("Criteria").append(["group", "text"])
    book["Criteria"].append(["Elderly", "one"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read("x.xlsx", buffer.getvalue()).rows == [("Elderly", "one")]


def test_template_reads_back_as_a_header_without_rows() -> None:
    table = read("t.xlsx", template.xlsx_template(groups=["Elderly"], max_text_length=500))
    assert table.columns == tuple(HEADER)
    assert table.rows == []


def test_junk_bytes_named_xlsx_are_refused() -> None:
    assert "is not an Excel workbook" in refusal("criteria.xlsx", bytes(range(256)) * 40)


def test_old_xls_workbook_is_refused() -> None:
    assert "Excel 97-2003" in refusal("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)


@pytest.mark.parametrize("name", ["macros.xlsm", "macros.xltm"])
def test_macro_enabled_names_are_refused(name: str) -> None:
    assert "macro-enabled" in refusal(name, workbook([HEADER]))


def test_workbook_holding_vba_is_refused_whatever_its_name() -> None:
    content = rezip(workbook([HEADER]), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"})
    assert "holds macros (VBA)" in refusal("innocent.xlsx", content)


def test_zip_bomb_is_refused_before_opening() -> None:
    bomb = rezip(workbook([HEADER]), {"xl/media/zeros.bin": b"\x00" * (4 * MB)})
    assert len(bomb) < 100_000
    assert "zip bomb" in refusal("bomb.xlsx", bomb)


def test_workbook_unzipping_past_the_limit_is_refused() -> None:
    content = workbook([HEADER, *[["Elderly", "", "action", f"text {i} " + "x" * 200, "en"] for i in range(2000)]])
    with pytest.raises(InvalidInput, match="zip bomb"):
        upload.read_xlsx(content, max_unzipped=len(content) * 3)


def test_zip_with_too_many_members_is_refused() -> None:
    extra = {f"xl/media/{i}.bin": b"x" for i in range(upload.MAX_ZIP_MEMBERS)}
    assert "parts" in refusal("many.xlsx", rezip(workbook([HEADER]), extra))


def test_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "not an Excel workbook" in refusal("letter.xlsx", buffer.getvalue())


def test_damaged_zip_is_refused() -> None:
    assert "damaged" in refusal("cut.xlsx", workbook([HEADER])[:300])


def test_file_with_too_many_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "MAX_ROWS", 2)
    assert "more than 2 rows" in refusal("x.csv", b"text\none\ntwo\nthree\n")
