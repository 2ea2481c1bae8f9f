"""Territory setup: territories, the coordination group, cycles, groups and meetings."""

import streamlit as st

from spiral_app.core import actor, cycle, group, meeting
from spiral_app.core.territory import get_territory
from spiral_app.core.text import escape_markdown
from spiral_app.ui import forms, resources, widgets

st.title("Territory setup")
territory_id = widgets.territory_picker()

with st.expander("Create a territory", expanded=territory_id is None):
    forms.territory_form()
if territory_id is None:
    st.stop()

with resources.session() as session:
    territory = get_territory(session=session, territory_id=territory_id)
    name, language = territory.name, territory.language
st.header(escape_markdown(name))

territory_tab, actors_tab, cycles_tab, groups_tab, meetings_tab = st.tabs(
    ["Territory", "Coordination group", "Cycles", "Groups", "Meetings"]
)
with territory_tab:
    forms.territory_edit_form(territory_id)
with actors_tab:
    forms.actor_form(territory_id)
    with resources.session() as session:
        st.dataframe(actor.list_actors(session=session, territory_id=territory_id).drop(columns="id"), hide_index=True)
with cycles_tab:
    forms.cycle_form(territory_id)
    with resources.session() as session:
        st.dataframe(cycle.list_cycles(session=session, territory_id=territory_id).drop(columns="id"), hide_index=True)
with groups_tab:
    forms.group_form(territory_id)
    forms.group_edit_form(territory_id)
    with resources.session() as session:
        st.table(group.list_groups(session=session, territory_id=territory_id).drop(columns="id"))
with meetings_tab:
    forms.meeting_form(territory_id, language)
    with resources.session() as session:
        meetings = meeting.list_meetings(session=session, territory_id=territory_id)
    st.dataframe(meetings.drop(columns=["id", "group_id"]), hide_index=True)
