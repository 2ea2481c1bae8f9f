"""The demo territory: a fictional town's first SPIRAL cycle, written by the Spiral team."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from spiral_app.core.codebook import ensure_default_codebook
from spiral_app.core.criterion import CriterionDraft, criterion_rows, insert_criteria
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import Actor, Cycle, Group, Meeting, Territory

DEMO_FILE = Path("demo") / "territory.json"


def read_demo(data_dir: Path) -> dict[str, Any]:
    """Return the demo territory as written in `data/demo/territory.json`."""
    content: dict[str, Any] = json.loads((data_dir / DEMO_FILE).read_text(encoding="utf-8"))
    return content


def load_demo(*, session: Session, data_dir: Path) -> uuid.UUID:
    """Load the demo territory in one transaction and return its id."""
    version_id = ensure_default_codebook(session=session, data_dir=data_dir)
    demo = read_demo(data_dir)
    info = demo["territory"]
    if session.exec(select(Territory.id).where(Territory.name == info["name"])).first() is not None:
        raise InvalidInput([Problem("Demo", f"the territory '{info['name']}' is already loaded.")])
    territory = Territory(
        name=info["name"], country=info["country"], language=info["language"], description=info["description"]
    )
    session.add(territory)
    # Without relationships the unit of work does not order inserts by foreign key: flush parents first.
    session.flush()
    session.add_all(
        Actor(
            territory_id=territory.id,
            name=a["name"],
            kind=a["kind"],
            contact=a["contact"],
            description=a["description"],
        )
        for a in demo["actors"]
    )
    cycles = {
        c["number"]: Cycle(
            territory_id=territory.id,
            number=c["number"],
            start=dt.date.fromisoformat(c["start"]),
            end=dt.date.fromisoformat(c["end"]),
            description=c.get("description", ""),
        )
        for c in demo["cycles"]
    }
    session.add_all(cycles.values())
    session.flush()
    rows: list[dict[str, object]] = []
    for g in demo["groups"]:
        group = Group(territory_id=territory.id, name=g["name"], profile=g["profile"])
        session.add(group)
        session.flush()
        for m in g["meetings"]:
            cycle = cycles[m.get("cycle", 1)]
            meeting = Meeting(
                group_id=group.id,
                cycle_id=cycle.id,
                date=dt.date.fromisoformat(m["date"]),
                facilitator=m["facilitator"],
                participants=m["participants"],
                language=m["language"],
            )
            session.add(meeting)
            session.flush()
            drafts = [CriterionDraft(c["question"], c["text"], m["language"], c["component"]) for c in m["criteria"]]
            rows += criterion_rows(
                meeting.id, drafts, start_position=1, confirmed_by="Spiral demo", codebook_version_id=version_id
            )
    insert_criteria(session=session, rows=rows)
    session.commit()
    return territory.id


def is_empty(*, session: Session) -> bool:
    """Return whether the database holds no territory yet."""
    return session.exec(select(Territory.id)).first() is None
