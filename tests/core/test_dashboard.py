"""The territory dashboard's frames, hand-counted on Riverside (see tests/results_data.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlmodel import Session

from spiral_app.core import dashboard
from spiral_app.core.dashboard import Dashboard
from spiral_app.core.results import ResultFilter
from tests.results_data import Town, build_town, build_waiting


@pytest.fixture
def town(session: Session, codebook_version: object) -> Town:
    return build_town(session)


def _board(session: Session, town: Town, **filters: Any) -> Dashboard:
    return dashboard.build_dashboard(
        session=session, filters=ResultFilter(town.territory, town.cycle1, **filters), threshold=5
    )


def _by(frame: pd.DataFrame, key: str) -> dict[tuple[str, str], int]:
    rows = frame.loc[frame["criteria"] > 0]
    return {(str(k), str(f)): int(n) for k, f, n in zip(rows[key], rows["family"], rows["criteria"], strict=True)}


def test_families_per_question_count_confirmed_criteria_of_every_group(session: Session, town: Town) -> None:
    board = _board(session, town)
    assert _by(board.families, "question") == {
        ("wellbeing", "A"): 2, ("wellbeing", "D"): 2, ("wellbeing", "F"): 1,
        ("illbeing", "A"): 5, ("illbeing", "F"): 1,
        ("action", "H"): 1,
    }  # fmt: skip
    assert board.families.groupby("question")["share"].sum().round(9).eq(1.0).all()
    assert board.total == 15
    assert board.counted == 12
    assert list(board.families["question_label"].unique()) == ["Well-being", "Ill-being", "What I do or could do"]


def test_suggestions_count_when_confirmed_only_is_off(session: Session, town: Town) -> None:
    board = _board(session, town, confirmed_only=False)
    assert _by(board.families, "question")[("illbeing", "A")] == 6
    assert board.counted == 13


def test_coverage_shows_every_status_including_those_left_out_of_the_families(session: Session, town: Town) -> None:
    coverage = _board(session, town).coverage.set_index("status")
    assert coverage["criteria"].to_dict() == {"confirmed": 12, "suggested": 1, "uncoded": 1, "unclassifiable": 1}
    assert coverage["counts_in_charts"].to_dict() == {
        "confirmed": 12,
        "suggested": 0,
        "uncoded": 0,
        "unclassifiable": 0,
    }
    assert coverage["share"].sum() == pytest.approx(1.0)


def test_small_groups_are_hidden_from_group_breakdowns_but_count_in_totals(session: Session, town: Town) -> None:
    board = _board(session, town)
    assert board.hidden == ("Carers",)
    assert _by(board.group_families, "group") == {
        ("Tenants", "A"): 2, ("Tenants", "D"): 1, ("Tenants", "H"): 1,
        ("Youth", "A"): 4, ("Youth", "D"): 1,
    }  # fmt: skip
    assert board.group_families.groupby("group")["share"].sum().round(9).to_dict() == {"Tenants": 1.0, "Youth": 1.0}
    assert set(board.components["group"]) == {"Tenants", "Youth"}
    assert "F02" not in set(board.components["code"])  # raised by Carers only
    assert _by(board.families, "question")[("illbeing", "F")] == 1  # ...but in the territory's totals
    assert "Carers" in str(board.note())


def test_heatmap_shares_are_of_each_groups_criteria(session: Session, town: Town) -> None:
    components = _board(session, town).components.set_index(["group", "code"])
    assert components.loc[("Youth", "A03"), "criteria"] == 2
    assert components.loc[("Youth", "A03"), "share"] == pytest.approx(2 / 5)
    assert components.loc[("Tenants", "A03"), "share"] == pytest.approx(2 / 4)
    assert components.groupby(level="group")["share"].sum().round(9).eq(1.0).all()


def test_most_raised_illbeing_counts_groups_and_hides_small_groups_quotes(session: Session, town: Town) -> None:
    top = _board(session, town, questions=("wellbeing",)).top_illbeing
    assert top[["component", "groups", "criteria"]].values.tolist() == [
        ["A03 Housing and furniture", 2, 3],
        ["A06 Employment and work", 1, 1],
        ["A09 Home care, personal services and social aid", 1, 1],
        ["F02 Mental health and emotional balance", 1, 1],
    ]
    quotes = dict(zip(top["component"].str[:3], top["quotes"], strict=True))
    assert "(Youth)" in quotes["A03"]
    assert "(Tenants)" in quotes["A03"]
    assert quotes["F02"] == ""  # Carers are too few to be quoted
    assert "Épuisement" not in " ".join(top["quotes"])


def test_a_filter_that_would_single_out_a_small_group_leaves_it_out(session: Session, town: Town) -> None:
    french = _board(session, town, languages=("fr",))
    assert french.total == 1  # Youth's French post-it; the Carers' three are withheld
    assert french.withheld == 3
    only_carers = _board(session, town, group_ids=(town.carers,))
    assert only_carers.total == 0
    assert "fewer than 5 participants" in str(only_carers.empty_message())


def test_captions_say_what_is_counted_and_follow_the_filters(session: Session, town: Town) -> None:
    board = _board(session, town, questions=("illbeing",))
    assert board.caption_families(shares=False).startswith("Number of confirmed criteria in each family")
    assert "Ill-being" in board.caption_families(shares=True)
    assert "6 criteria counted" in board.caption_families(shares=True)
    assert "adds up to 100%" in board.caption_radar()
    assert "confirmed or suggested" in _board(session, town, confirmed_only=False).caption_coverage()


def test_empty_states_are_explained(session: Session, town: Town) -> None:
    filters = ResultFilter(town.territory, town.cycle2, group_ids=(town.youth,))
    empty = dashboard.build_dashboard(session=session, filters=filters, threshold=5)
    assert "No criteria yet in cycle 2" in str(empty.empty_message())
    assert empty.metrics()[0] == ("Criteria", "0")
    territory_id, cycle_id = build_waiting(session)
    waiting = dashboard.build_dashboard(session=session, filters=ResultFilter(territory_id, cycle_id), threshold=5)
    assert "Nothing confirmed yet: 1 criteria" in str(waiting.empty_message())
    with_suggestions = ResultFilter(territory_id, cycle_id, confirmed_only=False)
    assert dashboard.build_dashboard(session=session, filters=with_suggestions, threshold=5).empty_message() is None


def test_all_groups_small_leaves_no_group_breakdown_but_says_why(session: Session, town: Town) -> None:
    board = dashboard.build_dashboard(session=session, filters=ResultFilter(town.territory, town.cycle1), threshold=50)
    assert board.group_families.empty
    assert board.components.empty
    assert board.counted == 12
    assert "at least 50 participants" in board.groups_empty_message()
    assert board.hidden == ("Carers", "Tenants", "Youth")
