"""Territories side by side and cycle against cycle, in family shares (see tests/results_data.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import Session

from spiral_app.core import comparison, territory
from spiral_app.core.errors import InvalidInput
from tests.results_data import Town, build_elsewhere, build_town


@pytest.fixture
def town(session: Session, codebook_version: object) -> Town:
    return build_town(session)


def _shares(frame: pd.DataFrame, key: str) -> dict[tuple[str, str], float]:
    rows = frame.loc[frame["criteria"] > 0]
    return {
        (str(k), str(f)): round(float(s), 6) for k, f, s in zip(rows[key], rows["family"], rows["share"], strict=True)
    }


def test_territories_compare_in_shares_of_each_ones_latest_cycle(session: Session, town: Town) -> None:
    elsewhere = build_elsewhere(session)
    result = comparison.compare_territories(
        session=session, territory_ids=[town.territory, elsewhere], cycle_number=None,
        questions=["wellbeing", "illbeing", "action"], confirmed_only=True,
    )  # fmt: skip
    assert _shares(result.shares, "territory") == {
        ("Elsewhere", "A"): 0.5, ("Elsewhere", "G"): 0.5,
        ("Riverside", "A"): round(1 / 3, 6), ("Riverside", "B"): round(2 / 3, 6),
    }  # fmt: skip
    assert result.shares.groupby("territory")["share"].sum().round(9).eq(1.0).all()
    assert result.without_criteria == ()
    assert "latest cycle" in result.caption()


def test_territories_compare_in_a_chosen_cycle_and_name_those_without_criteria(session: Session, town: Town) -> None:
    elsewhere = build_elsewhere(session)
    empty = territory.create_territory(session=session, name="Quiet")
    result = comparison.compare_territories(
        session=session, territory_ids=[town.territory, elsewhere, empty], cycle_number=1,
        questions=["wellbeing"], confirmed_only=True,
    )  # fmt: skip
    riverside = result.shares.loc[result.shares["territory"] == "Riverside"].set_index("family")
    assert riverside.loc[["A", "D", "F"], "criteria"].tolist() == [2, 2, 1]
    assert riverside.loc["A", "share"] == pytest.approx(0.4)
    assert result.without_criteria == ("Quiet",)
    assert "Quiet" in str(result.missing_message())
    assert "cycle 1" in result.caption()


def test_cycle_changes_are_differences_of_shares(session: Session, town: Town) -> None:
    result = comparison.compare_cycles(
        session=session, from_cycle_id=town.cycle1, to_cycle_id=town.cycle2,
        questions=["wellbeing", "illbeing", "action"], confirmed_only=True,
    )  # fmt: skip
    changes = result.changes.set_index("family")
    assert changes.loc[["A", "D", "F", "H"], "criteria_from"].tolist() == [7, 2, 2, 1]
    assert changes.loc[["A", "B"], "criteria_to"].tolist() == [1, 2]
    assert changes.loc["A", "change"] == pytest.approx(1 / 3 - 7 / 12)
    assert changes.loc["B", "change"] == pytest.approx(2 / 3)
    assert changes.loc["H", "change"] == pytest.approx(-1 / 12)
    assert changes["change"].sum() == pytest.approx(0.0)
    assert result.summary() == (
        "Rose most: B · Living environment (+66.7 points). Fell most: A · Access to essential resources (-25.0 points)."
    )
    assert result.empty_message() is None
    assert "from cycle 1 to cycle 2" in result.caption()


def test_cycle_comparison_explains_an_empty_cycle(session: Session, town: Town) -> None:
    result = comparison.compare_cycles(
        session=session, from_cycle_id=town.cycle1, to_cycle_id=town.cycle2, questions=["action"], confirmed_only=True
    )
    assert "Cycle 2 has no confirmed criteria" in str(result.empty_message())


def test_comparing_a_cycle_with_itself_is_refused(session: Session, town: Town) -> None:
    with pytest.raises(InvalidInput, match="two different cycles"):
        comparison.compare_cycles(
            session=session,
            from_cycle_id=town.cycle1,
            to_cycle_id=town.cycle1,
            questions=["action"],
            confirmed_only=True,
        )


def test_cycle_numbers_of_several_territories(session: Session, town: Town) -> None:
    elsewhere = build_elsewhere(session)
    assert comparison.cycle_numbers(session=session, territory_ids=[town.territory, elsewhere]) == [1, 2]
