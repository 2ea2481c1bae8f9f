"""The automatic coder: suggests a component for each criterion, with a confidence and the words behind it."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import pickle
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from spiral_app.core.classifier import CriterionClassifier
from spiral_app.core.features import text_features
from spiral_app.core.text import fold_accents

FORMAT = 6  # bump when the saved model's layout changes, so stale caches are retrained
_LETTER = re.compile(r"[^\W\d_]")
# What joins two ideas on one post-it: a conjunction between spaces, or a comma, semicolon, plus, slash, line break.
_JOINING_WORDS = ("and", "et", "e", "y", "und", "ou", "or", "o", "plus", "mais", "but", "aber", "pero", "ma")
# Written for RE2 (Arrow's regular expressions), which reads the whole batch at once.
_JOINERS = rf"(?i)\s(?:{'|'.join(_JOINING_WORDS)})\s|[,;+/&\n]"
_HAS_WORD = r"[\p{L}\p{N}_]{2}"  # two letters or digits in a row, as `features.WORD` finds them
_HAS_LETTER = r"\p{L}"  # "24/7 service" is one idea: a clause of digits alone does not count
# A clause counts towards a split only when the coder is at least this sure of its component. With the
# calibrated blend, 0.5 flags 70 % of two held-out post-its of different families joined by "and", and 31 % of
# the held-out post-its that hold a joining word or a comma (most of them one idea).
SPLIT_CONFIDENCE = 0.5


class Suggestion(NamedTuple):
    """The coder's proposal for one criterion (a named tuple, cheaper to make by the hundred thousand)."""

    component: str
    family: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    explanation: tuple[str, ...]
    needs_split: bool


@dataclass(frozen=True)
class CodingError:
    """A row the coder could not read."""

    row: int
    message: str


def _pipeline() -> Pipeline:
    return Pipeline([("features", text_features()), ("model", CriterionClassifier())])


def training_frame(texts: Sequence[str], questions: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the frame the pipeline reads: a text and a question column."""
    folded = pd.Series([fold_accents(t) for t in texts], dtype=object)
    asked = pd.Series(list(questions) if questions is not None else [""] * len(texts), dtype=object)
    # Plain Python strings: the vectorizers read them one by one, and Arrow-backed strings are slow to iterate.
    return pd.DataFrame({"text": folded, "question": asked})


class _CollectorPause:
    """Pauses the cyclic garbage collector while batches are coded.

    A batch makes millions of short-lived lists and tuples that never form cycles; reference counting frees
    them, and the collector would only walk them over and over (a third of the time of a 100,000-row batch).
    Streamlit codes in several threads at once: the first batch in pauses it, the last one out resumes it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._resume:
                    gc.enable()


_collector_paused = _CollectorPause()


class Coder:
    """A trained multilingual classifier of criteria into codebook components."""

    def __init__(self, pipeline: Pipeline, version: str) -> None:
        self.pipeline = pipeline
        self.version = version
        model: CriterionClassifier = pipeline.named_steps["model"]
        self.classes: npt.NDArray[np.str_] = np.asarray(model.classes_)
        features: ColumnTransformer = pipeline.named_steps["features"]
        text = features.named_transformers_["text"]
        question_names = [f"question: {q}" for q in features.named_transformers_["question"].categories_[0]]
        self._names = np.concatenate([text.get_feature_names_out(), question_names])
        self._is_word = np.zeros(len(self._names), dtype=bool)
        self._is_word[: len(text.words_.vocabulary_)] = True

    @classmethod
    def train(cls, frame: pd.DataFrame, *, version: str | None = None) -> Coder:
        """Train on *frame* (columns text, component, optional question)."""
        frame = frame.assign(question=frame.get("question", pd.Series("", index=frame.index)).fillna(""))
        pipeline = _pipeline().fit(
            training_frame(frame["text"].tolist(), frame["question"].tolist()), frame["component"]
        )
        return cls(pipeline, version or make_version(frame))

    def save(self, path: Path) -> None:
        """Write the model to *path*: a pickle that only Spiral itself writes and reads, in its model folder."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.tmp")
        # The standard pickle, not joblib's: joblib reads vocabularies object by object in Python, ten times
        # slower. A small header first, so that an older model is recognised before its classes are needed.
        with temporary.open("wb") as file:
            pickle.dump({"format": FORMAT, "version": self.version}, file, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(self.pipeline, file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)  # atomic: a session loading meanwhile never reads half a model

    @classmethod
    def load(cls, path: Path) -> Coder:
        """Read a model written by `save`; raise ValueError if it is of another format or unreadable."""
        with path.open("rb") as file:
            try:
                header = pickle.load(file)  # a file Spiral wrote itself, in its own model folder
                if not isinstance(header, dict) or header.get("format") != FORMAT:
                    raise ValueError(f"{path} holds a model of another format")
                pipeline = pickle.load(file)
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
                raise ValueError(f"{path} cannot be read: {error}") from error
        return cls(pipeline, header["version"])

    def probabilities(self, texts: Sequence[str], questions: Sequence[str] | None = None) -> npt.NDArray[np.float64]:
        """Return one row of component probabilities per text, columns in `self.classes` order."""
        with _collector_paused():
            result: npt.NDArray[np.float64] = self.pipeline.predict_proba(training_frame(texts, questions))
        return result

    def suggest(
        self, texts: Sequence[str], questions: Sequence[str] | None = None, *, top_k: int = 3, n_terms: int = 3
    ) -> tuple[list[Suggestion | None], list[CodingError]]:
        """Return a suggestion per text (None where the text is unreadable) and the per-row errors."""
        with _collector_paused():
            return self._suggest(texts, questions, top_k=top_k, n_terms=n_terms)

    def _suggest(
        self, texts: Sequence[str], questions: Sequence[str] | None, *, top_k: int, n_terms: int
    ) -> tuple[list[Suggestion | None], list[CodingError]]:
        errors = [CodingError(i + 1, message) for i, text in enumerate(texts) if (message := unreadable(text))]
        bad = {e.row - 1 for e in errors}
        good = [i for i in range(len(texts)) if i not in bad]
        results: list[Suggestion | None] = [None] * len(texts)
        if not good:
            return results, errors
        asked_of = [questions[i] for i in good] if questions is not None else None
        frame = training_frame([texts[i] for i in good], asked_of)
        owners, clauses = split_clauses(frame["text"].tolist())
        asked = frame["question"].to_numpy()
        # The clauses of joined post-its are coded in the same batch: their words are mostly the texts' own.
        texts_and_clauses = pd.concat([frame, pd.DataFrame({"text": clauses, "question": asked[owners]}, dtype=object)])
        features = self.pipeline.named_steps["features"].transform(texts_and_clauses).tocsr()
        model: CriterionClassifier = self.pipeline.named_steps["model"]
        all_proba = model.predict_proba(features)
        matrix, proba = features[: len(frame)], all_proba[: len(frame)]
        top = np.argpartition(-proba, top_k - 1, axis=1)[:, :top_k]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(proba, top, axis=1), axis=1), axis=1)
        terms = self._explain(matrix, order[:, 0], model.coef_, n_terms)
        several = several_ideas(owners, all_proba[len(frame) :], len(frame))
        # Plain lists: reading numpy scalars one at a time costs more than the model itself.
        names, ranked = self.classes.tolist(), order.tolist()
        shares = np.take_along_axis(proba, order, axis=1).tolist()
        for position, index in enumerate(good):
            alternatives = tuple(zip([names[c] for c in ranked[position]], shares[position], strict=True))
            component, confidence = alternatives[0]
            results[index] = Suggestion(
                component=component,
                family=component[0],
                confidence=confidence,
                alternatives=alternatives,
                explanation=terms[position],
                needs_split=several[position],
            )
        return results, errors

    def _explain(
        self, matrix: sparse.csr_matrix, predicted: npt.NDArray[np.intp], coef: npt.NDArray[np.float64], n_terms: int
    ) -> list[tuple[str, ...]]:
        words = self._top_terms(matrix, predicted, coef, n_terms, self._is_word)
        missing = [i for i, terms in enumerate(words) if not terms]
        if missing:
            # Words read better than character fragments: fragments only where no word weighed in.
            fragments = self._top_terms(matrix[missing], predicted[missing], coef, n_terms, ~self._is_word)
            for i, terms in zip(missing, fragments, strict=True):
                words[i] = terms
        return [terms or ("(no distinctive word)",) for terms in words]

    def _top_terms(
        self,
        matrix: sparse.csr_matrix,
        predicted: npt.NDArray[np.intp],
        coef: npt.NDArray[np.float64],
        n_terms: int,
        allowed: npt.NDArray[np.bool_],
    ) -> list[tuple[str, ...]]:
        # Each present feature's weight towards the predicted class, for all rows at once.
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        keep = allowed[matrix.indices]
        rows, features, values = rows[keep], matrix.indices[keep], matrix.data[keep]
        contribution = values * coef[predicted[rows], features]
        positive = contribution > 0
        rows, features, contribution = rows[positive], features[positive], contribution[positive]
        order = np.lexsort((-contribution, rows))
        rows, features = rows[order], features[order]
        # Rank of each term within its row, to keep the first n_terms of every row.
        starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if len(rows) else np.zeros(0, dtype=np.intp)
        within = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
        chosen = within < n_terms
        rows, names = rows[chosen], self._names[features[chosen]].tolist()
        bounds = np.searchsorted(rows, np.arange(matrix.shape[0] + 1)).tolist()
        return [tuple(names[bounds[i] : bounds[i + 1]]) for i in range(matrix.shape[0])]


def unreadable(text: object) -> str | None:
    """Return why *text* cannot be coded, or None if it can."""
    if not isinstance(text, str) or not text.strip():
        return "the text is empty."
    if "\ufffd" in text:
        return "the text holds undecodable characters; check the file's encoding."
    # The pattern finds a letter fast; it also takes some number-like signs (²), which the check below weeds out.
    found = _LETTER.search(text)
    if found is None or not (found.group().isalpha() or any(ch.isalpha() for ch in text)):
        return "the text holds no words."
    return None


def split_clauses(texts: Sequence[str]) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Return the clauses of the texts that join several, and for each clause the index of its text.

    Clauses are the parts between joining words and punctuation that hold a word; a text of one clause has none.
    """
    strings = pa.array(texts, type=pa.large_string())
    joined = np.flatnonzero(np.asarray(pc.match_substring_regex(strings, _JOINERS), dtype=bool))
    parts = pc.split_pattern_regex(strings.take(pa.array(joined, type=pa.int64())), pattern=_JOINERS)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    owners = joined[np.asarray(pc.list_parent_indices(parts), dtype=np.intp)]
    kept = (
        np.asarray(pc.match_substring_regex(flat, _HAS_WORD), dtype=bool)
        & np.asarray(pc.match_substring_regex(flat, _HAS_LETTER), dtype=bool)
    ) & ~np.asarray(pc.is_in(pc.utf8_lower(flat), value_set=pa.array(_JOINING_WORDS)), dtype=bool)
    owners, clauses = owners[kept], np.asarray(flat.filter(pa.array(kept)).to_pylist(), dtype=object)
    # Texts left with a single clause (the rest was punctuation or a joining word) hold one idea.
    several = np.bincount(owners, minlength=len(texts))[owners] > 1
    return owners[several], clauses[several].tolist()


def several_ideas(owners: npt.NDArray[np.intp], proba: npt.NDArray[np.float64], n_texts: int) -> list[bool]:
    """Return, per text, whether two of its clauses (coded in *proba*) point surely to different components."""
    clause = pd.DataFrame({"owner": owners, "component": proba.argmax(axis=1), "sure": proba.max(axis=1)})
    distinct = clause[clause["sure"] >= SPLIT_CONFIDENCE].groupby("owner")["component"].nunique()
    flags = np.zeros(n_texts, dtype=bool)
    flags[distinct.index[distinct > 1].to_numpy(dtype=np.intp)] = True
    return flags.tolist()


def make_version(frame: pd.DataFrame) -> str:
    """Return a version name that changes whenever the training data changes."""
    hashes = pd.util.hash_pandas_object(frame[["text", "component"]], index=False).to_numpy()
    digest = hashlib.sha256(hashes.tobytes())
    return f"{dt.datetime.now(dt.UTC):%Y%m%d}-{digest.hexdigest()[:8]}"
