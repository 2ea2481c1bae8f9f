"""Import page: templates to download, a file checked before writing, a report of every problem, a summary."""

from __future__ import annotations

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.support import count_rows, page

HEADER = "group,meeting_date,question,text,language"
CSV_MIME = "text/csv"


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    return at.file_uploader[0].set_value((name, content, CSV_MIME)).run()


def snapshot(engine: Engine) -> tuple[int, int]:
    return count_rows(engine, "criterion"), count_rows(engine, "meeting")


def test_page_offers_both_templates_and_an_uploader(demo_db: Engine) -> None:
    at = page("import_criteria")
    assert not at.exception
    assert at.title[0].value == "Import criteria"
    labels = [getattr(button, "label", None) for button in at.get("download_button")]
    assert labels == ["Excel template", "CSV template"]
    assert len(at.file_uploader) == 1
    assert not at.button  # nothing to import before a file is chosen


def test_valid_file_is_previewed_then_imported_with_a_summary(demo_db: Engine) -> None:
    before_criteria, before_meetings = snapshot(demo_db)
    content = (
        f"{HEADER}\n"
        "Young people (16-24),,wellbeing,Friends I can count on,\n"
        "Elderly residents,2026-06-05,mal-être,Nobody visits on Sundays,\n"
        "Elderly residents,2026-06-05,Q3,I phone my neighbour every day,\n"
    ).encode()
    at = upload(page("import_criteria"), "criteria.csv", content)
    assert not at.exception
    assert "3 criteria are ready to import" in at.success[0].value
    assert snapshot(demo_db) == (before_criteria, before_meetings)  # the preview writes nothing
    preview = at.dataframe[0].value.set_index("group")
    assert preview.loc["Elderly residents", "total"] == 2
    assert at.dataframe[1].value["new"].tolist() == [False, True]

    at = at.button[0].click().run()
    assert not at.exception
    assert snapshot(demo_db) == (before_criteria + 3, before_meetings + 1)
    assert "Imported 3 criteria (1 new meeting)" in at.success[0].value
    elderly = at.dataframe[0].value.set_index("group").loc["Elderly residents"]
    assert (elderly["illbeing"], elderly["action"], elderly["suggested"]) == (1, 1, 2)
    assert at.file_uploader[0].value is None  # emptied, so the same file is not imported twice by mistake


def test_file_with_problems_shows_the_report_and_writes_nothing(demo_db: Engine) -> None:
    before = snapshot(demo_db)
    content = f"{HEADER}\nYoung people (16-24),,wellbeing,Friends,\nYouth club,,wellbeing,Music,\n".encode()
    at = upload(page("import_criteria"), "criteria.csv", content)
    assert not at.exception
    assert "The file was not imported: 1 problem to fix. Nothing was written" in at.error[0].value
    report = at.dataframe[0].value
    assert report[["row", "column"]].values.tolist() == [[3, "group"]]
    assert "'Youth club' is not a group of Kestrelford" in report["problem"][0]
    assert not at.button
    assert snapshot(demo_db) == before


def test_junk_named_xlsx_is_refused_with_a_clear_message(demo_db: Engine) -> None:
    at = upload(page("import_criteria"), "criteria.xlsx", bytes(range(256)) * 4)
    assert not at.exception
    assert "is not an Excel workbook" in at.dataframe[0].value["problem"][0]


def test_page_without_a_territory_says_what_to_do(app_db: Engine) -> None:
    at = page("import_criteria")
    assert not at.exception
    assert "No territory yet" in at.info[0].value
