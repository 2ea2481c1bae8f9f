"""Measuring the coder against labelled criteria, beside a keyword-only baseline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import f1_score

from spiral_app.core.features import STOP_WORDS
from spiral_app.core.text import fold_accents


class Ranker(Protocol):
    """Anything that scores every component for a batch of texts."""

    classes: npt.NDArray[np.str_]

    def probabilities(
        self, texts: Sequence[str], questions: Sequence[str] | None = None
    ) -> npt.NDArray[np.float64]: ...


@dataclass(frozen=True)
class Report:
    """Accuracy figures of a coder on a labelled set."""

    n: int
    family_accuracy: float
    component_top1: float | None
    component_top3: float | None
    family_macro_f1: float
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: pd.DataFrame = field(default_factory=pd.DataFrame)

    def as_dict(self) -> dict[str, object]:
        """Return the figures as plain JSON-ready values."""
        return {
            "n": self.n,
            "family_accuracy": self.family_accuracy,
            "component_top1": self.component_top1,
            "component_top3": self.component_top3,
            "family_macro_f1": self.family_macro_f1,
            "by_language": self.by_language,
        }


def evaluate(ranker: Ranker, frame: pd.DataFrame) -> Report:
    """Score *ranker* on *frame* (text, family; optional component, language, question)."""
    scores = _probabilities(ranker, frame)
    return _score(ranker.classes[np.argsort(-scores, axis=1, kind="stable")[:, :3]], frame)


def _probabilities(ranker: Ranker, frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    questions = list(frame["question"].fillna("")) if "question" in frame else None
    return ranker.probabilities(list(frame["text"].fillna("")), questions)


def agreement(codes: pd.Series, frame: pd.DataFrame) -> Report:
    """Score a single code per row (another coder's, say) against *frame*'s labels, as `evaluate` does.

    A coder who gives one code has no top-3: `component_top3` is None.
    """
    return _score(codes.fillna("").str.strip().str.upper().to_numpy(dtype=str)[:, None], frame)


def _score(ranked: npt.NDArray[np.str_], frame: pd.DataFrame) -> Report:
    predicted_family = np.array([c[:1] for c in ranked[:, 0]])
    truth_family = frame["family"].str.strip().str.upper().to_numpy()
    family_right = predicted_family == truth_family
    top1 = top3 = None
    if "component" in frame:
        coded = frame["component"].fillna("").str.strip().to_numpy()
        has = coded != ""
        if has.any():
            top1 = float(np.mean(ranked[has, 0] == coded[has]))
            if ranked.shape[1] >= 3:
                top3 = float(np.mean((ranked[has, :3] == coded[has, None]).any(axis=1)))
    languages = frame["language"].fillna("?").to_numpy() if "language" in frame else np.full(len(frame), "?")
    by_language = {
        str(lang): {"n": int(mask.sum()), "family_accuracy": float(family_right[mask].mean())}
        for lang in sorted(set(languages))
        if (mask := languages == lang).any()
    }
    families = sorted(set(truth_family) | set(predicted_family))
    confusion = pd.crosstab(
        pd.Categorical(truth_family, families), pd.Categorical(predicted_family, families), dropna=False
    )
    confusion.index.name, confusion.columns.name = "true family", "predicted family"
    return Report(
        n=len(frame),
        family_accuracy=float(family_right.mean()) if len(frame) else 0.0,
        component_top1=top1,
        component_top3=top3,
        family_macro_f1=float(f1_score(truth_family, predicted_family, average="macro", zero_division=0)),
        by_language=by_language,
        confusion=confusion,
    )


@dataclass(frozen=True)
class Calibration:
    """How well the confidence of the first choice matches how often it is right."""

    mean_confidence: float
    accuracy: float
    error: float  # expected calibration error: the gap between the two, averaged over confidence bins
    confident: float  # a confidence that a facilitator might confirm in bulk from
    confident_share: float  # the share of first choices at that confidence or above
    confident_accuracy: float  # and how often they are right


def calibration(ranker: Ranker, frame: pd.DataFrame, *, bins: int = 10, confident: float = 0.8) -> Calibration:
    """Measure *ranker*'s confidence against its component accuracy on the rows of *frame* that have one."""
    frame = frame.loc[frame["component"].fillna("").str.strip() != ""]
    scores = _probabilities(ranker, frame)
    confidence = scores.max(axis=1)
    right = ranker.classes[scores.argmax(axis=1)] == frame["component"].str.strip().to_numpy()
    placed = np.minimum((confidence * bins).astype(int), bins - 1)
    gaps = (
        pd.DataFrame({"bin": placed, "confidence": confidence, "right": right})
        .groupby("bin")
        .agg(confidence=("confidence", "mean"), right=("right", "mean"), share=("right", "size"))
    )
    error = float(((gaps["confidence"] - gaps["right"]).abs() * gaps["share"]).sum() / max(len(frame), 1))
    sure = confidence >= confident
    return Calibration(
        mean_confidence=float(confidence.mean()),
        accuracy=float(right.mean()),
        error=error,
        confident=confident,
        confident_share=float(sure.mean()),
        confident_accuracy=float(right[sure].mean()) if sure.any() else 0.0,
    )


class KeywordBaseline:
    """Scores components by the words of their codebook labels and descriptions that a text contains."""

    def __init__(self, components: pd.DataFrame) -> None:
        words = components[["label_en", "label_fr", "description_en", "description_fr"]].agg(" ".join, axis=1)
        self._vectorizer = CountVectorizer(
            preprocessor=fold_accents, token_pattern=r"(?u)\b\w\w\w+\b", stop_words=STOP_WORDS, binary=True
        )
        self._keywords = self._vectorizer.fit_transform(words).T.tocsr()
        self.classes: npt.NDArray[np.str_] = components["code"].to_numpy(dtype=str)

    def probabilities(self, texts: Sequence[str], questions: Sequence[str] | None = None) -> npt.NDArray[np.float64]:
        """Return keyword-hit counts per component, normalised per row (ties favour the `x00` general codes)."""
        del questions  # a keyword list knows nothing of the question
        hits = (self._vectorizer.transform(texts) @ self._keywords).toarray().astype(np.float64)
        general = np.array([bool(re.fullmatch(r"[A-Z]00", c)) for c in self.classes])
        hits += general * 1e-3
        totals = hits.sum(axis=1, keepdims=True)
        result: npt.NDArray[np.float64] = hits / np.where(totals == 0, 1, totals)
        return result


def describe(report: Report) -> str:
    """Return the report as text for a terminal."""

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    lines = [
        f"rows: {report.n}",
        f"family accuracy: {percent(report.family_accuracy)}",
        f"component top-1 accuracy: {percent(report.component_top1)}",
        f"component top-3 accuracy: {percent(report.component_top3)}",
        f"family macro-F1: {report.family_macro_f1:.3f}",
        "family accuracy by language:",
        *(f"  {lang}: {percent(v['family_accuracy'])} (n={v['n']:.0f})" for lang, v in report.by_language.items()),
        "family confusion matrix (rows: true, columns: predicted):",
        report.confusion.to_string(),
    ]
    return "\n".join(lines)
