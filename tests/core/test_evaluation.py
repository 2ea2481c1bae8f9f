from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from spiral_app.core import evaluation

LABELLED = pd.DataFrame(
    {
        "text": ["un toit", "du travail", "mes amis", "a roof"],
        "language": ["fr", "fr", "fr", "en"],
        "family": ["A", "A", "D", "A"],
        "component": ["A03", "A06", "D03", "A03"],
    }
)


class FixedScores:
    """A ranker whose scores are given row by row, in the order of LABELLED."""

    classes = np.array(["A03", "A06", "D03", "G01"])

    def __init__(self, scores: list[list[float]]) -> None:
        self._scores = np.array(scores)

    def probabilities(self, texts: Sequence[str], questions: Sequence[str] | None = None) -> npt.NDArray[np.float64]:
        del questions  # the scores are given
        assert len(texts) == len(self._scores)
        return self._scores


def test_a_ranker_is_scored_on_its_first_and_first_three_choices() -> None:
    ranker = FixedScores(
        [
            [0.7, 0.1, 0.1, 0.1],  # A03 right
            [0.6, 0.3, 0.05, 0.05],  # A03: right family, component second
            [0.1, 0.1, 0.2, 0.6],  # G01: wrong family, D03 second
            [0.1, 0.2, 0.3, 0.4],  # G01: wrong family, A03 fourth
        ]
    )
    report = evaluation.evaluate(ranker, LABELLED)
    assert report.n == 4
    assert report.family_accuracy == pytest.approx(0.5)
    assert report.component_top1 == pytest.approx(0.25)
    assert report.component_top3 == pytest.approx(0.75)
    assert report.by_language == {"en": {"n": 1, "family_accuracy": 0.0}, "fr": {"n": 3, "family_accuracy": 2 / 3}}
    assert report.confusion.loc["D", "G"] == 1


def test_another_coders_codes_are_scored_without_a_top_three() -> None:
    second = pd.Series(["A03", "a08 ", "D06", None])
    report = evaluation.agreement(second, LABELLED)
    assert report.family_accuracy == pytest.approx(0.75)
    assert report.component_top1 == pytest.approx(0.25)
    assert report.component_top3 is None
    assert report.by_language["en"] == {"n": 1, "family_accuracy": 0.0}


def test_calibration_compares_confidence_with_how_often_the_first_choice_is_right() -> None:
    ranker = FixedScores(
        [
            [0.9, 0.1, 0.0, 0.0],  # right at 0.9
            [0.9, 0.1, 0.0, 0.0],  # wrong at 0.9
            [0.1, 0.1, 0.6, 0.2],  # right at 0.6
            [0.6, 0.2, 0.1, 0.1],  # right at 0.6
        ]
    )
    measured = evaluation.calibration(ranker, LABELLED)
    assert measured.mean_confidence == pytest.approx(0.75)
    assert measured.accuracy == pytest.approx(0.75)
    # Bin 0.9: confident 0.9, right half the time; bin 0.6: confident 0.6, always right.
    assert measured.error == pytest.approx((0.4 * 2 + 0.4 * 2) / 4)
    assert (measured.confident, measured.confident_share, measured.confident_accuracy) == (0.8, 0.5, 0.5)
