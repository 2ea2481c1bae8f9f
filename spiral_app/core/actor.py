"""Actors: the members of a territory's coordination group."""

from __future__ import annotations

import uuid

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from spiral_app.core.errors import InvalidInput, Problem, require_text
from spiral_app.core.models import Actor, ActorKind

ACTOR_KIND_LABELS = {
    ActorKind.PUBLIC_AUTHORITY: "Public authority",
    ActorKind.COMPANY: "Company",
    ActorKind.ASSOCIATION: "Association",
    ActorKind.CITIZENS_GROUP: "Citizens' group",
    ActorKind.OTHER: "Other",
}


def create_actor(
    *,
    session: Session,
    territory_id: uuid.UUID,
    name: str,
    kind: str,
    contact: str = "",
    description: str = "",
) -> uuid.UUID:
    """Add an actor to a territory's coordination group and return its id."""
    name = require_text(name, "Name")
    if kind not in {k.value for k in ActorKind}:
        raise InvalidInput([Problem("Type", f"'{kind}' is not a known type of actor.")])
    clash = session.exec(
        select(Actor.id).where(Actor.territory_id == territory_id, func.lower(Actor.name) == name.lower())
    ).first()
    if clash is not None:
        raise InvalidInput([Problem("Name", f"'{name}' is already in this coordination group.")])
    actor = Actor(
        territory_id=territory_id, name=name, kind=kind, contact=contact.strip(), description=description.strip()
    )
    session.add(actor)
    session.commit()
    return actor.id


def delete_actor(*, session: Session, actor_id: uuid.UUID) -> None:
    """Remove an actor from its coordination group."""
    actor = session.get(Actor, actor_id)
    if actor is not None:
        session.delete(actor)
        session.commit()


def list_actors(*, session: Session, territory_id: uuid.UUID) -> pd.DataFrame:
    """Return a territory's actors with a readable type."""
    rows = session.exec(select(Actor).where(Actor.territory_id == territory_id).order_by(Actor.name)).all()
    return pd.DataFrame(
        [(a.id, a.name, ACTOR_KIND_LABELS[ActorKind(a.kind)], a.contact, a.description) for a in rows],
        columns=["id", "name", "type", "contact", "description"],
    )
