"""Compare: territories side by side in family shares, and a territory's cycle against an earlier one."""

import streamlit as st

from spiral_app.core import charts, comparison
from spiral_app.core.territory import get_territory
from spiral_app.core.text import escape_markdown
from spiral_app.ui import figures, filters, resources, widgets

st.title("Compare")
territory_id = widgets.require_territory()
territory_ids, cycle_number, questions = filters.territories_picker()
confirmed_only = filters.confirmed_only()

st.subheader("Territories side by side")
if len(territory_ids) < 2:
    st.info("Choose at least two territories in the sidebar to compare them.", icon=":material/info:")
else:
    with resources.session() as session:
        territories = comparison.compare_territories(
            session=session,
            territory_ids=territory_ids,
            cycle_number=cycle_number,
            questions=questions,
            confirmed_only=confirmed_only,
        )
    if missing := territories.missing_message():
        st.info(escape_markdown(missing), icon=":material/info:")
    if territories.shares.empty:
        st.info("None of these territories has counted criteria for this choice yet.", icon=":material/info:")
    else:
        figure = charts.family_bars(territories.shares, by="territory", by_title="Territory", shares=True)
        figures.draw(figure, territories.caption())

with resources.session() as session:
    name = get_territory(session=session, territory_id=territory_id).name
st.subheader(f"{escape_markdown(name)}: cycle against cycle")
pair = filters.cycle_pair(territory_id)
if pair is None:
    st.info(
        "This territory has fewer than two cycles so far: the comparison of cycles needs two. "
        "Open the next cycle in **Territory setup** when it starts.",
        icon=":material/info:",
    )
    st.stop()
if pair[0] == pair[1]:
    st.info("Choose two different cycles to compare.", icon=":material/info:")
    st.stop()
with resources.session() as session:
    cycles = comparison.compare_cycles(
        session=session, from_cycle_id=pair[0], to_cycle_id=pair[1], questions=questions, confirmed_only=confirmed_only
    )
if message := cycles.empty_message():
    st.info(escape_markdown(message), icon=":material/info:")
else:
    st.markdown(escape_markdown(cycles.summary()))
    figure = charts.change_bars(
        cycles.changes, from_title=f"cycle {cycles.from_number}", to_title=f"cycle {cycles.to_number}"
    )
    figures.draw(figure, cycles.caption())
    st.dataframe(
        cycles.changes,
        hide_index=True,
        column_order=["family_name", "criteria_from", "share_from", "criteria_to", "share_to", "change"],
        column_config={
            "family_name": "Family",
            "criteria_from": f"Criteria, cycle {cycles.from_number}",
            "share_from": st.column_config.NumberColumn(f"Share, cycle {cycles.from_number}", format="percent"),
            "criteria_to": f"Criteria, cycle {cycles.to_number}",
            "share_to": st.column_config.NumberColumn(f"Share, cycle {cycles.to_number}", format="percent"),
            "change": st.column_config.NumberColumn("Change", format="percent"),
        },
    )
