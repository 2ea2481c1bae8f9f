"""Synthesis: every component a group or the territory raised, with all its criteria side by side."""

import streamlit as st

from spiral_app.core import charts, synthesis
from spiral_app.core.config import get_settings
from spiral_app.core.text import escape_markdown
from spiral_app.ui import figures, filters, report, resources, widgets

st.title("Synthesis")
territory_id = widgets.require_territory()
cycle_id = filters.cycle_picker(territory_id)
if cycle_id is None:
    st.info("This territory has no cycle yet: open one in **Territory setup**, then enter its meetings' post-its.")
    st.stop()
group_id = filters.group_picker(territory_id)
confirmed_only = filters.confirmed_only()

with resources.session() as session:
    result = synthesis.build_synthesis(
        session=session,
        territory_id=territory_id,
        cycle_id=cycle_id,
        group_id=group_id,
        confirmed_only=confirmed_only,
        threshold=get_settings().small_group_threshold,
    )

st.header(escape_markdown(result.title))
if message := result.empty_message():
    st.info(escape_markdown(message), icon=":material/info:")
    st.stop()
report.synthesis_download_button(territory_id, cycle_id, group_id, confirmed_only=confirmed_only)

st.subheader("Components ranked")
figures.draw(charts.ranking_bars(result.ranking), result.caption())
st.dataframe(
    result.ranking,
    hide_index=True,
    column_order=["rank", "component", "groups", "wellbeing", "illbeing", "action", "criteria"],
    column_config={
        "rank": "Rank",
        "component": "Component",
        "groups": st.column_config.NumberColumn("Groups", help="How many groups raised this component"),
        "wellbeing": "Well-being",
        "illbeing": "Ill-being",
        "action": "What I do / could do",
        "criteria": "Criteria",
    },
)

st.subheader("Every voice, component by component")
st.caption(
    "All the distinct criteria of each component, well-being, ill-being and actions side by side, in the ranking's "
    "order; a post-it written several times shows how many times (×n)."
)
st.dataframe(
    result.voices,
    hide_index=True,
    height=600,
    column_order=["component", "wellbeing", "illbeing", "action"],
    column_config={
        "component": st.column_config.TextColumn("Component", width="medium"),
        "wellbeing": st.column_config.TextColumn("Well-being", width="large"),
        "illbeing": st.column_config.TextColumn("Ill-being", width="large"),
        "action": st.column_config.TextColumn("What I do / could do", width="large"),
    },
)
