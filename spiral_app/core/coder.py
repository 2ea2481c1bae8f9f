"""The automatic coder: suggests a component for each criterion, with a confidence and the words behind it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from spiral_app.core.text import fold_accents

FORMAT = 3  # bump when the saved model's layout changes, so stale caches are retrained
_WORD = re.compile(r"(?u)\b\w\w+\b")
_JOINERS = re.compile(r"(?i)(\s(and|et|e|y|und|ou|or|o|plus|mais|but|aber|pero|ma)\s|[,;+/&]|\n)")
# The most frequent function words of the languages the corpus covers, accent-folded.
_STOP_TEXT = """
a an the and or of to in on for with at by from is are be been it its my me i we our you your they their this that
not no do does can could would will am was were have has had so as if but just very more too
le la les un une des du de d l et ou en au aux a ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre
vos leur leurs je j tu il elle on nous vous ils elles me m te t se s y ne n pas plus que qu qui est sont etre avoir ai
as pour par sur dans avec sans tres c ca
il lo la i gli le un una uno di da del della dei in con per su che e non mi ci si sono ho ha
el la los las un una unos de del en con por para que y o no me mi mis se es son hay muy
o a os as um uma de do da dos das em no na com por para que e nao me meu minha se sao tem muito
der die das ein eine einen dem den des und oder nicht ich mir mich wir du er sie es ist sind zu mit fur von auf im
"""
STOP_WORDS = sorted(set(_STOP_TEXT.split()))


@dataclass(frozen=True)
class Suggestion:
    """The coder's proposal for one criterion."""

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


class WordwiseCharVectorizer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF of character n-grams within words, computed once per distinct word of a batch.

    Character n-grams that never cross a word boundary add up word by word, so a text's counts are the sum
    of its words' counts. Post-its share most of their words, which makes this several times faster than
    analysing every text character by character, with the same result.
    """

    def __init__(self, ngram_range: tuple[int, int] = (3, 4), min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, texts: pd.Series, y: object = None) -> WordwiseCharVectorizer:  # noqa: ARG002
        self.counter_ = CountVectorizer(
            lowercase=False, analyzer="char_wb", ngram_range=self.ngram_range, min_df=self.min_df
        )
        self.counter_.fit(texts)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(self._counts(texts))
        return self

    def transform(self, texts: pd.Series) -> sparse.csr_matrix:
        return self.tfidf_.transform(self._counts(texts))

    def get_feature_names_out(self, input_features: object = None) -> npt.NDArray[np.object_]:  # noqa: ARG002
        names: npt.NDArray[np.object_] = self.counter_.get_feature_names_out()
        return names

    def _counts(self, texts: pd.Series) -> sparse.csr_matrix:
        index: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        for row, text in enumerate(texts):
            for word in str(text).split():
                columns.append(index.setdefault(word, len(index)))
                rows.append(row)
        words = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=(len(texts), len(index))
        )
        return (words @ self.counter_.transform(list(index))).tocsr()


def _pipeline() -> Pipeline:
    # Texts arrive already accent-folded and lower-cased (see `training_frame`), once for both vectorizers.
    word = TfidfVectorizer(
        lowercase=False, token_pattern=_WORD.pattern, ngram_range=(1, 2), sublinear_tf=True,
        min_df=1, stop_words=STOP_WORDS,
    )  # fmt: skip
    char = WordwiseCharVectorizer(ngram_range=(3, 4), min_df=2)
    features = ColumnTransformer(
        [
            ("word", word, "text"),
            ("char", char, "text"),
            ("question", OneHotEncoder(handle_unknown="ignore"), ["question"]),
        ],
        sparse_threshold=1.0,
    )
    # Logistic loss fitted by SGD, one class against the rest: as accurate as a multinomial logistic regression
    # on this corpus (within 0.005 on the held-out split) and ten times faster to train on 40,000 examples.
    # A fixed number of epochs and seed keep training deterministic; alpha was chosen on a validation part
    # of the training split.
    model = SGDClassifier(loss="log_loss", alpha=3e-6, max_iter=20, tol=None, random_state=0, n_jobs=2)
    return Pipeline([("features", features), ("model", model)])


def training_frame(texts: Sequence[str], questions: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the frame the pipeline reads: a text and a question column."""
    folded = [fold_accents(t) for t in texts]
    return pd.DataFrame({"text": folded, "question": list(questions) if questions is not None else [""] * len(texts)})


class Coder:
    """A trained multilingual classifier of criteria into codebook components."""

    def __init__(self, pipeline: Pipeline, version: str) -> None:
        self.pipeline = pipeline
        self.version = version
        model: SGDClassifier = pipeline.named_steps["model"]
        self.classes: npt.NDArray[np.str_] = np.asarray(model.classes_)
        features: ColumnTransformer = pipeline.named_steps["features"]
        word_names = features.named_transformers_["word"].get_feature_names_out()
        char_names = features.named_transformers_["char"].get_feature_names_out()
        question_names = [f"question: {q}" for q in features.named_transformers_["question"].categories_[0]]
        self._names = np.concatenate([word_names, [f"…{c.strip()}…" for c in char_names], question_names])
        self._is_word = np.zeros(len(self._names), dtype=bool)
        self._is_word[: len(word_names)] = True

    @classmethod
    def train(cls, frame: pd.DataFrame, *, version: str | None = None) -> Coder:
        """Train on *frame* (columns text, component, optional question)."""
        frame = frame.assign(question=frame.get("question", pd.Series("", index=frame.index)).fillna(""))
        pipeline = _pipeline().fit(
            training_frame(frame["text"].tolist(), frame["question"].tolist()), frame["component"]
        )
        return cls(pipeline, version or make_version(frame))

    def save(self, path: Path) -> None:
        """Write the model to *path* (a joblib file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": FORMAT, "version": self.version, "pipeline": self.pipeline}, path)

    @classmethod
    def load(cls, path: Path) -> Coder:
        """Read a model written by `save`; raise ValueError if it is of an older format."""
        content = joblib.load(path)
        if content.get("format") != FORMAT:
            raise ValueError(f"{path} holds a model of an older format")
        return cls(content["pipeline"], content["version"])

    def probabilities(self, texts: Sequence[str], questions: Sequence[str] | None = None) -> npt.NDArray[np.float64]:
        """Return one row of component probabilities per text, columns in `self.classes` order."""
        result: npt.NDArray[np.float64] = self.pipeline.predict_proba(training_frame(texts, questions))
        return result

    def suggest(
        self, texts: Sequence[str], questions: Sequence[str] | None = None, *, top_k: int = 3, n_terms: int = 3
    ) -> tuple[list[Suggestion | None], list[CodingError]]:
        """Return a suggestion per text (None where the text is unreadable) and the per-row errors."""
        errors = [CodingError(i + 1, message) for i, text in enumerate(texts) if (message := unreadable(text))]
        bad = {e.row - 1 for e in errors}
        good = [i for i in range(len(texts)) if i not in bad]
        results: list[Suggestion | None] = [None] * len(texts)
        if not good:
            return results, errors
        frame = training_frame([texts[i] for i in good], [questions[i] for i in good] if questions else None)
        matrix = self.pipeline.named_steps["features"].transform(frame).tocsr()
        model: SGDClassifier = self.pipeline.named_steps["model"]
        proba = model.predict_proba(matrix)
        top = np.argpartition(-proba, top_k - 1, axis=1)[:, :top_k]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(proba, top, axis=1), axis=1), axis=1)
        terms = self._explain(matrix, order[:, 0], model.coef_, n_terms)
        for position, index in enumerate(good):
            top = order[position]
            alternatives = tuple((str(self.classes[c]), float(proba[position, c])) for c in top)
            component = alternatives[0][0]
            results[index] = Suggestion(
                component=component,
                family=component[0],
                confidence=alternatives[0][1],
                alternatives=alternatives,
                explanation=terms[position],
                needs_split=holds_several_ideas(texts[index], alternatives),
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
    if not any(ch.isalpha() for ch in text):
        return "the text holds no words."
    return None


def holds_several_ideas(text: str, alternatives: Sequence[tuple[str, float]]) -> bool:
    """Return whether a criterion may carry several ideas and should be split."""
    if len(alternatives) < 2 or not _JOINERS.search(text):
        return False
    (first, p1), (second, p2) = alternatives[0], alternatives[1]
    # Two clauses joined, and the model torn between two different components.
    return first != second and p2 >= 0.15 and p2 >= p1 / 3


def make_version(frame: pd.DataFrame) -> str:
    """Return a version name that changes whenever the training data changes."""
    hashes = pd.util.hash_pandas_object(frame[["text", "component"]], index=False).to_numpy()
    digest = hashlib.sha256(hashes.tobytes())
    return f"{dt.datetime.now(dt.UTC):%Y%m%d}-{digest.hexdigest()[:8]}"
