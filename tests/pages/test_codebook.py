"""Codebook page: browsing the demo's counts, searching, importing a codebook, refusing a bad one."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA_DIR
from tests.support import count_rows, page


def _component_tables(app: AppTest) -> pd.DataFrame:
    tables = [d.value for d in app.dataframe if "examples" in d.value.columns]
    return pd.concat(tables, ignore_index=True)


def _confirmed_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT component_code, count(*) FROM criterion WHERE status = 'confirmed' GROUP BY component_code")
        ).all()
    return {str(code): int(n) for code, n in rows}


def _criteria_snapshot(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return list(
            connection.execute(sa.text("SELECT id, component_code, codebook_version_id FROM criterion ORDER BY id"))
        )


def _button(app: AppTest, label: str) -> object:
    return next(b for b in app.button if b.label == label)


def _import(app: AppTest, name: str, content: bytes, filename: str = "new.csv") -> AppTest:
    app.file_uploader[0].set_value((filename, content, "text/csv"))
    app.text_input(key="codebook.name.0").input(name)
    _button(app, "Import as the new current version").click()  # type: ignore[attr-defined]
    return app.run()


def test_browse_shows_the_demo_counts_of_every_component(demo_db: Engine) -> None:
    app = page("codebook")
    assert not app.exception
    shown = _component_tables(app)
    assert len(shown) == 60
    expected = _confirmed_counts(demo_db)
    counts = dict(zip(shown["code"], shown["criteria"], strict=True))
    assert counts["A03"] == expected["A03"] > 0
    assert counts == {code: expected.get(code, 0) for code in counts}
    assert all(len(examples) <= 3 for examples in shown["examples"])
    assert len(shown.loc[shown["code"] == "A03", "examples"].iloc[0]) == 3
    assert app.metric[2].value == str(sum(expected.values()))


@pytest.mark.usefixtures("demo_db")
def test_search_by_french_label_or_code_narrows_the_components() -> None:
    app = page("codebook")
    app.text_input(key="codebook.search").input("logement").run()
    assert list(_component_tables(app)["code"]) == ["A03"]
    app.text_input(key="codebook.search").input("g0").run()
    assert set(_component_tables(app)["code"]) == {f"G0{i}" for i in range(6)}
    app.text_input(key="codebook.search").input("no such thing").run()
    assert not [d for d in app.dataframe if "examples" in d.value.columns]
    assert "No component matches" in app.info[0].value


@pytest.mark.usefixtures("demo_db")
def test_the_determination_rules_are_shown() -> None:
    app = page("codebook")
    rules = " ".join(m.value for m in app.markdown)
    assert "Family first" in rules
    assert "One idea per criterion" in rules
    # The conventions for the boundaries where coders disagree most.
    assert "helping a neighbour H02" in rules and "the relationship, greetings and quarrels D04" in rules


def test_import_a_valid_codebook_makes_it_current_and_leaves_criteria_alone(demo_db: Engine) -> None:
    before = _criteria_snapshot(demo_db)
    original = (DATA_DIR / "codebook.csv").read_text(encoding="utf-8")
    renumbered = original.replace("\nA03,A,", "\nA12,A,").replace("code,family,", "previous_code,code,family,", 1)
    lines = renumbered.splitlines()
    content = "\n".join([lines[0], *(("A03," if line.startswith("A12,") else ",") + line for line in lines[1:])])
    app = _import(page("codebook"), "Kestrelford edition", content.encode("utf-8"))
    assert not app.exception
    assert not app.error
    assert "is now the current codebook" in app.success[0].value
    assert count_rows(demo_db, "codebookversion") == 2
    assert count_rows(demo_db, "codebookcrosswalk") == 68
    assert _criteria_snapshot(demo_db) == before
    selected = app.selectbox(key="codebook.version")
    assert "Kestrelford edition (current)" in selected.format_func(selected.value)
    counts = dict(zip(_component_tables(app)["code"], _component_tables(app)["criteria"], strict=True))
    assert counts["A12"] == _confirmed_counts(demo_db)["A03"]
    assert "A03" not in counts
    crosswalk = next(d.value for d in app.dataframe if "from_code" in d.value.columns)
    assert crosswalk.loc[crosswalk["from_code"] == "A03", "to_code"].item() == "A12"


def test_an_older_version_can_be_viewed(demo_db: Engine) -> None:
    original = (DATA_DIR / "codebook.csv").read_bytes()
    app = _import(page("codebook"), "Same codes again", original)
    with demo_db.connect() as connection:
        old = connection.execute(sa.text("SELECT id FROM codebookversion WHERE NOT is_current")).scalar_one()
    app.selectbox(key="codebook.version").select(str(uuid.UUID(str(old)))).run()
    assert not app.exception
    shown = _component_tables(app)
    assert dict(zip(shown["code"], shown["criteria"], strict=True))["A03"] == _confirmed_counts(demo_db)["A03"]
    assert any("loaded on its own" in c.value for c in app.caption)


def test_an_invalid_codebook_is_refused_with_its_rows_and_nothing_is_written(demo_db: Engine) -> None:
    content = (
        "code,family,label_en,label_fr,description_en,description_fr\n"
        "A,A,Access,Accès,,\n"
        "A01,B,Food,Alimentation,,\n"
        "A02,A,,Soins,,\n"
        "A02,A,Health,Santé,,\n"
    )
    app = _import(page("codebook"), "Broken", content.encode("utf-8"))
    assert not app.exception
    errors = [e.value for e in app.error]
    assert any("Nothing was imported" in e for e in errors)
    assert any("Row 3" in e and "family" in e for e in errors)
    assert any("Row 4" in e and "label\\_en" in e for e in errors)
    assert any("Row 5" in e and "more than once" in e for e in errors)
    assert count_rows(demo_db, "codebookversion") == 1
    assert count_rows(demo_db, "codebookcrosswalk") == 0


def test_a_file_that_is_not_a_table_is_refused(demo_db: Engine) -> None:
    app = page("codebook")
    app.file_uploader[0].set_value(("codebook.xlsx", b"not a workbook", "application/octet-stream"))
    app.text_input(key="codebook.name.0").input("Broken")
    _button(app, "Import as the new current version").click()  # type: ignore[attr-defined]
    app.run()
    assert not app.exception
    assert any("codebook file" in e.value and "Excel workbook" in e.value for e in app.error)
    assert count_rows(demo_db, "codebookversion") == 1
