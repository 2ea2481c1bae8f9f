"""Plotly figures built from the results frames; pages only draw them.

Each family keeps its palette colour in every chart, and its letter is always written beside it (bar text, axis,
legend, hover), so that no meaning rests on colour alone. Names people typed (groups, territories) are HTML-escaped
because Plotly reads a small subset of HTML in every label.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from spiral_app.core.palette import family_colour

_LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
    "font": {"size": 13},
    "hoverlabel": {"align": "left"},
}
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
_STATUS_COLOURS = {"confirmed": "#2F2F2F", "suggested": "#7A7A7A", "uncoded": "#B4B4B4", "unclassifiable": "#D9D9D9"}


def _plain(value: object) -> str:
    return html.escape(str(value), quote=False)


def _plain_all(values: Iterable[object]) -> list[str]:
    return [_plain(value) for value in values]


def _wrap(value: object, width: int = 24) -> str:
    """Return *value* escaped, broken into lines of about *width* characters so long labels stay inside."""
    lines = textwrap.wrap(str(value), width) or [""]
    return "<br>".join(_plain(line) for line in lines)


def _percent(values: pd.Series) -> list[str]:
    return [f"{value:.0%}" for value in values]


def family_bars(frame: pd.DataFrame, *, by: str, by_title: str, shares: bool) -> go.Figure:
    """Bars side by side: for each value of *by* (question, territory…), one bar per family, in counts or shares.

    The x axis has two levels, the *by* value and under each bar its family letter, so that every bar is named
    however narrow it gets. *frame* has *by*, family, family_name, criteria and share (`results.family_shares`).
    """
    figure = go.Figure()
    for family, part in frame.groupby("family", sort=True):
        values = part["share"] * 100 if shares else part["criteria"]
        keys = _plain_all(part[by])
        figure.add_bar(
            name=_plain(part["family_name"].iloc[0]),
            x=[keys, [str(family)] * len(part)],
            y=values,
            marker_color=family_colour(str(family)),
            text=_percent(part["share"]) if shares else [str(v) for v in part["criteria"]],
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            customdata=list(
                zip(keys, _plain_all(part["family_name"]), part["criteria"], _percent(part["share"]), strict=True)
            ),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]} criteria (%{customdata[3]})"
            "<extra></extra>",
        )
    figure.update_layout(
        _LAYOUT,
        barmode="relative",  # one bar per (value, family) category: nothing actually stacks
        bargap=0.1,
        xaxis={"title": by_title, "type": "multicategory", "tickfont": {"size": 10}},
        yaxis_title="Share of criteria (%)" if shares else "Criteria",
        yaxis_ticksuffix="%" if shares else "",
        legend_title_text="Family",
        uniformtext={"minsize": 9, "mode": "hide"},
    )
    return figure


def family_radar(frame: pd.DataFrame) -> go.Figure:
    """A radar of family shares, one closed trace per group; *frame* as `results.family_shares(by="group")`."""
    figure = go.Figure()
    for number, (group, part) in enumerate(frame.groupby("group", sort=False)):
        closed = pd.concat([part, part.iloc[:1]])
        figure.add_scatterpolar(
            name=_plain(group),
            r=closed["share"] * 100,
            theta=[_wrap(name) for name in closed["family_name"]],
            mode="lines+markers",
            line={"dash": _DASHES[number % len(_DASHES)]},
            marker={"symbol": _SYMBOLS[number % len(_SYMBOLS)], "size": 7},
            customdata=list(zip(closed["criteria"], _percent(closed["share"]), strict=True)),
            hovertemplate=(
                f"{_plain(group)}<br>%{{theta}}<br>%{{customdata[1]}} of the group's criteria "
                "(%{customdata[0]})<extra></extra>"
            ),
        )
    figure.update_layout(
        _LAYOUT,
        polar={
            "radialaxis": {"ticksuffix": "%", "angle": 90, "tickangle": 90},
            "angularaxis": {"direction": "clockwise"},
        },
        legend={"title_text": "Group", "orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        height=620,
        margin={"l": 80, "r": 80, "t": 50, "b": 40},
    )
    return figure


def component_heatmap(frame: pd.DataFrame) -> go.Figure:
    """A heatmap of components × groups: the share of each group's criteria coded to each component.

    Components are rows, so that their code and label stay readable; *frame* has group, code, component_label,
    criteria and share.
    """
    groups = list(dict.fromkeys(frame["group"]))
    codes = sorted(set(frame["code"]))
    shares = frame.pivot_table(index="code", columns="group", values="share", aggfunc="sum").reindex(codes)[groups]
    counts = frame.pivot_table(index="code", columns="group", values="criteria", aggfunc="sum").reindex(codes)[groups]
    labels = frame.drop_duplicates("code").set_index("code")["component_label"].reindex(codes)
    names = [f"{code} {label}" for code, label in zip(codes, labels, strict=True)]
    criteria = counts.fillna(0).astype("int64").to_numpy()
    figure = go.Figure(
        go.Heatmap(
            z=shares.fillna(0).to_numpy() * 100,
            x=[_wrap(group, 16) for group in groups],
            y=[
                f"<span style='color:{family_colour(code)}'>{_plain(name)}</span>"
                for code, name in zip(codes, names, strict=True)
            ],
            text=[["" if pd.isna(value) else f"{value:.0%}" for value in row] for row in shares.to_numpy()],
            texttemplate="%{text}",
            textfont={"size": 11},
            colorscale="Blues",
            zmin=0,
            colorbar={"title": {"text": "Share of<br>the group's<br>criteria (%)"}, "ticksuffix": "%"},
            customdata=[
                [[_plain(name), _plain(group), int(criteria[i][j])] for j, group in enumerate(groups)]
                for i, name in enumerate(names)
            ],
            hovertemplate="%{customdata[1]}<br>%{customdata[0]}<br>%{customdata[2]} criteria (%{z:.0f}%)"
            "<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    figure.update_layout(
        _LAYOUT,
        height=140 + 24 * len(codes),
        xaxis={"title": "Group", "side": "top", "tickangle": 0},
        yaxis={"autorange": "reversed", "dtick": 1, "title": ""},
    )
    return figure


def coverage_bars(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars of criteria by coding status; *frame* has status, status_label, criteria and share."""
    figure = go.Figure(
        go.Bar(
            y=frame["status_label"],
            x=frame["criteria"],
            orientation="h",
            marker_color=[_STATUS_COLOURS.get(status, "#999999") for status in frame["status"]],
            marker_line={"color": "#2F2F2F", "width": 1},
            text=[f"{count} ({share:.0%})" for count, share in zip(frame["criteria"], frame["share"], strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} criteria<extra></extra>",
        )
    )
    figure.update_layout(
        _LAYOUT,
        height=220,
        xaxis_title="Criteria",
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 60, "t": 10, "b": 10},
    )
    return figure


def change_bars(frame: pd.DataFrame, *, from_title: str, to_title: str) -> go.Figure:
    """Diverging bars: how many percentage points each family's share rose or fell between two cycles."""
    points = frame["change"] * 100
    low, high = min(float(points.min()), 0.0), max(float(points.max()), 0.0)
    # Room on both sides keeps the written changes clear of the family names and the plot's edge.
    room = max(high - low, 1.0) * 0.45
    hover = [
        f"{change:+.1f} points ({before:.0%} → {after:.0%})"
        for change, before, after in zip(points, frame["share_from"], frame["share_to"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            y=_plain_all(frame["family_name"]),
            x=points,
            orientation="h",
            marker_color=[family_colour(str(family)) for family in frame["family"]],
            text=[f"{family} {change:+.1f} pts" for family, change in zip(frame["family"], points, strict=True)],
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            hovertemplate=f"%{{y}}<br>%{{customdata}}<br>{_plain(from_title)} → {_plain(to_title)}<extra></extra>",
        )
    )
    figure.update_layout(
        _LAYOUT,
        height=120 + 40 * len(frame),
        xaxis={
            "title": "Change in share of criteria (percentage points)",
            "zeroline": True,
            "zerolinewidth": 2,
            "range": [low - room, high + room],
            "ticksuffix": " pts",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
    )
    return figure


def ranking_bars(frame: pd.DataFrame, *, limit: int = 15) -> go.Figure:
    """Horizontal bars of the first components of a synthesis: criteria per question, in the family's colour.

    Questions are told apart by pattern, and each bar ends with its counts written out.
    *frame* has component, family, groups, wellbeing, illbeing and action, ranked.
    """
    top = frame.head(limit)
    components = _plain_all(top["component"])
    colours = [family_colour(str(family)) for family in top["family"]]
    figure = go.Figure()
    for column, label, pattern in (
        ("wellbeing", "Well-being", ""),
        ("illbeing", "Ill-being", "/"),
        ("action", "What I do", "."),
    ):
        figure.add_bar(
            name=label,
            y=components,
            x=top[column],
            orientation="h",
            marker={
                "color": colours,
                "pattern": {"shape": pattern, "fgcolor": "#FFFFFF", "solidity": 0.3},
                "line": {"color": "#FFFFFF", "width": 1},
            },
            customdata=top["groups"],
            hovertemplate=f"%{{y}}<br>{label}: %{{x}} criteria<br>raised by %{{customdata}} group(s)<extra></extra>",
        )
    totals = top["wellbeing"] + top["illbeing"] + top["action"]
    figure.add_scatter(
        y=components,
        x=totals,
        mode="text",
        text=[
            f"  {w} well-being · {i} ill-being · {a} actions · {g} group(s)"
            for w, i, a, g in zip(top["wellbeing"], top["illbeing"], top["action"], top["groups"], strict=True)
        ],
        textposition="middle right",
        hoverinfo="skip",
        cliponaxis=False,
    )
    figure.update_layout(
        _LAYOUT,
        barmode="stack",
        height=140 + 32 * len(top),
        xaxis={
            "title": "Criteria (well-being plain, ill-being hatched, actions dotted)",
            "range": [0, max(float(totals.max()), 1.0) * 2.4 if len(top) else 1],
        },
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
    )
    return figure
