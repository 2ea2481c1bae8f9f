"""Training, caching and versioning of the coding model."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from spiral_app.core import corpus
from spiral_app.core.coder import Coder
from spiral_app.core.models import ModelVersion, utcnow

CURRENT = "current.txt"


def load_current(model_dir: Path) -> Coder | None:
    """Return the model `current.txt` points at, or None if there is none usable."""
    pointer = model_dir / CURRENT
    if not pointer.exists():
        return None
    try:
        return Coder.load(model_dir / f"{pointer.read_text().strip()}.joblib")
    except (OSError, ValueError, KeyError, EOFError):
        return None


def save_current(coder: Coder, model_dir: Path) -> None:
    """Store *coder* and make it the one new sessions load."""
    coder.save(model_dir / f"{coder.version}.joblib")
    temporary = model_dir / f"{CURRENT}.tmp"
    temporary.write_text(coder.version)
    temporary.replace(model_dir / CURRENT)  # atomic, so a reader never sees half a pointer


def load_or_train(*, model_dir: Path, data_dir: Path) -> Coder:
    """Return the cached model, training it from the repository's corpus on first use."""
    coder = load_current(model_dir)
    if coder is None:
        coder = Coder.train(corpus.training_examples(data_dir))
        save_current(coder, model_dir)
    return coder


def retrain(*, session: Session, model_dir: Path, data_dir: Path) -> tuple[Coder, ModelVersion]:
    """Train on the corpus plus every confirmed coding, store the model and record its version."""
    confirmed = corpus.confirmed_examples(session=session)
    coder = Coder.train(corpus.training_examples(data_dir, confirmed))
    save_current(coder, model_dir)
    from spiral_app.core.evaluation import evaluate  # evaluation imports the coder; keep the import graph flat

    heldout = corpus.read_corpus(data_dir).query("split == @corpus.HELDOUT")
    report = evaluate(coder, heldout)
    # The same data gives the same version name: update its record rather than add a second one.
    record = session.exec(select(ModelVersion).where(ModelVersion.version == coder.version)).first()
    record = record or ModelVersion(version=coder.version)
    record.trained_at = utcnow()
    record.n_corpus = int(len(corpus.training_examples(data_dir)))
    record.n_confirmed = len(confirmed)
    record.family_accuracy, record.component_top3 = report.family_accuracy, report.component_top3
    session.add(record)
    session.commit()
    return coder, record
