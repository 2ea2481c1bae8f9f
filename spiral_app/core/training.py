"""Training, caching and versioning of the coding model."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import Session, select

from spiral_app.core import corpus
from spiral_app.core.coder import Coder
from spiral_app.core.evaluation import evaluate
from spiral_app.core.models import ModelVersion, utcnow

CURRENT = "current.txt"


def data_fingerprint(data_dir: Path) -> str:
    """Return a digest of the repository's training files, which changes when they are edited."""
    digest = hashlib.sha256()
    variants = data_dir / corpus.VARIANTS_FILE
    optional = [variants] if variants.exists() else []
    for path in [data_dir / corpus.CORPUS_FILE, *optional, *sorted((data_dir / corpus.LEXICON_DIR).glob("*.csv"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_current(model_dir: Path, *, fingerprint: str | None = None) -> Coder | None:
    """Return the model `current.txt` points at, or None if there is none, or it was trained on other data."""
    pointer = model_dir / CURRENT
    if not pointer.exists():
        return None
    version, _, trained_on = pointer.read_text().strip().partition("\n")
    if fingerprint is not None and trained_on != fingerprint:
        return None
    try:
        return Coder.load(model_dir / f"{version}.pickle")
    except (OSError, ValueError):
        return None  # missing, unreadable or of another format: train afresh


def save_current(coder: Coder, model_dir: Path, *, fingerprint: str) -> None:
    """Store *coder* and make it the one new sessions load."""
    coder.save(model_dir / f"{coder.version}.pickle")
    temporary = model_dir / f"{CURRENT}.tmp"
    temporary.write_text(f"{coder.version}\n{fingerprint}")
    temporary.replace(model_dir / CURRENT)  # atomic, so a reader never sees half a pointer
    # A model file weighs some 250 MB and every retraining writes one: only the current one is kept. A process
    # that read the old pointer just before finds its file gone and trains afresh (see `load_current`).
    for older in model_dir.glob("*.pickle"):
        if older.stem != coder.version:
            older.unlink(missing_ok=True)


def load_or_train(*, model_dir: Path, data_dir: Path) -> Coder:
    """Return the cached model, training it from the repository's data on first use or when that data changed."""
    fingerprint = data_fingerprint(data_dir)
    coder = load_current(model_dir, fingerprint=fingerprint)
    if coder is None:
        coder = Coder.train(corpus.training_examples(data_dir))
        save_current(coder, model_dir, fingerprint=fingerprint)
    return coder


def retrain(*, session: Session, model_dir: Path, data_dir: Path) -> tuple[Coder, ModelVersion]:
    """Train on the corpus plus every confirmed coding, store the model and record its version."""
    confirmed = corpus.confirmed_examples(session=session)
    examples = corpus.training_examples(data_dir, confirmed)
    coder = Coder.train(examples)
    save_current(coder, model_dir, fingerprint=data_fingerprint(data_dir))
    heldout = corpus.read_corpus(data_dir).query("split == @corpus.HELDOUT")
    report = evaluate(coder, heldout)
    # The same data gives the same version name: update its record rather than add a second one.
    record = session.exec(select(ModelVersion).where(ModelVersion.version == coder.version)).first()
    record = record or ModelVersion(version=coder.version)
    record.trained_at = utcnow()
    record.n_corpus = len(examples) - len(confirmed)
    record.n_confirmed = len(confirmed)
    record.family_accuracy, record.component_top3 = report.family_accuracy, report.component_top3
    session.add(record)
    session.commit()
    return coder, record
