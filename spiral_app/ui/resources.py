"""The process-wide engine and coding model, cached by Streamlit."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import database, training
from spiral_app.core.coder import Coder
from spiral_app.core.config import get_settings


@st.cache_resource
def get_engine() -> Engine:
    """Return the one engine of this process, with its schema migrated and the codebook loaded."""
    return database.open_database(get_settings())


@st.cache_resource(show_spinner="Loading the coding model (trained from the repository's data on first use)…")
def get_coder() -> Coder:
    """Return the coding model shared by every session, trained from the repository on first use."""
    settings = get_settings()
    return training.load_or_train(model_dir=settings.model_dir, data_dir=settings.data_dir)


def session() -> Session:
    """Open a short session for one unit of work on a page."""
    return Session(get_engine())
