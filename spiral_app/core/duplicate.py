"""Near-duplicate post-its within a meeting: the same idea typed twice, give or take accents, case and punctuation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from spiral_app.core.text import fold_accents

# Tuned on pairs such as "Being able to pay the rent" / "… my rent" (0.88, flagged) and
# "Having a job" / "Having a home" (0.67, not flagged).
THRESHOLD = 0.85
PAIR_COLUMNS = ["first", "second", "similarity"]
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Return *text* accent-folded, lower-cased, with punctuation and repeated spaces removed."""
    # NFKC first: fold_accents lower-cases before decomposing, so a styled '𝑨' would otherwise stay upper-case.
    return " ".join(_NOT_WORD.sub(" ", fold_accents(unicodedata.normalize("NFKC", text))).split())


def find_duplicates(texts: Sequence[str], questions: Sequence[str], *, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Return the pairs of positions (first < second) whose texts look alike under the same question.

    Texts equal once normalised score 1; others score the cosine of their character-trigram profiles.
    The same words under well-being and ill-being are two criteria, so questions are never compared across.
    """
    normalised = [normalise(t) for t in texts]
    if sum(bool(t) for t in normalised) < 2:
        return pd.DataFrame(columns=PAIR_COLUMNS).astype({"first": "int64", "second": "int64", "similarity": "float64"})
    # Without idf, two texts score the same whatever else the meeting holds.
    profiles = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), use_idf=False).fit_transform(normalised)
    similarity = (profiles @ profiles.T).toarray()
    keys = pd.factorize(pd.Series(normalised))[0]
    similarity = np.where(keys[:, None] == keys[None, :], 1.0, similarity)
    question = np.asarray(questions, dtype=object)
    filled = np.asarray([bool(t) for t in normalised])
    alike = (question[:, None] == question[None, :]) & (similarity >= threshold) & filled[:, None] & filled[None, :]
    first, second = np.nonzero(np.triu(alike, k=1))
    return pd.DataFrame({"first": first, "second": second, "similarity": similarity[first, second].round(2)})


def flag_duplicates(sheet: pd.DataFrame, *, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Return the near-duplicate pairs of a meeting sheet (columns no, question, text) by their numbers and texts."""
    pairs = find_duplicates(sheet["text"].tolist(), sheet["question"].tolist(), threshold=threshold)
    numbers, texts = sheet["no"].to_numpy(), sheet["text"].to_numpy()
    return pd.DataFrame(
        {
            "No.": numbers[pairs["first"]],
            "Post-it": texts[pairs["first"]],
            "Looks like No.": numbers[pairs["second"]],
            "Other post-it": texts[pairs["second"]],
            "Similarity": pairs["similarity"].to_numpy(),
        }
    )
