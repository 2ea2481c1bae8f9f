"""Syntheses of a territory or a group, hand-counted on Riverside (see tests/results_data.py)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from spiral_app.core import synthesis
from spiral_app.core.synthesis import Synthesis
from tests.results_data import Town, build_town, build_waiting


@pytest.fixture
def town(session: Session, codebook_version: object) -> Town:
    return build_town(session)


def _synthesis(
    session: Session, town: Town, group_id: uuid.UUID | None = None, *, confirmed_only: bool = True
) -> Synthesis:
    return synthesis.build_synthesis(
        session=session, territory_id=town.territory, cycle_id=town.cycle1, group_id=group_id,
        confirmed_only=confirmed_only, threshold=5,
    )  # fmt: skip


def test_territory_synthesis_ranks_components_by_groups_then_criteria(session: Session, town: Town) -> None:
    ranking = _synthesis(session, town).ranking
    assert ranking["code"].tolist() == ["A03", "D06", "A06", "A07", "A09", "F02", "F03", "H02"]
    assert ranking["rank"].tolist() == list(range(1, 9))
    first = ranking.iloc[0]
    assert (first["groups"], first["wellbeing"], first["illbeing"], first["action"], first["criteria"]) == (
        2,
        1,
        3,
        0,
        4,
    )
    assert first["component"] == "A03 Housing and furniture"


def test_voices_list_every_distinct_criterion_side_by_side(session: Session, town: Town) -> None:
    voices = _synthesis(session, town).voices
    housing = voices.loc[voices["code"] == "A03"]
    assert housing["component"].tolist() == ["A03 Housing and furniture", "", ""]
    assert set(housing["illbeing"]) == {"Damp walls", "Crowded flat", "Logement trop petit"}
    assert housing["wellbeing"].tolist() == ["A warm flat", "", ""]
    neighbours = voices.loc[voices["code"] == "D06", "wellbeing"].tolist()
    assert neighbours == ["Good neighbours (×2)"]  # the same post-it twice, kept once with its count
    assert voices["code"].drop_duplicates().tolist() == _synthesis(session, town).ranking["code"].tolist()


def test_territory_synthesis_includes_small_groups_unattributed(session: Session, town: Town) -> None:
    voices = _synthesis(session, town).voices
    assert "Épuisement" in set(voices["illbeing"])


def test_group_synthesis_covers_that_group_only(session: Session, town: Town) -> None:
    result = _synthesis(session, town, town.youth)
    assert result.ranking["code"].tolist() == ["A03", "A06", "A07", "D06"]
    assert result.ranking["groups"].eq(1).all()
    assert result.title == "The group “Youth”"
    assert result.empty_message() is None


def test_small_group_synthesis_is_hidden_with_a_note(session: Session, town: Town) -> None:
    result = _synthesis(session, town, town.carers)
    assert result.ranking.empty
    assert result.voices.empty
    message = str(result.empty_message())
    assert "fewer than 5 participants" in message
    assert "Carers" in message


def test_suggestions_count_only_when_asked(session: Session, town: Town) -> None:
    assert "A08" not in set(_synthesis(session, town).ranking["code"])
    assert "A08" in set(_synthesis(session, town, confirmed_only=False).ranking["code"])


def test_empty_syntheses_explain_why(session: Session, town: Town) -> None:
    empty = synthesis.build_synthesis(
        session=session, territory_id=town.territory, cycle_id=town.cycle2, group_id=town.carers,
        confirmed_only=True, threshold=1,
    )  # fmt: skip
    assert "No criteria yet" in str(empty.empty_message())
    territory_id, cycle_id = build_waiting(session)
    waiting = synthesis.build_synthesis(
        session=session, territory_id=territory_id, cycle_id=cycle_id, group_id=None, confirmed_only=True, threshold=5
    )
    assert "None of the 1 criteria" in str(waiting.empty_message())
    assert "Confirmed only" in str(waiting.empty_message())
