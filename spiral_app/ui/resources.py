"""The process-wide engine and coding model, cached by Streamlit."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import codebook, db
from spiral_app.core.config import get_settings


@st.cache_resource
def get_engine() -> Engine:
    """Return the one engine of this process, with its schema migrated and the codebook loaded."""
    settings = get_settings()
    engine = db.make_engine(settings.database_url, echo=settings.echo_sql)
    db.migrate(engine)
    with Session(engine) as session:
        codebook.ensure_default_codebook(session=session, data_dir=settings.data_dir)
    return engine


def session() -> Session:
    """Open a short session for one unit of work on a page."""
    return Session(get_engine())
