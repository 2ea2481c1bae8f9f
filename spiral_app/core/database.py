"""Opening Spiral's database ready for use: schema migrated, default codebook loaded."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import codebook, db
from spiral_app.core.config import Settings


def open_database(settings: Settings) -> Engine:
    """Return an engine on the configured database, its schema up to date and the codebook loaded."""
    engine = db.make_engine(settings.database_url, echo=settings.echo_sql)
    db.migrate(engine)
    with Session(engine) as session:
        codebook.ensure_default_codebook(session=session, data_dir=settings.data_dir)
    return engine
