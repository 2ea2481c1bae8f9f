"""Importing criteria: the validation report names every bad row and column, and the import is all or nothing."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import uuid
from collections.abc import Callable, Sequence

import openpyxl
import pytest
from sqlmodel import Session, col, select

from spiral_app.core import demo, group, importing, template, upload
from spiral_app.core.coder import Coder
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import CodingStatus, Criterion, Group, Meeting, Question
from tests.conftest import DATA_DIR
from tests.support import count_rows

HEADER = "group,meeting_date,question,text,language"
YOUNG, ELDERLY, MIGRANT = "Young people (16-24)", "Elderly residents", "People with a migrant background"
MAX = 500


@pytest.fixture
def territory_id(session: Session) -> uuid.UUID:
    """The demo territory Kestrelford: five groups with one meeting each in cycle 1 (2026)."""
    return demo.load_demo(session=session, data_dir=DATA_DIR)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.worksheets[0].append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(
    session: Session, territory_id: uuid.UUID, content: bytes, *, name: str = "criteria.csv", coder: Coder | None = None
) -> importing.ImportSummary:
    table = upload.read_upload(name, content, max_bytes=20 * 2**20)
    return importing.import_table(
        session=session, territory_id=territory_id, table=table, coder=coder, max_text_length=MAX
    )


def snapshot(session: Session) -> tuple[int, int]:
    return count_rows(session, "criterion"), count_rows(session, "meeting")


def refused(session: Session, territory_id: uuid.UUID, content: bytes, *, name: str = "criteria.csv") -> list[str]:
    """Return the problems of a refused file, checking that the database did not change."""
    before = snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        run_import(session, territory_id, content, name=name)
    session.rollback()
    assert snapshot(session) == before
    return [str(problem) for problem in caught.value.problems]


# --- the malformed-file corpus: each names its row and column, and leaves the database as it was ----------------


def _formula_workbook() -> bytes:
    return xlsx([HEADER.split(","), [YOUNG, None, "wellbeing", "=1+1", None]])


def _windows_1252_undefined_byte() -> bytes:
    return HEADER.encode() + b"\n" + f"{YOUNG},,wellbeing,Des caf".encode() + b"\xe9s \x81 ouverts,\n"


CORPUS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "wrong header": (lambda: csv(f"{YOUNG},wellbeing,x", header="team,question,txt"),
                     "csv", "Row 1, column 'team': is not a column Spiral knows"),
    "missing text column": (lambda: csv(f"{YOUNG},wellbeing", header="group,question"),
                            "csv", "Row 1, column 'text': is missing"),
    "no header at all": (lambda: csv(f"{ELDERLY},wellbeing,x", header=f"{YOUNG},wellbeing,Friends"),
                         "csv", "File: must name its columns"),
    "empty file": (lambda: b"", "csv", "File: is empty"),
    "header only": (lambda: csv(), "csv", "File: has a header but no rows"),
    "junk named xlsx": (lambda: bytes(range(256)) * 8, "xlsx", "File: 'criteria.xlsx' is not an Excel workbook"),
    "macro workbook": (lambda: xlsx([HEADER.split(",")]), "xlsm", "File: 'criteria.xlsm' is a macro-enabled workbook"),
    "text over the limit": (lambda: csv(f"{YOUNG},,wellbeing,ok,", f"{YOUNG},,illbeing,{'x' * (MAX + 1)},"),
                            "csv", f"Row 3, column 'text': is {MAX + 1} characters long; the limit is {MAX}"),
    "formula cell": (_formula_workbook, "xlsx", "Row 2, column 'text': holds a formula (=1+1)"),
    "windows-1252 undefined byte": (_windows_1252_undefined_byte, "csv",
                                    "Row 2, column 'text': holds a byte (0x81) that is not valid Windows-1252"),
    "unknown group": (lambda: csv(f"{ELDERLY},,action,I walk", "Young peple,,wellbeing,Friends"),
                      "csv", "Row 3, column 'group': 'Young peple' is not a group of Kestrelford: did you mean"),
    "empty group": (lambda: csv(",,action,I walk"), "csv", "Row 2, column 'group': is empty"),
    "unknown question": (lambda: csv(f"{YOUNG},,feelings,Friends"),
                         "csv", "Row 2, column 'question': 'feelings' is not one of the three questions"),
    "missing text": (lambda: csv(f"{YOUNG},,wellbeing,   "), "csv", "Row 2, column 'text': is empty"),
    "bad date": (lambda: csv(f"{YOUNG},31/02/2026,wellbeing,Friends"),
                 "csv", "Row 2, column 'meeting_date': '31/02/2026' is not a date"),
    "date in no cycle": (lambda: csv(f"{YOUNG},2027-05-01,wellbeing,Friends"),
                         "csv", "Row 2, column 'meeting_date': 2027-05-01 is in no cycle of Kestrelford"),
    "unknown language": (lambda: csv(f"{YOUNG},,wellbeing,Friends,klingon"),
                         "csv", "Row 2, column 'language': 'klingon' is not a language"),
    "duplicate rows": (lambda: csv(f"{YOUNG},,wellbeing,Good friends", f"{YOUNG},2026-03-04,Q1,good  FRIENDS"),
                       "csv", "Row 3, column 'text': repeats row 2"),
    "control character": (lambda: csv(f"{YOUNG},,wellbeing,bad\x07bell"),
                          "csv", "Row 2, column 'text': holds a control character (0x07)"),
    "semicolons, unknown group": (lambda: csv(f"{YOUNG};;wellbeing;Friends", "Nobody;;action;x",
                                              header=HEADER.replace(",", ";")),
                                  "csv", "Row 3, column 'group': 'Nobody' is not a group"),
    "french headers, bad question": (lambda: csv(f"{MIGRANT};;bien-etre;Des amis", f"{MIGRANT};;joie;Rire",
                                                 header="Groupe;Date;Question;Texte;Langue"),
                                     "csv", "Row 3, column 'Question': 'joie' is not one of the three questions"),
}  # fmt: skip


@pytest.mark.parametrize("case", CORPUS, ids=list(CORPUS))
def test_malformed_file_is_refused_naming_row_and_column(session: Session, territory_id: uuid.UUID, case: str) -> None:
    build, suffix, expected = CORPUS[case]
    problems = refused(session, territory_id, build(), name=f"criteria.{suffix}")
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_of_a_file_is_listed_in_row_order(session: Session, territory_id: uuid.UUID) -> None:
    content = csv(f"{YOUNG},,wellbeing,Friends", "Nobody,,Q4,", f"{ELDERLY},2026-13-01,action,Walk,xx")
    assert refused(session, territory_id, content) == [
        "Row 3, column 'group': 'Nobody' is not a group of Kestrelford: its groups are 'Elderly residents', "
        "'Municipal staff', 'People with a migrant background', 'Single parents', 'Young people (16-24)'.",
        "Row 3, column 'question': 'Q4' is not one of the three questions: write wellbeing, illbeing or action "
        "(or Q1, Q2, Q3).",
        "Row 3, column 'text': is empty: write the words of the post-it.",
        "Row 4, column 'meeting_date': '2026-13-01' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-04.",
        "Row 4, column 'language': 'xx' is not a language Spiral knows: write one of en, fr, it, es, pt, de, nl, el, "
        "lv, ro.",
    ]


def test_group_without_meeting_needs_a_date(session: Session, territory_id: uuid.UUID) -> None:
    group.create_group(session=session, territory_id=territory_id, name="Carers")
    problems = refused(session, territory_id, csv("carers,,wellbeing,Respite"))
    assert problems == [
        "Row 2, column 'meeting_date': is empty and 'Carers' has no meeting yet: write the date of its meeting."
    ]


def test_row_already_in_the_database_is_refused(session: Session, territory_id: uuid.UUID) -> None:
    stored = session.exec(
        select(Criterion.text)
        .join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .join(Group, col(Group.id) == col(Meeting.group_id))
        .where(Group.name == YOUNG, Criterion.question == "wellbeing")
        .limit(1)
    ).one()
    quoted = stored.upper().replace('"', '""')
    problems = refused(session, territory_id, csv(f'{YOUNG},,wellbeing,"{quoted}"'))
    assert problems == [
        f"Row 2, column 'text': is already in Spiral ({YOUNG}, meeting of 2026-03-04): delete the row, "
        "or it would count twice."
    ]


# --- imports that succeed ----------------------------------------------------------------------------------------


def test_rows_go_to_existing_and_new_meetings(session: Session, territory_id: uuid.UUID, coder: Coder) -> None:
    before_criteria, before_meetings = snapshot(session)
    content = csv(
        f"{YOUNG},2026-03-04,bien-être,Avoir des amis fiables,fr",  # the group's existing meeting
        "young people (16–24),,Q2,Not enough buses at night,",  # its latest meeting, name typed loosely
        f"{ELDERLY},05/06/2026,action,I volunteer at the day centre,",  # a new meeting in cycle 1
        f"{ELDERLY},2026-06-05,Mal-Être,Lonely on Sundays,",
        f"{MIGRANT},,well being,Être respectée au guichet,",  # language from the (French) meeting
    )
    summary = run_import(session, territory_id, content, coder=coder)
    assert (summary.criteria, summary.new_meetings, summary.suggestions) == (5, 1, 5)
    assert snapshot(session) == (before_criteria + 5, before_meetings + 1)
    assert summary.counts.set_index("group").loc[:, ["wellbeing", "illbeing", "action", "total", "suggested"]].to_dict(
        "index"
    ) == {
        ELDERLY: {"wellbeing": 0, "illbeing": 1, "action": 1, "total": 2, "suggested": 2},
        MIGRANT: {"wellbeing": 1, "illbeing": 0, "action": 0, "total": 1, "suggested": 1},
        YOUNG: {"wellbeing": 1, "illbeing": 1, "action": 0, "total": 2, "suggested": 2},
    }
    assert summary.suggested["row"].tolist() == [2, 3, 4, 5, 6]
    assert summary.suggested["suggested_code"].notna().all()
    imported = {
        c.text: c for c in session.exec(select(Criterion).where(Criterion.status == CodingStatus.SUGGESTED)).all()
    }
    assert imported["Avoir des amis fiables"].language == "fr"
    assert imported["Not enough buses at night"].question == Question.ILLBEING
    assert imported["Être respectée au guichet"].language == "fr"
    assert imported["Lonely on Sundays"].meeting_id == imported["I volunteer at the day centre"].meeting_id
    new_meeting = session.get(Meeting, imported["Lonely on Sundays"].meeting_id)
    assert new_meeting is not None
    assert (new_meeting.date, new_meeting.language) == (dt.date(2026, 6, 5), "en")


def test_imported_rows_follow_the_meetings_existing_post_its(session: Session, territory_id: uuid.UUID) -> None:
    existing = session.exec(select(Criterion.position).join(Meeting).where(Meeting.date == dt.date(2026, 3, 4))).all()
    run_import(session, territory_id, csv(f"{YOUNG},,action,I coach football", f"{YOUNG},,action,I tutor"))
    positions = session.exec(
        select(Criterion.position)
        .where(col(Criterion.text).in_(["I coach football", "I tutor"]))
        .order_by(col(Criterion.position))
    ).all()
    assert positions == [max(existing) + 1, max(existing) + 2]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (codecs.BOM_UTF8 + csv(f"{MIGRANT},,bien-être,Un café où l'on se parle"), "bom.csv"),
        (csv(f"{MIGRANT},,bien-être,Un café où l'on se parle").decode().encode("cp1252"), "windows.csv"),
        (csv(f"{MIGRANT};;bien-être;Un café où l'on se parle", header=HEADER.replace(",", ";")), "semicolons.csv"),
        (xlsx([HEADER.split(","), [MIGRANT, None, "bien-être", "Un café où l'on se parle"]]), "sheet.xlsx"),
    ],
    ids=["utf8-bom", "windows-1252", "semicolons", "xlsx"],
)
def test_files_from_excel_in_any_form_import_the_same(
    session: Session, territory_id: uuid.UUID, content: bytes, name: str
) -> None:
    summary = run_import(session, territory_id, content, name=name)
    assert summary.criteria == 1
    stored = session.exec(select(Criterion.text).where(col(Criterion.text).startswith("Un café"))).one()
    assert stored == "Un café où l'on se parle"


def test_check_writes_nothing(session: Session, territory_id: uuid.UUID) -> None:
    before = snapshot(session)
    table = upload.read_upload("x.csv", csv(f"{ELDERLY},2026-06-05,action,Walk"), max_bytes=2**20)
    plan = importing.check_import(session=session, territory_id=territory_id, table=table, max_text_length=MAX)
    assert plan.meetings().to_dict("records") == [
        {"group": ELDERLY, "date": dt.date(2026, 6, 5), "new": True, "criteria": 1}
    ]
    session.rollback()
    assert snapshot(session) == before


def test_a_failure_while_writing_leaves_nothing_behind(
    session: Session, territory_id: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_insert(**_kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing, "insert_criteria", broken_insert)
    before = snapshot(session)
    with pytest.raises(RuntimeError):
        run_import(session, territory_id, csv(f"{ELDERLY},2026-06-05,action,Walk"))
    assert snapshot(session) == before  # the new meeting was rolled back with the criteria


# --- 50,000 rows -------------------------------------------------------------------------------------------------


def big_file(bad_row: int | None = None) -> bytes:
    questions = ["wellbeing", "illbeing", "action"]
    groups = [YOUNG, ELDERLY, MIGRANT, "Single parents", "Municipal staff"]
    rows = [f"{groups[i % 5]},,{questions[i % 3]},Criterion number {i} of the big file," for i in range(50_000)]
    if bad_row is not None:
        rows[bad_row - 2] = f"{YOUNG},,happiness,Criterion number {bad_row},"
    return csv(*rows)


def test_fifty_thousand_rows_import(session: Session, territory_id: uuid.UUID, coder: Coder) -> None:
    before_criteria, before_meetings = snapshot(session)
    summary = run_import(session, territory_id, big_file(), coder=coder)
    assert summary.criteria == 50_000
    assert summary.counts["total"].sum() == 50_000
    assert summary.suggestions == 50_000
    assert snapshot(session) == (before_criteria + 50_000, before_meetings)


def test_one_bad_row_in_fifty_thousand_rejects_the_whole_file(session: Session, territory_id: uuid.UUID) -> None:
    problems = refused(session, territory_id, big_file(bad_row=25_001))
    assert problems == [
        "Row 25001, column 'question': 'happiness' is not one of the three questions: write wellbeing, illbeing or "
        "action (or Q1, Q2, Q3)."
    ]


# --- vocabulary -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "question"),
    [
        ("wellbeing", Question.WELLBEING), ("Well-being", Question.WELLBEING), ("WELL BEING", Question.WELLBEING),
        ("bien-être", Question.WELLBEING), ("Bien être", Question.WELLBEING), ("bienetre", Question.WELLBEING),
        ("Q1", Question.WELLBEING), ("q 1", Question.WELLBEING), ("ill-being", Question.ILLBEING),
        ("Mal-Être", Question.ILLBEING), ("mal etre", Question.ILLBEING), ("Q2", Question.ILLBEING),
        ("Action", Question.ACTION), ("actions", Question.ACTION), ("q3", Question.ACTION),
        ("What I do or could do", Question.ACTION), ("joy", None), ("", None), ("Q4", None),
    ],
)  # fmt: skip
def test_question_words_in_english_and_french(word: str, question: Question | None) -> None:
    assert template.question_for(word) is question


@pytest.mark.parametrize(
    ("value", "date"),
    [("2026-03-04", dt.date(2026, 3, 4)), ("2026-03-04 00:00:00", dt.date(2026, 3, 4)),
     ("04/03/2026", dt.date(2026, 3, 4)), ("4.3.2026", dt.date(2026, 3, 4)), ("2026/03/04", dt.date(2026, 3, 4)),
     ("31/02/2026", None), ("March 4", None), ("", None)],
)  # fmt: skip
def test_dates_are_read_day_first(value: str, date: dt.date | None) -> None:
    assert template.parse_date(value) == date


@pytest.mark.parametrize(
    ("word", "code"), [("fr", "fr"), ("FR", "fr"), ("fr-BE", "fr"), ("Français", "fr"), ("English", "en"), ("xx", None)]
)
def test_languages_by_code_or_name(word: str, code: str | None) -> None:
    assert template.language_for(word) == code


def test_report_frame_lists_row_column_and_problem() -> None:
    error = InvalidInput([Problem("File", "is empty."), Problem("text", "is empty.", 3)])
    frame = importing.report_frame(error)
    assert frame.columns.tolist() == ["row", "column", "problem"]
    assert frame["row"].tolist()[1] == 3
    assert frame["column"].tolist() == ["File", "text"]


def test_messages_quote_user_text_without_control_characters() -> None:
    assert template.shown("\x1b[31mred" + "x" * 100) == "?[31mred" + "x" * 29 + "..."


# --- templates ---------------------------------------------------------------------------------------------------


def test_xlsx_template_has_drop_down_lists_and_instructions() -> None:
    content = template.xlsx_template(groups=[YOUNG, "=cmd|' /C calc'!A0"], max_text_length=MAX)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Criteria", "Lists", "Instructions"]
    sheet = book["Criteria"]
    assert [c.value for c in sheet[1]] == HEADER.split(",")
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert rules["C2:C10000"].formula1 == '"wellbeing,illbeing,action"'
    assert rules["A2:A10000"].formula1 == "Lists!$A$2:$A$3"
    assert rules["D2:D10000"].type == "textLength"
    assert [c.value for c in book["Lists"]["A"]] == ["group", YOUNG, "'=cmd|' /C calc'!A0"]  # never a formula
    assert book["Lists"].sheet_state == "hidden"
    assert "wellbeing (Q1, bien-être)" in " ".join(str(c.value) for c in book["Instructions"]["B"])


def test_csv_template_is_a_header_excel_reads_as_utf8() -> None:
    assert template.csv_template() == codecs.BOM_UTF8 + (HEADER + "\r\n").encode()
