"""Alembic environment: migrations run on the connection Spiral hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from spiral_app.core import models

target_metadata = SQLModel.metadata


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from spiral_app.core.config import get_settings
        from spiral_app.core.db import make_engine

        engine = make_engine(get_settings().database_url)
        with engine.begin() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    context.run_migrations()


_run()
