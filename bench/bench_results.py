"""Results on a large dataset: 100,000 criteria over 50 territories with two cycles each.

Prints how long the dashboard's data takes for one territory (target: under 1 s) and how long the dashboard
page takes to render under AppTest (target: under 3 s).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from bench.generate import generate
from spiral_app.core import charts, cycle, dashboard, db
from spiral_app.core.config import get_settings
from spiral_app.core.results import ResultFilter
from spiral_app.ui import state

PAGE = Path(__file__).resolve().parents[1] / "spiral_app" / "pages" / "dashboard.py"
RUNS = 5


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        territory_ids = generate(url, territories=50, criteria=100_000)
        print(f"generated 100,000 criteria in 50 territories, 2 cycles each: {time.perf_counter() - started:.1f} s")
        territory_id = territory_ids[len(territory_ids) // 2]
        engine = db.make_engine(url)
        with Session(engine) as session:
            cycle_id = cycle.list_cycles(session=session, territory_id=territory_id)["id"].iloc[-1]
            filters = ResultFilter(territory_id, cycle_id, confirmed_only=False)
            board = dashboard.build_dashboard(session=session, filters=filters, threshold=5)
            times = [
                _timed(lambda: dashboard.build_dashboard(session=session, filters=filters, threshold=5))
                for _ in range(RUNS)
            ]
        figures = _timed(
            lambda: (
                charts.family_bars(board.families, by="question_label", by_title="Question", shares=False),
                charts.family_radar(board.group_families),
                charts.component_heatmap(board.components),
                charts.coverage_bars(board.coverage),
            )
        )
        engine.dispose()
        print(f"dashboard data for one territory ({board.total} criteria in the cycle, {board.counted} counted):")
        print(f"  median {statistics.median(times):.3f} s, max {max(times):.3f} s over {RUNS} runs (target < 1 s)")
        print(f"  building its four figures: {figures:.3f} s")
        _render(url, str(territory_id))


def _render(url: str, territory_id: str) -> None:
    """Time the dashboard page under AppTest, in a process that has the app's modules imported, as a server has."""
    os.environ["SPIRAL_DATABASE_URL"] = url
    get_settings.cache_clear()
    st.cache_resource.clear()
    renders = []
    for _ in range(RUNS):
        app = AppTest.from_file(str(PAGE), default_timeout=60)
        app.session_state[state.TERRITORY_ID] = territory_id
        started = time.perf_counter()
        app.run()
        renders.append(time.perf_counter() - started)
        if app.exception:
            raise RuntimeError(app.exception[0].message)
    charts_drawn = len(app.get("plotly_chart"))
    print(f"dashboard page under AppTest ({charts_drawn} charts drawn):")
    print(f"  first render {renders[0]:.2f} s (opens the engine and checks migrations)")
    print(f"  median {statistics.median(renders[1:]):.2f} s, max {max(renders[1:]):.2f} s afterwards (target < 3 s)")
    st.cache_resource.clear()
    os.environ.pop("SPIRAL_DATABASE_URL")
    get_settings.cache_clear()


if __name__ == "__main__":
    main()
