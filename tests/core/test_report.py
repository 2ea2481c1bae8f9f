"""The Excel report, read back with openpyxl, on Riverside (see tests/results_data.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from spiral_app.core import cycle, group, meeting, report, territory
from spiral_app.core.palette import family_colour
from spiral_app.core.results import ResultFilter
from tests.results_data import CONFIRMED, Town, add_criteria, build_town

GENERATED = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def town(session: Session, codebook_version: object) -> Town:
    return build_town(session)


def _book(session: Session, town: Town, **filters: Any) -> Workbook:
    content = report.xlsx_report(
        session=session,
        filters=ResultFilter(town.territory, filters.pop("cycle_id", town.cycle1), **filters),
        threshold=5,
        generated=GENERATED,
    )
    return openpyxl.load_workbook(io.BytesIO(content))


def _rows(sheet: Worksheet) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


def _records(sheet: Worksheet) -> dict[Any, dict[str, Any]]:
    """Return the table's rows keyed by their first cell, each as {header: value}."""
    header, *rows = _rows(sheet)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows if row[0] is not None}


def _about(book: Workbook) -> dict[str, str]:
    return {str(topic): str(details) for topic, details in _rows(book["About"])[1:]}


def _cells(book: Workbook) -> list[tuple[str, Cell]]:
    return [(sheet.title, cell) for sheet in book for row in sheet.iter_rows() for cell in row]  # type: ignore[misc]


def _argb(family: str) -> str:
    return "FF" + family_colour(family).lstrip("#").upper()


def test_report_has_every_sheet_with_bold_frozen_headers_and_sized_columns(session: Session, town: Town) -> None:
    book = _book(session, town)
    assert book.sheetnames == [
        "About", "Families", "Groups × families", "Ill-being", "Components", "Synthesis", "Coverage"
    ]  # fmt: skip
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), sheet.title
        widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)]
        assert all(8 <= width <= 60 for width in widths), sheet.title
    about = _about(book)
    assert about["Territory"] == "Riverside"
    assert about["Cycle"] == "Cycle 1 (2024-01-01 to 2024-12-31)"
    assert about["Generated"] == "2026-05-04 09:30 UTC"
    assert about["Groups"] == "All groups"
    assert about["Criteria"] == "15 criteria match the filters; 12 count in the families."
    assert about["What is counted"].startswith("Only criteria whose component a facilitator confirmed count")


def test_each_family_row_has_its_palette_colour_and_its_letter_and_label(session: Session, town: Town) -> None:
    book = _book(session, town)
    families = book["Families"]
    letters = [row[0].value for row in families.iter_rows(min_row=2)]
    assert letters == list("ABCDEFGH")
    for row in families.iter_rows(min_row=2):
        assert row[1].value  # the label, so that the colour is never the only clue
        assert {cell.fill.fgColor.rgb for cell in row} == {_argb(str(row[0].value))}
    assert families["B2"].value == "Access to essential resources"
    assert families["A2"].font.color.rgb == "FFFFFFFF"  # white on the dark blue of family A
    assert families["A7"].font.color.rgb == "FF000000"  # black on the orange of family F
    headers = {cell.value: cell.fill.fgColor.rgb for cell in book["Groups × families"][1]}
    assert headers["A · Access to essential resources"] == _argb("A")
    assert headers["H · Attitudes and initiatives"] == _argb("H")
    for title in ("Components", "Synthesis"):
        for code, _component, family in book[title].iter_rows(min_row=2, min_col=2, max_col=4):
            assert family.fill.fgColor.rgb == _argb(str(code.value)[0]) == code.fill.fgColor.rgb
    assert book["Ill-being"]["B2"].fill.fgColor.rgb == _argb("A")


def test_counts_and_shares_are_the_dashboards(session: Session, town: Town) -> None:
    book = _book(session, town)
    families = _records(book["Families"])
    assert families["A"]["Well-being: criteria"] == 2
    assert families["A"]["Well-being: share"] == pytest.approx(0.4)
    assert families["A"]["Ill-being: criteria"] == 5
    assert families["A"]["Ill-being: share"] == pytest.approx(5 / 6)
    assert families["H"]["What I do or could do: share"] == pytest.approx(1.0)
    assert book["Families"]["D2"].number_format == "0.0%"
    groups = _records(book["Groups × families"])
    assert groups["Tenants"]["Criteria counted"] == 4
    assert groups["Tenants"]["A · Access to essential resources"] == pytest.approx(0.5)
    assert groups["Youth"]["A · Access to essential resources"] == pytest.approx(0.8)
    components = _records(book["Components"])
    assert components[1]["Code"] == "A03"
    assert components[1]["Groups raising it"] == 2
    assert (components[1]["Well-being"], components[1]["Ill-being"], components[1]["Criteria"]) == (1, 3, 4)
    coverage = _records(book["Coverage"])
    assert coverage["Confirmed"]["Criteria"] == 12
    assert coverage["Not coded yet"]["Share"] == pytest.approx(1 / 15)
    voices = [(row[1], row[4], row[5]) for row in _rows(book["Synthesis"])[1:]]
    assert voices[:2] == [("A03", "Well-being", "A warm flat"), ("A03", "Ill-being", "Damp walls")]
    assert ("D06", "Well-being", "Good neighbours (×2)") in voices


def test_a_small_group_is_named_only_in_the_protection_note(session: Session, town: Town) -> None:
    book = _book(session, town)
    naming = {(title, cell.coordinate) for title, cell in _cells(book) if "Carers" in str(cell.value)}
    assert naming == {("About", "B10"), ("Groups × families", "A5")}  # the two notes
    assert book["About"]["A10"].value == "Small groups"
    assert "fewer than 5 participants" in str(book["About"]["B10"].value)
    assert [row[0] for row in _rows(book["Groups × families"])[1:3]] == ["Tenants", "Youth"]
    assert _rows(book["Groups × families"])[3] == (None,) * 10  # a blank line between the table and its note
    assert str(book["Groups × families"]["A5"].value).startswith("Breakdowns of 1 group(s)")
    quotes = " ".join(str(value) for *_, value in _rows(book["Ill-being"]))
    assert "Épuisement" not in quotes
    assert "Pas de répit" not in quotes


def test_a_filter_that_would_single_out_a_small_group_leaves_it_out(session: Session, town: Town) -> None:
    french = _book(session, town, languages=("fr",))
    assert next(iter(_records(french["Groups × families"]))) == "Youth"
    assert "3 criteria of small groups" in _about(french)["Left out"]
    assert "do not apply" in _about(french)["Synthesis"]
    carers = _book(session, town, group_ids=(town.carers,))
    assert _rows(carers["Families"])[1][0].startswith("The criteria matching these filters all come from groups")
    assert "its own synthesis is hidden" in _rows(carers["Synthesis"])[1][0]
    assert "its own synthesis is hidden" in _rows(carers["Components"])[1][0]
    texts = " ".join(str(cell.value) for _, cell in _cells(carers))
    assert "Épuisement" not in texts
    assert "Un moment pour moi" not in texts


def test_one_selected_group_gets_its_own_synthesis(session: Session, town: Town) -> None:
    book = _book(session, town, group_ids=(town.youth,))
    assert [row[1] for row in _rows(book["Components"])[1:]] == ["A03", "A06", "A07", "D06"]
    assert "Damp walls" not in {row[5] for row in _rows(book["Synthesis"])}  # a Tenants' post-it
    assert _about(book)["Groups"] == "Youth"


def test_suggestions_count_when_confirmed_only_is_off(session: Session, town: Town) -> None:
    book = _book(session, town, confirmed_only=False)
    assert "A08" in {row[1] for row in _rows(book["Components"])}
    assert _records(book["Families"])["A"]["Ill-being: criteria"] == 6
    assert "the suggested one" in _about(book)["What is counted"]


def test_an_empty_selection_says_why_on_each_sheet(session: Session, town: Town) -> None:
    book = _book(session, town, cycle_id=town.cycle2, group_ids=(town.youth,))
    assert "No criteria yet in cycle 2" in _rows(book["Families"])[1][0]
    assert "No group with at least 5 participants" in _rows(book["Groups × families"])[1][0]
    assert "No criteria yet for the group “Youth” in cycle 2" in _rows(book["Synthesis"])[1][0]
    assert book["Families"]["A2"].fill.fgColor.rgb != _argb("A")


def test_typed_formulas_are_stored_as_text(session: Session, codebook_version: object) -> None:
    town_id = territory.create_territory(session=session, name='=HYPERLINK("http://x")')
    only = cycle.create_cycle(
        session=session, territory_id=town_id, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    crowd = group.create_group(session=session, territory_id=town_id, name="@crowd")
    met = meeting.create_meeting(
        session=session, group_id=crowd, cycle_id=only, date=dt.date(2026, 2, 1), participants=9, language="en"
    )
    add_criteria(session, met, [
        ("wellbeing", "=1+1", CONFIRMED, "A03"),
        ("illbeing", "+SUM(A1:A9)", CONFIRMED, "A03"),
        ("illbeing", "-2 degrees at home", CONFIRMED, "A03"),
    ])  # fmt: skip
    content = report.xlsx_report(session=session, filters=ResultFilter(town_id, only), threshold=5)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert all(cell.data_type != "f" for _, cell in _cells(book))
    assert _about(book)["Territory"] == '\'=HYPERLINK("http://x")'
    assert _rows(book["Groups × families"])[1][0] == "'@crowd"
    criteria = {row[5] for row in _rows(book["Synthesis"])[1:]}
    assert criteria == {"'=1+1", "'+SUM(A1:A9)", "'-2 degrees at home"}


def test_control_characters_that_xml_forbids_are_removed(session: Session, town: Town) -> None:
    with pytest.raises(IllegalCharacterError):  # what openpyxl would do with them left in
        openpyxl.Workbook().worksheets[0]["A1"] = "Bell\x07"
    tenants = meeting.create_meeting(
        session=session, group_id=town.tenants, cycle_id=town.cycle1, date=dt.date(2024, 6, 1), participants=8,
        language="en",
    )  # fmt: skip
    add_criteria(session, tenants, [("illbeing", "Night\x07 noise\x1b, tabs\tand\nlines", CONFIRMED, "B01")])
    group.update_group(session=session, group_id=town.youth, name="Youth\x0b club", profile="")
    book = _book(session, town)
    assert "Night noise, tabs\tand\nlines" in {row[5] for row in _rows(book["Synthesis"])}
    assert "Youth club" in _records(book["Groups × families"])


def test_file_name_names_the_territory_and_cycle_in_plain_ascii(session: Session, codebook_version: object) -> None:
    town = build_town(session, name="Île-de-Saône / Nord")
    filters = ResultFilter(town.territory, town.cycle2)
    assert report.report_filename(session=session, filters=filters) == "spiral-report-ile-de-saone-nord-cycle-2.xlsx"
