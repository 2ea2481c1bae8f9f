"""Territories: the cities, districts or collective actors that run SPIRAL."""

from __future__ import annotations

import uuid

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from spiral_app.core.errors import InvalidInput, Problem, require_text
from spiral_app.core.models import Territory

LANGUAGES = ("en", "fr", "it", "es", "pt", "de", "nl", "el", "lv", "ro")


def _validate(session: Session, *, name: str, country: str, language: str, exclude: uuid.UUID | None) -> None:
    if language not in LANGUAGES:
        raise InvalidInput([Problem("Language", f"'{language}' is not one of {', '.join(LANGUAGES)}.")])
    if country and (len(country) != 2 or not country.isalpha()):
        raise InvalidInput([Problem("Country", "must be a two-letter ISO code such as FR or BE.")])
    clash = session.exec(
        select(Territory.id).where(func.lower(Territory.name) == name.lower(), Territory.id != exclude)
    ).first()
    if clash is not None:
        raise InvalidInput([Problem("Name", f"a territory called '{name}' already exists.")])


def create_territory(
    *, session: Session, name: str, country: str = "", language: str = "en", description: str = ""
) -> uuid.UUID:
    """Create a territory and return its id."""
    name = require_text(name, "Name")
    country = country.strip().upper()
    _validate(session, name=name, country=country, language=language, exclude=None)
    territory = Territory(name=name, country=country, language=language, description=description.strip())
    session.add(territory)
    session.commit()
    return territory.id


def update_territory(
    *, session: Session, territory_id: uuid.UUID, name: str, country: str, language: str, description: str
) -> None:
    """Change a territory's name, country, language and description."""
    territory = get_territory(session=session, territory_id=territory_id)
    name = require_text(name, "Name")
    country = country.strip().upper()
    _validate(session, name=name, country=country, language=language, exclude=territory_id)
    territory.name, territory.country, territory.language = name, country, language
    territory.description = description.strip()
    session.add(territory)
    session.commit()


def get_territory(*, session: Session, territory_id: uuid.UUID) -> Territory:
    """Return the territory with *territory_id*, or raise if there is none."""
    territory = session.get(Territory, territory_id)
    if territory is None:
        raise InvalidInput([Problem("Territory", "no longer exists.")])
    return territory


def find_territory(*, session: Session, name: str) -> Territory | None:
    """Return the territory called *name* (case-insensitive), if any."""
    return session.exec(select(Territory).where(func.lower(Territory.name) == name.strip().lower())).first()


def list_territories(*, session: Session) -> pd.DataFrame:
    """Return every territory as a frame with columns id, name, country, language, description."""
    rows = session.exec(select(Territory).order_by(Territory.name)).all()
    return pd.DataFrame(
        [(t.id, t.name, t.country, t.language, t.description) for t in rows],
        columns=["id", "name", "country", "language", "description"],
    )
