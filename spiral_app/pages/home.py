"""Home: the territories, and for the chosen one its groups, meetings and coding progress."""

import streamlit as st

from spiral_app.core import overview
from spiral_app.core.territory import get_territory
from spiral_app.core.text import escape_markdown
from spiral_app.ui import resources, widgets

st.title("Spiral")
st.caption("Societal Progress Indicators and Responsibilities for All — the well-being of all, defined with citizens.")

territory_id = widgets.require_territory()

with resources.session() as session:
    territory = get_territory(session=session, territory_id=territory_id)
    name, description = territory.name, territory.description
    progress = overview.group_progress(session=session, territory_id=territory_id)

st.header(escape_markdown(name))
if description:
    st.text(description)
totals = overview.coding_progress(progress)
left, middle, right, last = st.columns(4)
left.metric("Groups", len(progress))
middle.metric("Meetings", int(progress["meetings"].sum()))
right.metric("Criteria", totals["criteria"])
last.metric("Confirmed", f"{totals['confirmed'] + totals['unclassifiable']} / {totals['criteria']}")

if totals["criteria"]:
    done = (totals["confirmed"] + totals["unclassifiable"]) / totals["criteria"]
    st.progress(
        done, text=f"Coding: {done:.0%} confirmed, {totals['suggested']} suggested, {totals['uncoded']} uncoded"
    )
else:
    st.info("No criteria yet: enter the post-its of a meeting to see coding progress.")

st.subheader("Groups")
if progress.empty:
    st.info("This territory has no groups yet. Add them in Territory setup.")
else:
    st.dataframe(
        progress,
        hide_index=True,
        column_config={
            "wellbeing": "Well-being",
            "illbeing": "Ill-being",
            "action": "What I do / could do",
            "unclassifiable": "Unclassifiable",
        },
    )
