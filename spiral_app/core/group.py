"""Homogeneous groups: citizens sharing a profile, who meet to answer the three questions."""

from __future__ import annotations

import uuid

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from spiral_app.core.errors import InvalidInput, Problem, require_text
from spiral_app.core.models import Group


def create_group(*, session: Session, territory_id: uuid.UUID, name: str, profile: str = "") -> uuid.UUID:
    """Create a homogeneous group in a territory and return its id."""
    name = require_text(name, "Name")
    _refuse_duplicate(session, territory_id=territory_id, name=name, exclude=None)
    group = Group(territory_id=territory_id, name=name, profile=profile.strip())
    session.add(group)
    session.commit()
    return group.id


def update_group(*, session: Session, group_id: uuid.UUID, name: str, profile: str) -> None:
    """Rename a group or change its profile."""
    group = session.get(Group, group_id)
    if group is None:
        raise InvalidInput([Problem("Group", "no longer exists.")])
    name = require_text(name, "Name")
    _refuse_duplicate(session, territory_id=group.territory_id, name=name, exclude=group_id)
    group.name, group.profile = name, profile.strip()
    session.add(group)
    session.commit()


def _refuse_duplicate(session: Session, *, territory_id: uuid.UUID, name: str, exclude: uuid.UUID | None) -> None:
    clash = session.exec(
        select(Group.id).where(
            Group.territory_id == territory_id, func.lower(Group.name) == name.lower(), Group.id != exclude
        )
    ).first()
    if clash is not None:
        raise InvalidInput([Problem("Name", f"a group called '{name}' already exists in this territory.")])


def list_groups(*, session: Session, territory_id: uuid.UUID) -> pd.DataFrame:
    """Return a territory's groups, by name."""
    rows = session.exec(select(Group).where(Group.territory_id == territory_id).order_by(Group.name)).all()
    return pd.DataFrame([(g.id, g.name, g.profile) for g in rows], columns=["id", "name", "profile"])
