"""What the coder reads in a criterion: its words, word pairs, character 3–4-grams of its words, its question.

The vocabularies and weights are learnt by scikit-learn. Transforming reads each text's words once, then
works on the whole batch with array operations and one lookup per distinct word, which is what lets the
coder read tens of thousands of criteria a second. Tests check the numbers equal scikit-learn's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import OneHotEncoder

# Runs of two or more letters or digits: the words of a criterion (the same as `\b\w\w+\b`, faster).
WORD = re.compile(r"\w\w+")
CHAR_NGRAMS = (3, 4)
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


def _as_strings(texts: Iterable[object]) -> list[str]:
    # A plain list: iterating pandas' Arrow-backed strings one by one costs more than the work done on them.
    values = texts.to_numpy(dtype=object) if isinstance(texts, pd.Series) else np.asarray(list(texts), dtype=object)
    return [str(v) for v in values.tolist()]


def _count_matrix(
    rows: npt.NDArray[np.intp], columns: npt.NDArray[np.intp], shape: tuple[int, int]
) -> sparse.csr_matrix:
    """Return the matrix counting each (row, column) pair; pairs with column -1 (not in the vocabulary) drop."""
    known = columns >= 0
    # Built from (row, column) pairs, the matrix adds up repeated pairs itself.
    return sparse.csr_matrix((np.ones(int(known.sum()), dtype=np.float64), (rows[known], columns[known])), shape=shape)


def _fragment_name(gram: str) -> str:
    """Return how a character n-gram reads in an explanation: 'loy…' starts a word, '…ment' ends one."""
    core = gram.strip()
    starts, ends = gram.startswith(" "), gram.endswith(" ")
    return core if starts and ends else f"{core}…" if starts else f"…{core}" if ends else f"…{core}…"


def _encode(found: list[list[str]]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], list[str], int]:
    """Return, for every word of every text in order, its text and its code among the batch's distinct words."""
    lengths = np.fromiter(map(len, found), dtype=np.intp, count=len(found))
    rows = np.repeat(np.arange(len(found), dtype=np.intp), lengths)
    codes, distinct = pd.factorize(np.asarray(list(chain.from_iterable(found)), dtype=object))
    return rows, codes.astype(np.intp), [str(word) for word in distinct], len(found)


class CriterionVectorizer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF of a criterion's word 1–2-grams (stop words left out) and of its words' character n-grams.

    The two blocks are exactly what scikit-learn's `TfidfVectorizer` (words) and char_wb analyser (on the
    same words) give; character n-grams never cross a word, so a text's counts are the sum of its words'.
    Transforming reads the fitted settings (token pattern, n-gram range), never the module's constants, so a
    saved model keeps reading texts as it was trained to.
    """

    def fit(self, texts: Iterable[object], y: object = None) -> CriterionVectorizer:  # noqa: ARG002
        strings = _as_strings(texts)
        self.words_ = CountVectorizer(
            lowercase=False, token_pattern=WORD.pattern, ngram_range=(1, 2), stop_words=STOP_WORDS
        ).fit(strings)
        found = self._find_words(strings)
        self.chars_ = CountVectorizer(lowercase=False, analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2)
        self.chars_.fit([" ".join(words) for words in found])
        tokens = _encode(found)
        self.word_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(self._word_counts(*tokens))
        self.char_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(self._tokens_to_chars(*tokens))
        return self

    def transform(self, texts: Iterable[object]) -> sparse.csr_matrix:
        rows, codes, distinct, n_texts = _encode(self._find_words(_as_strings(texts)))
        words = self.word_tfidf_.transform(self._word_counts(rows, codes, distinct, n_texts), copy=False)
        chars = self.char_tfidf_.transform(self._tokens_to_chars(rows, codes, distinct, n_texts))
        return sparse.hstack([words, chars], format="csr")

    def get_feature_names_out(self, input_features: object = None) -> npt.NDArray[np.object_]:  # noqa: ARG002
        fragments = map(_fragment_name, self.chars_.get_feature_names_out().tolist())
        return np.asarray([*self.words_.get_feature_names_out().tolist(), *fragments], dtype=object)

    def _find_words(self, texts: list[str]) -> list[list[str]]:
        """Return the words of each text, as the fitted token pattern finds them."""
        find = re.compile(self.words_.token_pattern).findall
        return [find(text) for text in texts]

    def _word_counts(
        self, rows: npt.NDArray[np.intp], codes: npt.NDArray[np.intp], distinct: list[str], n_texts: int
    ) -> sparse.csr_matrix:
        # As scikit-learn does: stop words go first, then bigrams join the words that remain side by side.
        stop = self.words_.get_stop_words()
        kept = ~np.fromiter((word in stop for word in distinct), dtype=bool, count=len(distinct))[codes]
        rows, codes = rows[kept], codes[kept]
        pairs = np.flatnonzero(rows[1:] == rows[:-1])
        # Pairs of word codes: only the distinct pairs are spelt out and looked up.
        pair_codes, distinct_pairs = pd.factorize(codes[pairs].astype(np.int64) * len(distinct) + codes[pairs + 1])
        first, second = np.divmod(np.asarray(distinct_pairs, dtype=np.int64), max(len(distinct), 1))
        get = self.words_.vocabulary_.get
        unigram = np.fromiter((get(word, -1) for word in distinct), dtype=np.intp, count=len(distinct))
        bigram = np.fromiter(
            (get(f"{distinct[a]} {distinct[b]}", -1) for a, b in zip(first.tolist(), second.tolist(), strict=True)),
            dtype=np.intp, count=len(first),
        )  # fmt: skip
        columns = np.concatenate([unigram[codes], bigram[pair_codes]])
        return _count_matrix(np.concatenate([rows, rows[pairs]]), columns, (n_texts, len(self.words_.vocabulary_)))

    def _tokens_to_chars(
        self, rows: npt.NDArray[np.intp], codes: npt.NDArray[np.intp], distinct: list[str], n_texts: int
    ) -> sparse.csr_matrix:
        per_text = _count_matrix(rows, codes, (n_texts, len(distinct)))
        counts: sparse.csr_matrix = (per_text @ self._char_counts(distinct)).tocsr()
        return counts

    def _char_counts(self, words: list[str]) -> sparse.csr_matrix:
        """Return each word's character n-gram counts, as scikit-learn's char_wb analyser finds them."""
        low, high = self.chars_.ngram_range
        padded = [f" {word} " for word in words]
        get = self.chars_.vocabulary_.get
        # Every n-gram inside each padded word. (char_wb also emits a padded word shorter than n whole, once;
        # no padded word is that short here: words have two letters, so with padding at least four.)
        columns = [get(w[i : i + n], -1) for w in padded for n in range(low, high + 1) for i in range(len(w) - n + 1)]
        lengths = np.fromiter(map(len, padded), dtype=np.intp, count=len(padded))
        per_word = sum((np.clip(lengths - n + 1, 0, None) for n in range(low, high + 1)), np.zeros_like(lengths))
        owners = np.repeat(np.arange(len(padded), dtype=np.intp), per_word)
        return _count_matrix(owners, np.asarray(columns, dtype=np.intp), (len(padded), len(self.chars_.vocabulary_)))


def text_features() -> ColumnTransformer:
    """Return the unfitted features of a criterion: its words and their character n-grams, and its question."""
    # Texts arrive already accent-folded and lower-cased (see `coder.training_frame`).
    return ColumnTransformer(
        [
            ("text", CriterionVectorizer(), "text"),
            ("question", OneHotEncoder(handle_unknown="ignore"), ["question"]),
        ],
        sparse_threshold=1.0,
    )
