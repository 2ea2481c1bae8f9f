"""The training corpus: criteria coded by the Spiral team, the lexicon, and confirmed codings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlmodel import Session, col, select

from spiral_app.core.models import CodingStatus, Criterion
from spiral_app.core.text import fold_accents

CORPUS_FILE = Path("corpus") / "criteria.csv"
LEXICON_DIR = Path("lexicon")
TRAIN, HELDOUT = "train", "heldout"


def read_corpus(data_dir: Path) -> pd.DataFrame:
    """Return the team's labelled criteria: text, language, question, family, component, split."""
    return pd.read_csv(data_dir / CORPUS_FILE, dtype=str, keep_default_na=False)


def read_lexicon(data_dir: Path) -> pd.DataFrame:
    """Return the multilingual lexicon of terms that signal each component (term, component, language)."""
    files = sorted((data_dir / LEXICON_DIR).glob("*.csv"))
    if not files:
        return pd.DataFrame(columns=["term", "component", "language"])
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)


def training_examples(data_dir: Path, confirmed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every example the coder may learn from: the training split, the lexicon and confirmed codings."""
    corpus = read_corpus(data_dir)
    lexicon = read_lexicon(data_dir).rename(columns={"term": "text"}).assign(question="")
    # A one-word post-it can equal a lexicon term; such terms would leak the held-out answer into training.
    heldout = set(corpus.loc[corpus["split"] == HELDOUT, "text"].map(fold_accents))
    lexicon = lexicon.loc[~lexicon["text"].map(fold_accents).isin(heldout)]
    parts = [
        corpus.loc[corpus["split"] == TRAIN, ["text", "question", "component"]],
        lexicon[["text", "question", "component"]],
    ]
    if confirmed is not None and not confirmed.empty:
        parts.append(confirmed[["text", "question", "component"]])
    return pd.concat(parts, ignore_index=True)


def confirmed_examples(*, session: Session) -> pd.DataFrame:
    """Return the criteria a person confirmed, as extra training examples."""
    rows = session.exec(
        select(Criterion.text, Criterion.question, Criterion.component_code)
        .where(Criterion.status == CodingStatus.CONFIRMED.value, col(Criterion.component_code).is_not(None))
        .order_by(col(Criterion.created_at), col(Criterion.id))
    ).all()
    return pd.DataFrame(rows, columns=["text", "question", "component"])
