"""Territory dashboard: what well-being and ill-being mean to each group, at a glance."""

import streamlit as st

from spiral_app.core import charts, dashboard
from spiral_app.core.config import get_settings
from spiral_app.core.text import escape_markdown
from spiral_app.ui import figures, filters, report, resources, state, widgets

st.title("Territory dashboard")
territory_id = widgets.require_territory()
cycle_id = filters.cycle_picker(territory_id)
if cycle_id is None:
    st.info("This territory has no cycle yet: open one in **Territory setup**, then enter its meetings' post-its.")
    st.stop()
chosen = filters.dashboard_filters(territory_id, cycle_id)

with resources.session() as session:
    board = dashboard.build_dashboard(session=session, filters=chosen, threshold=get_settings().small_group_threshold)

for column, (label, value) in zip(st.columns(4), board.metrics(), strict=True):
    column.metric(label, value)
if board.total:
    report.download_button(chosen)
if note := board.note():
    st.info(escape_markdown(note), icon=":material/shield_person:")

if message := board.empty_message():
    st.info(escape_markdown(message), icon=":material/info:")
else:
    st.subheader("Criteria per family")
    shares = st.radio("Show", ["Counts", "Shares"], horizontal=True, key=state.RESULTS_SHARES) == "Shares"
    figures.draw(
        charts.family_bars(board.families, by="question_label", by_title="Question", shares=shares),
        board.caption_families(shares=shares),
    )

    st.subheader("Family profile of each group")
    if board.group_families.empty:
        st.info(escape_markdown(board.groups_empty_message()))
    else:
        figures.draw(charts.family_radar(board.group_families), board.caption_radar())
        figures.draw(charts.component_heatmap(board.components), board.caption_heatmap())

    st.subheader("Most raised as ill-being")
    if board.top_illbeing.empty:
        st.info(f"No {board.what} ill-being criteria with a component in this selection yet.")
    else:
        st.table(board.illbeing_table(), hide_index=True)
        st.caption(escape_markdown(board.caption_illbeing()))

if board.total:
    st.subheader("Coding coverage")
    figures.draw(charts.coverage_bars(board.coverage), board.caption_coverage())
