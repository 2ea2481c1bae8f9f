"""Fixtures shared by every test: databases on SQLite and PostgreSQL, the demo, the trained coder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import codebook, db, demo, training
from spiral_app.core.coder import Coder
from spiral_app.core.config import get_settings

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("SPIRAL_TEST_POSTGRES_URL", "")

hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=50, deadline=None)
hypothesis_settings.load_profile("ci" if IN_CI else "dev")


def missing_prerequisite(reason: str) -> None:
    """Fail in CI, where every prerequisite must be installed; skip on a developer's machine."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)", pytrace=False)
    pytest.skip(reason)


def _postgres_engine() -> Engine:
    if not POSTGRES_URL:
        missing_prerequisite("SPIRAL_TEST_POSTGRES_URL is not set")
    engine = db.make_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            # A fresh schema per test keeps tests independent of each other.
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    except sa.exc.OperationalError as error:
        missing_prerequisite(f"PostgreSQL at {POSTGRES_URL} is unreachable: {error}")
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty database: in-memory SQLite, then PostgreSQL."""
    engine = db.make_engine("sqlite://") if request.param == "sqlite" else _postgres_engine()
    db.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def codebook_version(session: Session) -> object:
    return codebook.ensure_default_codebook(session=session, data_dir=DATA_DIR)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trained model for the whole test session; training takes seconds."""
    directory = tmp_path_factory.mktemp("models")
    training.load_or_train(model_dir=directory, data_dir=DATA_DIR)
    return directory


@pytest.fixture(scope="session")
def coder(model_dir: Path) -> Coder:
    return training.load_or_train(model_dir=model_dir, data_dir=DATA_DIR)


def _clear_caches() -> None:
    get_settings.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> Iterator[Engine]:
    """A SQLite file the pages under AppTest read through SPIRAL_DATABASE_URL; empty but for the codebook."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("SPIRAL_DATABASE_URL", url)
    monkeypatch.setenv("SPIRAL_MODEL_DIR", str(model_dir))
    _clear_caches()
    engine = db.make_engine(url)
    db.migrate(engine)
    with Session(engine) as session:
        codebook.ensure_default_codebook(session=session, data_dir=DATA_DIR)
    yield engine
    engine.dispose()
    _clear_caches()


@pytest.fixture
def demo_db(app_db: Engine) -> Engine:
    """The app database with the demo territory loaded."""
    with Session(app_db) as session:
        demo.load_demo(session=session, data_dir=DATA_DIR)
    return app_db
