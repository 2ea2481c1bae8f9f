"""The coder's features: the batch-wise transform gives exactly what scikit-learn's analysers give."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from spiral_app.core.features import CHAR_NGRAMS, STOP_WORDS, WORD, CriterionVectorizer

CORPUS = pd.Series(
    [
        "un logement trop petit pour nous quatre",
        "le loyer et les charges, plus rien a la fin du mois",
        "a roof over my head and a warm home",
        "no bus after eight and the doctor is far",
        "trovare lavoro vicino a casa",
        "x y z a b",
        "anticonstitutionnellement inacceptable",
        "ich helfe meiner nachbarin beim einkaufen",
        "l'ecole du quartier, c'est la vie!",
        "",
    ]
)
UNSEEN = pd.Series(["a warm flat", "bus bus bus bus", "", "zzz qqq", "le la les", "homeless at eighteen"])


def _scikit_learns(fitted_on: pd.Series, texts: pd.Series) -> sparse.csr_matrix:
    """Return the features as scikit-learn's own vectorizers compute them."""
    words = TfidfVectorizer(
        lowercase=False, token_pattern=r"(?u)\b\w\w+\b", ngram_range=(1, 2), sublinear_tf=True, stop_words=STOP_WORDS
    ).fit(fitted_on)

    def spaced(batch: pd.Series) -> list[str]:
        return [" ".join(WORD.findall(text)) for text in batch]

    counter = CountVectorizer(lowercase=False, analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2)
    counter.fit(spaced(fitted_on))
    chars = TfidfTransformer(sublinear_tf=True).fit(counter.transform(spaced(fitted_on)))
    return sparse.hstack([words.transform(texts), chars.transform(counter.transform(spaced(texts)))], format="csr")


def _same(ours: sparse.csr_matrix, theirs: sparse.csr_matrix) -> None:
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=0, atol=1e-12)


def test_features_equal_scikit_learns() -> None:
    vectorizer = CriterionVectorizer().fit(CORPUS)
    for texts in (CORPUS, UNSEEN):
        _same(vectorizer.transform(texts), _scikit_learns(CORPUS, texts))


def test_feature_names_are_words_then_fragments() -> None:
    names = CriterionVectorizer().fit(CORPUS).get_feature_names_out().tolist()
    fragments = [i for i, name in enumerate(names) if name.startswith("…")]
    assert "roof" in names and "warm home" in names
    assert {"lo…", "…ent", "…ment…"} <= set(names)  # the start, the end and the middle of words
    assert "le" not in names  # a stop word
    assert names.index("warm home") < fragments[0] and fragments == list(range(fragments[0], len(names)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab éç-'\n.1", max_size=30), min_size=1, max_size=8))
def test_features_equal_scikit_learns_on_any_text(texts: list[str]) -> None:
    batch = pd.Series(texts, dtype=object)
    # Fitted on some of the generated texts too, so that many of their n-grams are in the vocabulary.
    seen = pd.concat([CORPUS, batch.iloc[::2]], ignore_index=True)
    _same(CriterionVectorizer().fit(seen).transform(batch), _scikit_learns(seen, batch))
