"""`spiral import`, `spiral territories` and `spiral groups`: exit status, summary on stdout, report on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from spiral_app.cli import main
from tests.support import count_rows

HEADER = "group,meeting_date,question,text,language"
GROUPS = ["Elderly residents", "Municipal staff", "People with a migrant background", "Single parents",
          "Young people (16-24)"]  # fmt: skip


def snapshot(engine: Engine) -> tuple[int, int]:
    return count_rows(engine, "criterion"), count_rows(engine, "meeting")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_prints_a_summary_and_exits_0(
    demo_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_criteria, before_meetings = snapshot(demo_db)
    path = write(
        tmp_path, "criteres.csv",
        "groupe;date;question;texte\n"
        "Single parents;;bien-être;Une crèche ouverte tôt le matin\n"
        "Single parents;2026-09-15;mal-être;Pas de place en crèche\n",
        encoding="cp1252",
    )  # fmt: skip
    assert main(["import", str(path), "--territory", "kestrelford"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert "Imported 2 criteria from criteres.csv into Kestrelford (1 new meeting); 2 got a suggested component." in (
        out.out
    )
    assert "Single parents" in out.out
    assert snapshot(demo_db) == (before_criteria + 2, before_meetings + 1)


def test_import_with_problems_prints_the_report_and_changes_nothing(
    demo_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(demo_db)
    path = write(
        tmp_path, "criteria.csv",
        f"{HEADER}\nSingle parents,,wellbeing,A crèche,\nSingle parents,,wellbeing,,\nNobody,2030-01-01,Q9,x,\n",
    )  # fmt: skip
    assert main(["import", str(path), "--territory", "Kestrelford"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert lines[0] == "criteria.csv was not imported (3 problems); the database is unchanged."
    assert lines[1] == "error: Row 3, column 'text': is empty: write the words of the post-it."
    assert lines[2].startswith("error: Row 4, column 'group': 'Nobody' is not a group of Kestrelford")
    assert lines[3].startswith("error: Row 4, column 'question': 'Q9' is not one of the three questions")
    assert snapshot(demo_db) == before


def test_check_only_checks(demo_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(demo_db)
    path = write(tmp_path, "criteria.csv", f"{HEADER}\nMunicipal staff,,action,I listen,\n")
    assert main(["import", str(path), "--territory", "Kestrelford", "--check"]) == 0
    assert "1 criteria are ready to import; nothing was written" in capsys.readouterr().out
    assert snapshot(demo_db) == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--territory", "Atlantis"], "no territory is called 'Atlantis'"),
        (["--territory", "Kestrelford"], "no such file"),
    ],
    ids=["unknown territory", "missing file"],
)
def test_import_refusals_exit_1(
    demo_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    path = tmp_path / "criteria.csv"
    if "Atlantis" in arguments:
        path.write_text(f"{HEADER}\n")
    assert main(["import", str(path), *arguments]) == 1
    assert message in capsys.readouterr().err


def test_junk_named_xlsx_exits_1_with_a_clear_message(
    demo_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "criteria.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    assert main(["import", str(path), "--territory", "Kestrelford"]) == 1
    assert "error: File: 'criteria.xlsx' is not an Excel workbook" in capsys.readouterr().err


def test_territories_lists_one_name_a_line(demo_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["territories"]) == 0
    assert capsys.readouterr().out == "Kestrelford\n"


def test_groups_lists_the_names_an_import_file_may_use(demo_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["groups", "--territory", "Kestrelford"]) == 0
    assert capsys.readouterr().out.splitlines() == GROUPS


def test_groups_of_an_unknown_territory_exits_1(demo_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["groups", "--territory", "Atlantis"]) == 1
    assert "spiral territories" in capsys.readouterr().err
