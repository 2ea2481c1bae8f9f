"""Figures: one colour per family everywhere, the family letter beside it, names escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from spiral_app.core import charts
from spiral_app.core.palette import FAMILY_COLOURS

FAMILIES = pd.DataFrame({"family": ["A", "B"], "family_label": ["Access to essential resources", "Living environment"]})


def _family_frame(by: str, keys: list[str]) -> pd.DataFrame:
    rows = []
    for number, key in enumerate(keys):
        a, b = 3 + number, 1
        for family, label, count in (("A", "Access to essential resources", a), ("B", "Living environment", b)):
            rows.append({by: key, "family": family, "family_label": label, "family_name": f"{family} · {label}",
                         "criteria": count, "share": count / (a + b)})  # fmt: skip
    return pd.DataFrame(rows)


def test_family_bars_draw_one_trace_per_family_in_its_palette_colour() -> None:
    figure = charts.family_bars(_family_frame("question_label", ["Well-being", "Ill-being"]), by="question_label",
                                by_title="Question", shares=False)  # fmt: skip
    assert [trace.name for trace in figure.data] == ["A · Access to essential resources", "B · Living environment"]
    assert [trace.marker.color for trace in figure.data] == [FAMILY_COLOURS["A"], FAMILY_COLOURS["B"]]
    assert list(figure.data[0].text) == ["3", "4"]
    # Two-level axis: every bar is named by its family letter under it, however narrow it gets.
    assert [list(level) for level in figure.data[0].x] == [["Well-being", "Ill-being"], ["A", "A"]]
    assert figure.layout.xaxis.type == "multicategory"


def test_family_bars_in_shares_show_percentages() -> None:
    figure = charts.family_bars(
        _family_frame("territory", ["Lyon", "Mons"]), by="territory", by_title="Territory", shares=True
    )
    assert list(figure.data[0].y) == pytest.approx([75.0, 80.0])
    assert list(figure.data[0].text) == ["75%", "80%"]
    assert figure.layout.yaxis.ticksuffix == "%"


def test_names_people_typed_are_escaped_in_figures() -> None:
    figure = charts.family_bars(
        _family_frame("territory", ["<b>Lyon</b>"]), by="territory", by_title="Territory", shares=True
    )
    assert list(figure.data[0].x[0]) == ["&lt;b&gt;Lyon&lt;/b&gt;"]
    radar = charts.family_radar(_family_frame("group", ["<i>Youth</i>"]))
    assert radar.data[0].name == "&lt;i&gt;Youth&lt;/i&gt;"


def test_radar_has_one_closed_trace_per_group() -> None:
    figure = charts.family_radar(_family_frame("group", ["Tenants", "Youth", "Carers"]))
    assert [trace.name for trace in figure.data] == ["Tenants", "Youth", "Carers"]
    first = figure.data[0]
    assert first.theta[0] == first.theta[-1]
    assert list(first.r) == pytest.approx([75.0, 25.0, 75.0])
    assert len({trace.line.dash for trace in figure.data}) == 3  # told apart without colour


def test_heatmap_has_components_as_rows_coloured_by_family_and_shares_as_text() -> None:
    frame = pd.DataFrame({
        "group": ["Tenants", "Tenants", "Youth"], "code": ["A03", "D06", "A03"], "family": ["A", "D", "A"],
        "component_label": ["Housing and furniture", "Social life and isolation", "Housing and furniture"],
        "criteria": [2, 2, 1], "share": [0.5, 0.5, 1.0],
    })  # fmt: skip
    heatmap = charts.component_heatmap(frame).data[0]
    assert list(heatmap.x) == ["Tenants", "Youth"]
    assert FAMILY_COLOURS["A"] in heatmap.y[0]
    assert "A03 Housing and furniture" in heatmap.y[0]
    assert [list(row) for row in heatmap.text] == [["50%", "100%"], ["50%", ""]]
    assert heatmap.z[1][1] == 0


def test_coverage_bars_label_each_status_with_count_and_share() -> None:
    frame = pd.DataFrame({"status": ["confirmed", "uncoded"], "status_label": ["Confirmed", "Not coded yet"],
                          "criteria": [3, 1], "share": [0.75, 0.25]})  # fmt: skip
    bars = charts.coverage_bars(frame).data[0]
    assert list(bars.text) == ["3 (75%)", "1 (25%)"]
    assert list(bars.y) == ["Confirmed", "Not coded yet"]


def test_change_bars_write_the_change_in_points_beside_each_family() -> None:
    frame = pd.DataFrame({"family": ["A", "B"], "family_name": ["A · Access", "B · Living"], "criteria_from": [7, 0],
                          "share_from": [0.5, 0.0], "criteria_to": [1, 2], "share_to": [0.25, 0.5],
                          "change": [-0.25, 0.5]})  # fmt: skip
    bars = charts.change_bars(frame, from_title="cycle 1", to_title="cycle 2").data[0]
    assert list(bars.text) == ["A -25.0 pts", "B +50.0 pts"]
    assert list(bars.customdata) == ["-25.0 points (50% → 25%)", "+50.0 points (0% → 50%)"]
    assert list(bars.marker.color) == [FAMILY_COLOURS["A"], FAMILY_COLOURS["B"]]


def test_ranking_bars_tell_questions_apart_by_pattern_and_families_by_colour() -> None:
    frame = pd.DataFrame({"component": ["A03 Housing", "H02 Helping"], "family": ["A", "H"], "groups": [2, 1],
                          "wellbeing": [1, 0], "illbeing": [3, 0], "action": [0, 1]})  # fmt: skip
    figure = charts.ranking_bars(frame)
    bars, counts = figure.data[:3], figure.data[3]
    assert [trace.name for trace in bars] == ["Well-being", "Ill-being", "What I do"]
    assert {trace.marker.pattern.shape for trace in bars} == {"", "/", "."}
    assert list(bars[0].marker.color) == [FAMILY_COLOURS["A"], FAMILY_COLOURS["H"]]
    assert list(counts.text) == [
        "  1 well-being · 3 ill-being · 0 actions · 2 group(s)",
        "  0 well-being · 0 ill-being · 1 actions · 1 group(s)",
    ]
