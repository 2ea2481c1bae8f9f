"""The `spiral` command line: demo, code, evaluate and train."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from spiral_app.cli import main
from spiral_app.core.config import get_settings
from tests.support import count_rows


@pytest.fixture
def cli_env(app_db: Engine) -> Engine:
    get_settings.cache_clear()
    return app_db


def test_demo_loads_once_then_refuses_a_second_copy(cli_env: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert count_rows(cli_env, "criterion") == 295
    assert main(["demo"]) == 1
    assert "already loaded" in capsys.readouterr().err
    assert count_rows(cli_env, "criterion") == 295


def test_evaluate_json_has_the_documented_keys(
    cli_env: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = pd.DataFrame(
        {"text": ["pas de boulot", "the bus is late", "je me sens seule"], "family": ["A", "A", "D"],
         "component": ["A06", "A10", ""], "language": ["fr", "en", "fr"]}
    )  # fmt: skip
    labelled.to_csv(tmp_path / "labelled.csv", index=False)
    assert main(["evaluate", str(tmp_path / "labelled.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"n", "family_accuracy", "component_top1", "component_top3", "family_macro_f1", "by_language"}
    assert report["n"] == 3
    assert set(report["by_language"]) == {"fr", "en"}
    assert report["by_language"]["fr"]["n"] == 2
    assert 0 <= report["family_accuracy"] <= 1


def test_evaluate_prints_a_readable_report(cli_env: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pd.DataFrame({"text": ["no job"], "family": ["A"]}).to_csv(tmp_path / "one.csv", index=False)
    assert main(["evaluate", str(tmp_path / "one.csv")]) == 0
    out = capsys.readouterr().out
    assert "family accuracy" in out and "confusion matrix" in out
    assert "component top-1 accuracy: n/a" in out


def test_evaluate_keeps_the_heldout_rows_of_a_split_file(
    cli_env: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pd.DataFrame({"text": ["pas de boulot", "no job", "the bus is late"], "family": ["A", "A", "A"],
                         "split": ["train", "heldout", "heldout"]})  # fmt: skip
    rows.to_csv(tmp_path / "corpus.csv", index=False)
    assert main(["evaluate", str(tmp_path / "corpus.csv"), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["n"] == 2
    assert "2 rows marked 'heldout'" in captured.err
    rows.assign(split="train").to_csv(tmp_path / "train-only.csv", index=False)
    assert main(["evaluate", str(tmp_path / "train-only.csv")]) == 1
    assert "split" in capsys.readouterr().err


def test_evaluate_without_family_column_names_it(
    cli_env: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pd.DataFrame({"text": ["no job"]}).to_csv(tmp_path / "bad.csv", index=False)
    assert main(["evaluate", str(tmp_path / "bad.csv")]) == 1
    assert "family" in capsys.readouterr().err


def test_code_writes_suggestions_and_reports_bad_rows(
    cli_env: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pd.DataFrame({"text": ["un logement trop cher", "", "=1+1 places en crèche"], "question": ["illbeing"] * 3})
    rows.to_csv(tmp_path / "in.csv", index=False)
    assert main(["code", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.xlsx")]) == 0
    captured = capsys.readouterr()
    assert "row 3, column 'text'" in captured.err  # spreadsheet rows: the header is row 1
    coded = pd.read_excel(tmp_path / "out.xlsx", dtype=str, keep_default_na=False)
    assert coded.loc[0, "suggested_family"] == "A"
    assert coded.loc[1, "suggested_component"] == ""
    assert "empty" in str(coded.loc[1, "error"])
    assert str(coded.loc[2, "text"]).startswith("'=")  # user text is never written as a live formula
    assert "Coded 2 of 3 rows" in captured.out


def test_code_refuses_a_workbook_with_formula_cells(
    cli_env: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pd.DataFrame({"text": ["un logement trop cher", '=HYPERLINK("http://example.org")']})
    rows.to_excel(tmp_path / "in.xlsx", index=False)  # pandas writes the second text as a live formula
    assert main(["code", str(tmp_path / "in.xlsx")]) == 1
    assert "Row 3" in capsys.readouterr().err
    assert not (tmp_path / "in-coded.xlsx").exists()
