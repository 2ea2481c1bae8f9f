"""Home: territories, groups and coding progress."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import territory
from tests.support import page


def test_home_shows_the_demo_territory_and_its_progress(demo_db: Engine) -> None:
    at = page("home")
    assert not at.exception
    assert at.header[0].value == "Kestrelford"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Groups"] == "5"
    assert metrics["Criteria"] == "295"
    assert metrics["Confirmed"] == "295 / 295"
    groups = at.dataframe[0].value
    assert groups["criteria"].sum() == 295
    assert set(groups["group"]) >= {"Single parents", "Municipal staff"}


def test_home_without_territories_invites_to_create_one(app_db: Engine) -> None:
    at = page("home")
    assert not at.exception
    assert "No territory yet" in at.info[0].value


def test_home_with_an_empty_territory_explains_what_is_missing(app_db: Engine) -> None:
    with Session(app_db) as session:
        territory.create_territory(session=session, name="Empty *town*")
    at = page("home")
    assert not at.exception
    assert at.header[0].value == r"Empty \*town\*"  # user text is escaped, never rendered as Markdown
    assert any("No criteria yet" in info.value for info in at.info)
