"""What counts in results: counted codes, group sizes and small-group protection, family shares."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import Session

from spiral_app.core import results
from spiral_app.core.results import ResultFilter
from tests.results_data import Town, build_town


@pytest.fixture
def town(session: Session, codebook_version: object) -> Town:
    return build_town(session)


def _counted(frame: pd.DataFrame) -> dict[str, int]:
    coded = frame.loc[frame["code"].notna()]
    return {str(code): int(n) for code, n in coded.groupby("code")["criteria"].sum().items()}


def test_group_size_is_the_largest_meeting_not_the_sum(session: Session, town: Town) -> None:
    sizes = results.group_sizes(session=session, territory_id=town.territory, cycle_id=town.cycle1, threshold=5)
    assert dict(zip(sizes["group"], sizes["participants"], strict=True)) == {"Carers": 3, "Tenants": 8, "Youth": 6}
    assert dict(zip(sizes["group"], sizes["protected"], strict=True)) == {
        "Carers": True,
        "Tenants": False,
        "Youth": False,
    }
    assert results.hidden_groups(sizes) == ["Carers"]


def test_groups_that_did_not_meet_in_the_cycle_are_not_reported_as_hidden(session: Session, town: Town) -> None:
    sizes = results.group_sizes(session=session, territory_id=town.territory, cycle_id=town.cycle2, threshold=5)
    assert dict(zip(sizes["group"], sizes["meetings"], strict=True)) == {"Carers": 0, "Tenants": 1, "Youth": 0}
    assert results.hidden_groups(sizes) == []


def test_only_confirmed_codes_count_unless_suggestions_are_asked_for(session: Session, town: Town) -> None:
    confirmed = results.criteria_counts(session=session, filters=ResultFilter(town.territory, town.cycle1))
    assert int(confirmed["criteria"].sum()) == 15
    assert _counted(confirmed) == {"A03": 4, "A06": 1, "A07": 1, "A09": 1, "D06": 2, "F02": 1, "F03": 1, "H02": 1}
    with_suggestions = results.criteria_counts(
        session=session, filters=ResultFilter(town.territory, town.cycle1, confirmed_only=False)
    )
    assert _counted(with_suggestions) == {**_counted(confirmed), "A08": 1}


def test_filters_narrow_by_group_question_and_language(session: Session, town: Town) -> None:
    filters = ResultFilter(
        town.territory, town.cycle1, group_ids=(town.youth,), questions=("illbeing",), languages=("fr",)
    )
    frame = results.criteria_counts(session=session, filters=filters)
    assert frame[["question", "code", "criteria"]].to_dict("records") == [
        {"question": "illbeing", "code": "A03", "criteria": 1}
    ]
    assert filters.is_narrowed
    assert not ResultFilter(town.territory, town.cycle1, questions=("illbeing",)).is_narrowed


def test_protection_note_names_the_hidden_groups_and_the_threshold() -> None:
    assert results.protection_note([], 5, narrowed=False) is None
    note = results.protection_note(["Carers"], 5, narrowed=False)
    assert note is not None
    assert "Carers" in note
    assert "fewer than 5 participants" in note
    assert "still count in the territory's totals" in note
    assert "left out of every figure" in str(results.protection_note(["Carers"], 5, narrowed=True))


def test_family_shares_add_up_to_one_for_each_key_and_list_every_family(session: Session, town: Town) -> None:
    families, _ = results.codebook_labels(session=session)
    counts = results.criteria_counts(session=session, filters=ResultFilter(town.territory, town.cycle1))
    counted = results.with_families(counts, families)
    shares = results.family_shares(counted, families, by="question", keys=["wellbeing", "illbeing", "action"])
    assert len(shares) == 3 * len(families)
    assert shares.groupby("question")["share"].sum().round(9).to_dict() == {
        "action": 1.0,
        "illbeing": 1.0,
        "wellbeing": 1.0,
    }
    wellbeing = shares.loc[shares["question"] == "wellbeing"].set_index("family")
    assert wellbeing.loc[["A", "D", "F"], "criteria"].tolist() == [2, 2, 1]
    assert wellbeing.loc["A", "share"] == pytest.approx(0.4)
    assert wellbeing.loc["A", "family_name"] == "A · Access to essential resources"


def test_list_languages_and_cycle_number(session: Session, town: Town) -> None:
    assert results.list_languages(session=session, territory_id=town.territory) == ["en", "fr"]
    assert results.cycle_number(session=session, cycle_id=town.cycle2) == 2
