"""Helpers for tests: counting rows, and running one page under AppTest."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parents[1] / "spiral_app" / "pages"


def count_rows(database: Engine | Session, table: str) -> int:
    """Return the number of rows of *table*: the tests' way to show that nothing was written."""
    if isinstance(database, Session):
        return int(database.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    with database.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def page(name: str, **state: object) -> AppTest:
    """Return the page `spiral_app/pages/<name>.py` run once, with *state* seeded first."""
    app = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()
