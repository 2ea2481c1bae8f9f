"""Codebooks: validation, reading uploads, importing a version with its crosswalk, counts and examples."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Sequence

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlmodel import Session

from spiral_app.core import codebook, crosswalk, cycle, demo, group, meeting, territory
from spiral_app.core.criterion import CriterionDraft, criterion_rows, insert_criteria
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import CodebookVersion
from tests.conftest import DATA_DIR
from tests.support import count_rows

TABLES = ("codebookversion", "codebookentry", "codebookcrosswalk")


def _default() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "codebook.csv", dtype=str, keep_default_na=False)


def _renumbered(old: str, new: str) -> pd.DataFrame:
    """The default codebook with component *old* renamed *new*, and a previous_code column saying so."""
    frame = _default()
    frame["previous_code"] = ""
    frame.loc[frame["code"] == old, ["code", "previous_code"]] = [new, old]
    return frame


def _sizes(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in TABLES}


def _problems(error: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, int | None]]:
    return {(p.field, p.row) for p in error.value.problems}


@pytest.fixture
def demo_session(session: Session) -> Session:
    demo.load_demo(session=session, data_dir=DATA_DIR)
    return session


def _confirmed_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        sa.text("SELECT component_code, count(*) FROM criterion WHERE status = 'confirmed' GROUP BY component_code")
    ).all()
    return {str(code): int(n) for code, n in rows}


def _criteria(session: Session) -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in session.execute(sa.text("SELECT id, component_code, codebook_version_id FROM criterion ORDER BY id"))
    ]


# Validation -------------------------------------------------------------------------------------------------------


def test_the_default_codebook_is_valid() -> None:
    cleaned = codebook.validate_codebook(_default())
    assert len(cleaned) == 68
    assert list(cleaned.columns) == [*codebook.COLUMNS, "source"]


def test_validation_names_the_row_and_column_of_every_problem() -> None:
    frame = pd.DataFrame(
        [
            ["A", "A", "Access", "Accès", "", ""],
            ["A01", "B", "Food", "Alimentation", "", ""],  # row 3: wrong family
            ["A02", "A", "", "Soins", "", ""],  # row 4: empty English label
            ["A02", "A", "Health", "Santé", "", ""],  # row 5: duplicate
            ["B01", "B", "Roads", "Routes", "", ""],  # row 6: family B has no row
            ["a3", "A", "Oops", "Oups", "", ""],  # row 7: bad code
            ["", "A", "Blank", "Vide", "", ""],  # row 8: empty code
            ["A04", "A", "Clothes", "Vêtements", "x" * 1001, ""],  # row 9: description too long
        ],
        columns=codebook.COLUMNS,
    )
    with pytest.raises(InvalidInput) as caught:
        codebook.validate_codebook(frame)
    assert _problems(caught) == {
        ("family", 3),
        ("label_en", 4),
        ("code", 5),
        ("family", 6),
        ("code", 7),
        ("code", 8),
        ("description_en", 9),
    }
    assert "first on row 4" in str(caught.value)


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        (pd.DataFrame({"code": ["A"], "family": ["A"], "label_en": ["x"]}), "header"),
        (pd.DataFrame(columns=codebook.COLUMNS), "codebook"),
        (pd.DataFrame([["A", "A", "Access", "Accès", "", ""]], columns=codebook.COLUMNS), "codebook"),
    ],
    ids=["missing columns", "no rows", "no components"],
)
def test_validation_refuses_a_codebook_without_its_columns_or_components(frame: pd.DataFrame, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        codebook.validate_codebook(frame)
    assert caught.value.problems[0].field == field


def test_validation_accepts_headers_in_any_case_and_spacing() -> None:
    frame = _default().rename(columns=lambda c: f" {c.upper()} ")
    assert len(codebook.validate_codebook(frame)) == 68


# Reading uploads --------------------------------------------------------------------------------------------------


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_upload_reads_alike_from_csv_and_xlsx() -> None:
    csv = (DATA_DIR / "codebook.csv").read_bytes()
    from_csv = codebook.read_upload("key.CSV", csv, max_bytes=10**6)
    rows = [[c.upper() for c in from_csv.columns], *from_csv.to_numpy().tolist(), [None] * 7]
    from_xlsx = codebook.read_upload("key.xlsx", _xlsx(rows), max_bytes=10**6)
    pd.testing.assert_frame_equal(from_csv, from_xlsx)
    assert len(codebook.validate_codebook(from_xlsx)) == 68


def test_an_upload_keeps_its_row_numbers_through_validation() -> None:
    header = b"code,family,label_en,label_fr,description_en,description_fr\n"
    frame = codebook.read_upload("key.csv", header + b"A,A,Access,Acces,,\n,,,,,\nA01,B,Food,Alim,,\n", max_bytes=10**6)
    assert len(frame) == 2  # the blank row is skipped but still counted
    with pytest.raises(InvalidInput) as caught:
        codebook.validate_codebook(frame)
    assert _problems(caught) == {("family", 4)}


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"x" * 2000, "key.csv", "the limit is"),
        (b"  \n", "key.csv", "is empty"),
        (b"code\n", "key.ods", "neither a CSV file nor an Excel workbook"),
        (b"PK\x03\x04 broken", "key.xlsx", "damaged"),
    ],
    ids=["too large", "empty", "other format", "corrupt workbook"],
)
def test_an_unreadable_upload_is_refused(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        codebook.read_upload(filename, content, max_bytes=1000)
    assert caught.value.problems[0].field == "File"


def test_an_upload_with_a_formula_is_refused_by_cell() -> None:
    rows = [codebook.COLUMNS, ["A", "A", "Access", "Accès", "=1+1", ""]]
    with pytest.raises(InvalidInput, match="formula") as caught:
        codebook.read_upload("key.xlsx", _xlsx(rows), max_bytes=10**6)
    assert _problems(caught) == {("description_en", 2)}


def test_exported_csv_reads_back_and_neutralises_formulas() -> None:
    frame = codebook.validate_codebook(_default())
    frame.loc[1, "description_en"] = "=HYPERLINK(1)"
    exported = codebook.read_upload("codebook.csv", codebook.entries_csv(frame), max_bytes=10**6)
    assert exported.loc[1, "description_en"] == "'=HYPERLINK(1)"
    assert exported["code"].tolist() == frame["code"].tolist()


# Crosswalk rules (no database) ------------------------------------------------------------------------------------


def _codes(*codes: str) -> pd.Series:
    return pd.Series(codes, dtype=str)


def test_crosswalk_keeps_same_codes_and_reports_the_rest() -> None:
    walk = crosswalk.build_crosswalk(["A", "A01", "A02"], _codes("A", "A01", "A05"))
    assert walk.mapped[["from_code", "to_code"]].to_numpy().tolist() == [["A", "A"], ["A01", "A01"]]
    assert walk.unmapped == ["A02"]


def test_crosswalk_file_wins_over_previous_code_which_wins_over_same_code() -> None:
    mapping = pd.DataFrame({"from_code": ["A01"], "to_code": ["A03"]})
    walk = crosswalk.build_crosswalk(
        ["A01", "A02"], _codes("A01", "A02", "A03"), previous_codes=_codes("", "", "A02"), mapping=mapping
    )
    mapped = dict(zip(walk.mapped["from_code"], walk.mapped["to_code"], strict=True))
    rules = dict(zip(walk.mapped["from_code"], walk.mapped["rule"], strict=True))
    assert mapped == {"A01": "A03", "A02": "A03"}
    assert rules == {"A01": "crosswalk file", "A02": "previous_code"}
    assert walk.unmapped == []


def test_a_split_code_must_be_settled_by_a_crosswalk_file() -> None:
    with pytest.raises(InvalidInput) as caught:
        crosswalk.build_crosswalk(["A01"], _codes("A01", "A02"), previous_codes=_codes("A01", "A01"))
    message = "A01 is given as previous code on rows 2, 3; map it to one code in a crosswalk file."
    assert caught.value.problems == [Problem("previous_code", message, 3)]
    mapping = pd.DataFrame({"from_code": ["A01"], "to_code": ["A02"]})
    walk = crosswalk.build_crosswalk(
        ["A01"], _codes("A01", "A02"), previous_codes=_codes("A01", "A01"), mapping=mapping
    )
    assert walk.mapped[["from_code", "to_code"]].to_numpy().tolist() == [["A01", "A02"]]


def test_crosswalk_problems_are_named_by_row_and_column() -> None:
    mapping = pd.DataFrame({" From_Code": ["A01", "Z99", "A01", "A02"], "to_code": ["A01", "A01", "A01", ""]})
    with pytest.raises(InvalidInput) as caught:
        crosswalk.build_crosswalk(["A01", "A02"], _codes("A01"), previous_codes=_codes("Q01"), mapping=mapping)
    assert _problems(caught) == {("from_code", 3), ("from_code", 4), ("to_code", 5), ("previous_code", 2)}
    with pytest.raises(InvalidInput) as caught:
        crosswalk.build_crosswalk(["A01"], _codes("A01"), mapping=pd.DataFrame({"old": ["A01"]}))
    assert _problems(caught) == {("crosswalk header", None)}


def test_crosswalk_rows_follow_the_index_of_an_uploaded_table() -> None:
    mapping = pd.DataFrame({"from_code": ["A01", "Z99"], "to_code": ["A01", "A01"]}, index=[0, 5])
    with pytest.raises(InvalidInput) as caught:
        crosswalk.build_crosswalk(["A01"], _codes("A01"), mapping=mapping)
    assert _problems(caught) == {("from_code", 7)}


# Importing a version ----------------------------------------------------------------------------------------------


def test_import_makes_a_new_current_version_and_leaves_criteria_alone(demo_session: Session) -> None:
    session = demo_session
    old_id = codebook.current_version_id(session=session)
    before = _criteria(session)
    result = codebook.import_version(
        session=session, name="Kestrelford 2027", frame=_renumbered("A03", "A12"), source="workshop"
    )
    assert codebook.current_version_id(session=session) == result.version_id != old_id
    assert result.mapped == 68
    assert result.unmapped == []
    assert _criteria(session) == before
    versions = codebook.list_versions(session=session)
    assert versions[["name", "is_current", "families", "components"]].to_numpy().tolist() == [
        ["Kestrelford 2027", True, 8, 60],
        [codebook.DEFAULT_VERSION_NAME, False, 8, 60],
    ]
    table = crosswalk.crosswalk_table(session=session, to_version_id=result.version_id)
    assert table.loc[table["changed"], ["from_code", "to_code"]].to_numpy().tolist() == [["A03", "A12"]]
    assert crosswalk.previous_version_id(session=session, version_id=result.version_id) == old_id


def test_import_with_a_crosswalk_file_reports_codes_left_behind(demo_session: Session) -> None:
    session = demo_session
    frame = _default()
    added = pd.DataFrame([["A12", "A", "Home", "Foyer", "", "", ""]], columns=frame.columns)
    frame = pd.concat([frame.loc[~frame["code"].isin(["A03", "A04"])], added], ignore_index=True)
    mapping = pd.DataFrame({"from_code": ["A03"], "to_code": ["A12"]})
    result = codebook.import_version(session=session, name="Merged", frame=frame, mapping=mapping)
    assert result.unmapped == ["A04"]
    table = crosswalk.crosswalk_table(session=session, to_version_id=result.version_id).set_index("from_code")
    assert table.loc["A03", "to_code"] == "A12"
    assert table["to_code"].isna().to_dict()["A04"]
    assert table["changed"].sum() == 2
    counts = codebook.coded_counts(session=session, version_id=result.version_id)
    confirmed = _confirmed_counts(session)
    assert counts.set_index("code")["criteria"].to_dict() == {
        **{c: n for c, n in confirmed.items() if c not in {"A03", "A04"}},
        "A12": confirmed["A03"],
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f, m: (f.rename(columns={"label_fr": "french"}), m), {("header", None)}),
        (lambda f, m: (f.assign(family=f["family"].where(f["code"] != "B02", "C")), m), {("family", 18)}),
        (lambda f, m: (pd.concat([f, f.iloc[[3]]], ignore_index=True), m), {("code", 70)}),
        (lambda f, m: (f.assign(label_en=f["label_en"].where(f["code"] != "A01", " ")), m), {("label_en", 4)}),
        (lambda f, m: (f.assign(previous_code=["Z99", *[""] * 67]), m), {("previous_code", 2)}),
        (lambda f, _m: (f, pd.DataFrame({"from_code": ["A01", "Q07"], "to_code": ["A99", "A01"]})),
         {("to_code", 2), ("from_code", 3)}),
    ],
    ids=["bad header", "code/family mismatch", "duplicate code", "empty label", "unknown previous code",
         "unknown codes in the crosswalk file"],
)  # fmt: skip
def test_an_invalid_import_is_refused_by_row_and_column_and_writes_nothing(
    demo_session: Session, change: object, expected: set[tuple[str, int | None]]
) -> None:
    session = demo_session
    before, criteria = _sizes(session), _criteria(session)
    frame, mapping = change(_default(), None)  # type: ignore[operator]
    with pytest.raises(InvalidInput) as caught:
        codebook.import_version(session=session, name="Refused", frame=frame, mapping=mapping)
    assert _problems(caught) == expected
    assert _sizes(session) == before
    assert _criteria(session) == criteria
    assert codebook.list_versions(session=session)["is_current"].tolist() == [True]


@pytest.mark.usefixtures("codebook_version")
@pytest.mark.parametrize(("name", "message"), [("  ", "must not be empty"), ("taken", "already exists")])
def test_the_version_name_must_be_given_and_new(session: Session, name: str, message: str) -> None:
    codebook.create_version(session=session, name="taken", frame=_default(), make_current=False)
    before = _sizes(session)
    with pytest.raises(InvalidInput, match=message) as caught:
        codebook.import_version(session=session, name=name, frame=_default())
    assert caught.value.problems[0].field == "Version name"
    assert _sizes(session) == before


def test_a_failure_while_writing_leaves_nothing_behind(
    session: Session, codebook_version: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _sizes(session)

    def fail(**_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(crosswalk, "add_crosswalk", fail)
    with pytest.raises(RuntimeError):
        codebook.import_version(session=session, name="Half", frame=_default())
    assert _sizes(session) == before
    assert codebook.current_version_id(session=session) == codebook_version


def _statements(engine: Engine) -> _StatementLog:
    return _StatementLog(engine)


class _StatementLog:
    """Records the SQL statements an engine runs inside a `with` block."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, *args: object) -> None:
        self.statements.append(str(args[2]))

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.statements

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


# Counts and examples ----------------------------------------------------------------------------------------------


def test_counts_equal_the_confirmed_criteria_of_each_component(demo_session: Session) -> None:
    session = demo_session
    version_id = codebook.current_version_id(session=session)
    assert version_id is not None
    overview = codebook.component_overview(session=session, version_id=version_id)
    confirmed = _confirmed_counts(session)
    assert overview.set_index("code")["criteria"].to_dict() == {c: confirmed.get(c, 0) for c in overview["code"]}
    assert int(overview["criteria"].sum()) == 295
    families = codebook.family_overview(codebook.families_frame(session=session, version_id=version_id), overview)
    assert families["criteria"].sum() == 295
    assert families.set_index("code").loc["A", "components"] == 12


def test_examples_are_a_few_confirmed_texts_of_their_component(demo_session: Session) -> None:
    session = demo_session
    version_id = codebook.current_version_id(session=session)
    assert version_id is not None
    examples = codebook.component_examples(session=session, version_id=version_id, per_code=2)
    assert examples.groupby("code").size().max() == 2
    texts = session.execute(sa.text("SELECT component_code, text FROM criterion WHERE status = 'confirmed'")).all()
    assert set(examples[["code", "text"]].itertuples(index=False, name=None)) <= {tuple(t) for t in texts}
    assert set(examples["code"]) == set(_confirmed_counts(session))


def test_counts_and_examples_take_one_query_each_whatever_the_number_of_components(demo_session: Session) -> None:
    session = demo_session
    version_id = codebook.current_version_id(session=session)
    assert version_id is not None
    with _statements(session.get_bind()) as statements:  # type: ignore[arg-type]
        codebook.component_overview(session=session, version_id=version_id)
    on_criteria = [s for s in statements if "FROM criterion" in s]
    assert len(on_criteria) == 2
    assert any("GROUP BY" in s for s in on_criteria)
    assert any("row_number() OVER" in s for s in on_criteria)
    assert len(statements) <= 10


def test_counts_follow_the_crosswalk_through_several_versions(demo_session: Session) -> None:
    session = demo_session
    first = codebook.current_version_id(session=session)
    assert first is not None
    confirmed = _confirmed_counts(session)
    second = codebook.import_version(session=session, name="v2", frame=_renumbered("A03", "A12")).version_id
    third_frame = _renumbered("A03", "A13").replace({"previous_code": {"A03": "A12"}})
    third_frame = third_frame.loc[third_frame["code"] != "B01"]
    third = codebook.import_version(session=session, name="v3", frame=third_frame)
    assert third.unmapped == ["B01"]
    assert crosswalk.lineage(crosswalk.crosswalk_edges(session=session), third.version_id) == [
        third.version_id, second, first
    ]  # fmt: skip
    counts = codebook.coded_counts(session=session, version_id=third.version_id).set_index("code")["criteria"]
    assert counts["A13"] == confirmed["A03"]
    assert "B01" not in counts
    assert int(counts.sum()) == 295 - confirmed["B01"]
    # An older version still shows its own criteria under their own codes.
    oldest = codebook.coded_counts(session=session, version_id=first).set_index("code")["criteria"]
    assert oldest.to_dict() == confirmed
    examples = codebook.component_examples(session=session, version_id=third.version_id)
    assert len(examples.loc[examples["code"] == "A13"]) == 3


def test_counts_can_be_limited_to_one_territory(demo_session: Session) -> None:
    session = demo_session
    version_id = codebook.current_version_id(session=session)
    assert version_id is not None
    kestrelford = territory.list_territories(session=session)["id"].iloc[0]
    other = _territory_with_one_criterion(session, version_id, code="A03")
    everywhere = codebook.coded_counts(session=session, version_id=version_id).set_index("code")["criteria"]
    here = codebook.coded_counts(session=session, version_id=version_id, territory_id=kestrelford)
    there = codebook.coded_counts(session=session, version_id=version_id, territory_id=other)
    assert everywhere["A03"] == here.set_index("code")["criteria"]["A03"] + 1 == _confirmed_counts(session)["A03"]
    assert there.to_numpy().tolist() == [["A03", 1]]
    examples = codebook.component_examples(session=session, version_id=version_id, territory_id=other)
    assert examples["text"].tolist() == ["A roof that does not leak"]


def _territory_with_one_criterion(session: Session, version_id: uuid.UUID, *, code: str) -> uuid.UUID:
    territory_id = territory.create_territory(session=session, name="Elsewhere")
    cycle_id = cycle.create_cycle(
        session=session, territory_id=territory_id, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    group_id = group.create_group(session=session, territory_id=territory_id, name="Tenants")
    meeting_id = meeting.create_meeting(
        session=session, group_id=group_id, cycle_id=cycle_id, date=dt.date(2026, 2, 1), facilitator="", participants=8,
        language="en",
    )  # fmt: skip
    drafts = [CriterionDraft("wellbeing", "A roof that does not leak", "en", code)]
    insert_criteria(
        session=session,
        rows=criterion_rows(meeting_id, drafts, start_position=1, confirmed_by="test", codebook_version_id=version_id),
    )
    session.commit()
    return territory_id


@pytest.mark.usefixtures("codebook_version")
def test_criteria_without_a_recorded_version_count_under_the_current_one(session: Session) -> None:
    version_id = codebook.current_version_id(session=session)
    assert version_id is not None
    _territory_with_one_criterion(session, version_id, code="B02")
    session.execute(sa.text("UPDATE criterion SET codebook_version_id = NULL"))
    session.commit()
    counts = codebook.coded_counts(session=session, version_id=version_id)
    assert counts.to_numpy().tolist() == [["B02", 1]]


# Searching --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def components() -> pd.DataFrame:
    return codebook.split_entries(codebook.validate_codebook(_default()))


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("a03", {"A03"}),
        ("Logement", {"A03"}),
        ("EQUIPEMENT", {"A03"}),
        ("housing furniture", {"A03"}),
        ("", None),
        ("   ", None),
    ],
)
def test_search_matches_codes_and_labels_in_both_languages(
    components: pd.DataFrame, query: str, codes: set[str] | None
) -> None:
    found = codebook.search_components(components, query)
    assert set(found["code"]) == (codes if codes is not None else set(components["code"]))


def test_search_on_a_family_label_keeps_its_components(components: pd.DataFrame) -> None:
    family = components.loc[components["family"] == "D", "family_label_en"].iloc[0]
    found = codebook.search_components(components, family)
    assert set(found["family"]) == {"D"}
    assert len(found) == len(components.loc[components["family"] == "D"])


def test_create_version_still_works_on_its_own(session: Session) -> None:
    version_id = codebook.create_version(session=session, name="Standalone", frame=_default())
    assert session.get(CodebookVersion, version_id) is not None
    assert crosswalk.crosswalk_table(session=session, to_version_id=version_id).empty
