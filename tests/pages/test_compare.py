"""Compare under AppTest: territories side by side, cycle against cycle, and what it needs first."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import territory
from spiral_app.ui import state
from tests.results_data import build_elsewhere, build_town
from tests.support import page


def test_compare_with_the_demo_alone_says_what_it_needs(demo_db: Engine) -> None:
    at = page("compare")
    assert not at.exception
    messages = " ".join(info.value for info in at.info)
    assert "at least two territories" in messages
    assert "fewer than two cycles" in messages
    assert not at.get("plotly_chart")


def test_compare_territories_and_cycles(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        town = build_town(session)
        build_elsewhere(session)
    at = page("compare", **{state.TERRITORY_ID: str(town.territory)})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    assert len(at.multiselect(key=state.COMPARE_TERRITORIES).value) == 3  # every territory by default
    assert "Rose most: B · Living environment" in at.markdown[0].value.replace("\\", "")
    changes = at.dataframe[0].value
    assert changes.loc[changes["family"] == "B", "criteria_to"].item() == 2
    captions = " ".join(caption.value for caption in at.caption)
    assert "each territory adds up to 100%" in captions
    assert "from cycle 1 to cycle 2" in captions


def test_compare_refuses_the_same_cycle_twice_and_explains_empty_cycles(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        town = build_town(session)
    at = page("compare", **{state.TERRITORY_ID: str(town.territory)})
    at.selectbox(key=state.COMPARE_FROM_CYCLE).set_value(str(town.cycle2)).run()
    assert "two different cycles" in at.info[-1].value
    at.selectbox(key=state.COMPARE_FROM_CYCLE).set_value(str(town.cycle1))
    at.radio(key=state.COMPARE_QUESTION).set_value("action").run()
    assert not at.exception
    assert "Cycle 2 has no confirmed criteria" in at.info[-1].value


def test_compare_with_an_empty_territory(app_db: Engine) -> None:
    with Session(app_db) as session:
        empty = territory.create_territory(session=session, name="Empty town")
        build_elsewhere(session)
    at = page("compare", **{state.TERRITORY_ID: str(empty)})
    assert not at.exception
    messages = " ".join(info.value for info in at.info)
    assert "No counted criteria in the chosen cycle for\\: Empty town" in messages
    assert "fewer than two cycles" in messages
