"""Synthesis under AppTest: the demo territory, one group, a small group and an empty territory."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import territory
from spiral_app.ui import state
from tests.results_data import build_town
from tests.support import page


def test_synthesis_of_the_demo_territory_lists_components_and_voices(demo_db: Engine) -> None:
    at = page("synthesis")
    assert not at.exception
    assert at.header[0].value == "The whole territory"
    assert len(at.get("plotly_chart")) == 1
    ranking, voices = at.dataframe[0].value, at.dataframe[1].value
    assert ranking["rank"].tolist()[:3] == [1, 2, 3]
    assert ranking["groups"].max() == 5
    assert ranking[["wellbeing", "illbeing", "action"]].to_numpy().sum() == 295
    assert list(voices.columns) == ["code", "component", "wellbeing", "illbeing", "action"]
    assert (voices[["wellbeing", "illbeing", "action"]] != "").to_numpy().sum() >= 280  # near-duplicates fold together
    assert not at.info


def test_synthesis_of_one_group_and_the_hidden_small_group(app_db: Engine) -> None:
    with Session(app_db) as session:
        town = build_town(session)
    seeded = {state.TERRITORY_ID: str(town.territory), state.RESULTS_CYCLE: str(town.cycle1)}
    at = page("synthesis", **seeded, **{state.SYNTHESIS_GROUP: str(town.youth)})
    assert not at.exception
    assert at.header[0].value == "The group “Youth”"
    assert at.dataframe[0].value["code"].tolist() == ["A03", "A06", "A07", "D06"]
    at = page("synthesis", **seeded, **{state.SYNTHESIS_GROUP: str(town.carers)})
    assert not at.exception
    assert "fewer than 5 participants" in at.info[0].value
    assert not at.dataframe
    at.selectbox(key=state.SYNTHESIS_GROUP).set_value("all").run()
    assert "Épuisement" in set(at.dataframe[1].value["illbeing"])


def test_synthesis_explains_an_empty_territory(app_db: Engine) -> None:
    with Session(app_db) as session:
        empty = territory.create_territory(session=session, name="Empty town")
    at = page("synthesis", **{state.TERRITORY_ID: str(empty)})
    assert not at.exception
    assert "no cycle yet" in at.info[0].value


def test_synthesis_without_territories_invites_to_create_one(app_db: Engine) -> None:
    at = page("synthesis")
    assert not at.exception
    assert "No territory yet" in at.info[0].value


def test_synthesis_offers_the_excel_report(demo_db: Engine) -> None:
    at = page("synthesis")
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Download the Excel report"]
