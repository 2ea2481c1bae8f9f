"""Territory dashboard under AppTest: the demo, filters, small groups and empty territories."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from spiral_app.core import group, territory
from spiral_app.ui import state
from tests.results_data import build_town, build_waiting
from tests.support import page


def _traces(at: AppTest, index: int) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(at.get("plotly_chart")[index].proto.spec)["data"]
    return data


def _numbers(values: object) -> list[float]:
    """Return a trace's numbers, which Plotly may send as a base64 typed array."""
    if isinstance(values, dict):
        return [float(v) for v in np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])]
    return [float(v) for v in values]  # type: ignore[attr-defined]


def _captions(at: AppTest) -> str:
    return " ".join(caption.value for caption in at.caption)


def test_dashboard_draws_every_chart_for_the_demo(demo_db: Engine) -> None:
    at = page("dashboard")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4  # families, radar, heatmap, coverage
    assert {m.label: m.value for m in at.metric} == {
        "Criteria": "295", "Counted in the charts": "295", "Groups shown": "5", "Coded": "100%"
    }  # fmt: skip
    assert len(_traces(at, 0)) == 8  # one bar trace per family
    assert len(_traces(at, 1)) == 5  # one radar trace per group
    assert "295 criteria counted" in _captions(at)
    illbeing = at.table[0].value
    assert list(illbeing.columns) == ["Component", "Family", "Groups", "Criteria", "Quotes (group)"]
    assert len(illbeing) == 10
    assert not at.info


def test_choosing_a_question_and_shares_changes_the_charts(demo_db: Engine) -> None:
    at = page("dashboard")
    at.radio(key=state.RESULTS_QUESTION).set_value("illbeing").run()
    assert not at.exception
    assert "Cycle 1, Ill\\-being, all groups; 120 criteria counted" in _captions(at)
    assert all(trace["x"][0] == ["Ill-being"] for trace in _traces(at, 0))  # type: ignore[index]
    at.radio(key=state.RESULTS_SHARES).set_value("Shares").run()
    assert "adds up to 100%" in _captions(at)
    assert sum(_numbers(trace["y"])[0] for trace in _traces(at, 0)) == pytest.approx(100)


def test_choosing_one_group_draws_only_its_trace(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        kestrelford = territory.find_territory(session=session, name="Kestrelford")
        assert kestrelford is not None
        groups = group.list_groups(session=session, territory_id=kestrelford.id)
    single_parents = str(groups.loc[groups["name"] == "Single parents", "id"].iloc[0])
    at = page("dashboard")
    at.multiselect(key=state.RESULTS_GROUPS).select(single_parents).run()
    assert not at.exception
    assert [trace["name"] for trace in _traces(at, 1)] == ["Single parents"]
    assert {m.label: m.value for m in at.metric}["Criteria"] == "52"
    assert "1 selected group\\(s\\)" in _captions(at)


def test_small_groups_are_hidden_with_a_note(app_db: Engine) -> None:
    with Session(app_db) as session:
        town = build_town(session)
    at = page("dashboard", **{state.TERRITORY_ID: str(town.territory), state.RESULTS_CYCLE: str(town.cycle1)})
    assert not at.exception
    assert "Carers" in at.info[0].value
    assert "fewer than 5 participants" in at.info[0].value
    assert [trace["name"] for trace in _traces(at, 1)] == ["Tenants", "Youth"]
    assert "Carers" not in " ".join(at.table[0].value["Quotes (group)"])


def test_dashboard_explains_an_empty_territory_and_unconfirmed_criteria(app_db: Engine) -> None:
    with Session(app_db) as session:
        empty = territory.create_territory(session=session, name="Empty *town*")
        waiting, _cycle = build_waiting(session)
    at = page("dashboard", **{state.TERRITORY_ID: str(empty)})
    assert not at.exception
    assert "no cycle yet" in at.info[0].value
    at = page("dashboard", **{state.TERRITORY_ID: str(waiting)})
    assert not at.exception
    assert "Nothing confirmed yet" in at.info[0].value
    assert len(at.get("plotly_chart")) == 1  # coding coverage is still shown
    at.toggle(key=state.RESULTS_CONFIRMED_ONLY).set_value(False).run()
    assert len(at.get("plotly_chart")) == 4  # the suggestion counts: families, radar, heatmap and coverage
    assert "confirmed or suggested" in _captions(at)


def test_dashboard_offers_the_excel_report(demo_db: Engine) -> None:
    at = page("dashboard")
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1
    assert buttons[0].proto.label == "Download the Excel report"
