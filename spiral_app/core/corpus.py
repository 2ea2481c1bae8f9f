"""The training corpus: criteria coded by the Spiral team, the lexicon, and confirmed codings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlmodel import Session, col, select

from spiral_app.core.features import WORD
from spiral_app.core.models import CodingStatus, Criterion
from spiral_app.core.text import fold_accents

CORPUS_FILE = Path("corpus") / "criteria.csv"
VARIANTS_FILE = Path("corpus") / "variants.csv"
LEXICON_DIR = Path("lexicon")
TRAIN, HELDOUT = "train", "heldout"


def read_corpus(data_dir: Path) -> pd.DataFrame:
    """Return the team's labelled criteria: text, language, question, family, component, split."""
    return pd.read_csv(data_dir / CORPUS_FILE, dtype=str, keep_default_na=False)


def read_variants(data_dir: Path) -> pd.DataFrame:
    """Return the team's rewritings of training criteria, translated or reworded (text, language, source)."""
    path = data_dir / VARIANTS_FILE
    if not path.exists():
        return pd.DataFrame(columns=["text", "language", "source"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_lexicon(data_dir: Path) -> pd.DataFrame:
    """Return the multilingual lexicon of terms that signal each component (term, component, language)."""
    files = sorted((data_dir / LEXICON_DIR).glob("*.csv"))
    if not files:
        return pd.DataFrame(columns=["term", "component", "language"])
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)


def training_examples(data_dir: Path, confirmed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every example the coder may learn from: the training split and its variants, the lexicon and
    confirmed codings."""
    corpus = read_corpus(data_dir)
    train = corpus.loc[corpus["split"] == TRAIN, ["text", "question", "component"]]
    # A variant takes its question and code from the training criterion it rewrites, so relabelling a
    # criterion relabels its variants, and a held-out criterion can never reach training this way.
    variants = read_variants(data_dir)[["text", "source"]].merge(
        train.rename(columns={"text": "source"}), on="source", validate="many_to_one"
    )
    lexicon = read_lexicon(data_dir).rename(columns={"term": "text"}).assign(question="")
    # Anything that reads exactly like a held-out criterion ("I'm scared of the future" and "scared of the
    # future" give the coder the same words) would hand it a held-out answer: it is left out of training.
    heldout = set(corpus.loc[corpus["split"] == HELDOUT, "text"].map(reading))
    parts = [part.loc[~part["text"].map(reading).isin(heldout)] for part in (train, variants, lexicon)]
    if confirmed is not None and not confirmed.empty:
        parts.append(confirmed)
    return pd.concat([part[["text", "question", "component"]] for part in parts], ignore_index=True)


def reading(text: str) -> str:
    """Return what the coder reads of *text*: its words of two letters or more, accents and case aside."""
    return " ".join(WORD.findall(fold_accents(text)))


def confirmed_examples(*, session: Session) -> pd.DataFrame:
    """Return the criteria a person confirmed, as extra training examples."""
    rows = session.exec(
        select(Criterion.text, Criterion.question, Criterion.component_code)
        .where(Criterion.status == CodingStatus.CONFIRMED.value, col(Criterion.component_code).is_not(None))
        .order_by(col(Criterion.created_at), col(Criterion.id))
    ).all()
    return pd.DataFrame(rows, columns=["text", "question", "component"])
