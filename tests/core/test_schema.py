"""The schema: migrations create it, agree with the models, and store what they should."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import Session, SQLModel

from spiral_app.core import db, models, territory


def test_upgrade_on_an_empty_database_creates_every_table(engine: Engine) -> None:
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_migrate_twice_is_harmless(engine: Engine) -> None:
    db.migrate(engine)
    assert "criterion" in inspect(engine).get_table_names()


def test_timestamps_read_back_timezone_aware_utc(session: Session) -> None:
    territory_id = territory.create_territory(session=session, name="Trento")
    session.expire_all()
    created = territory.get_territory(session=session, territory_id=territory_id).created_at
    assert created.tzinfo is not None
    assert created.utcoffset() == dt.timedelta(0)


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(models.Territory(name="Naive", created_at=dt.datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive"):
        session.commit()


def test_primary_keys_are_uuids(session: Session) -> None:
    first = territory.create_territory(session=session, name="A town")
    second = territory.create_territory(session=session, name="B town")
    assert first.version == 4 and first != second
