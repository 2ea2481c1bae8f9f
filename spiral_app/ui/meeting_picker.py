"""Choosing the group and meeting whose post-its are entered, or recording a new meeting on the spot."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from spiral_app.core import cycle, group, meeting
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.ui import forms, resources, state, widgets

NEW = "new"


@dataclass(frozen=True)
class ChosenMeeting:
    """The meeting being entered, and the language its new post-its take by default."""

    id: uuid.UUID
    group_id: uuid.UUID
    language: str


def keep_choice(key: str, options: Sequence[str], preferred: str | None, fallback: str | None) -> None:
    """Set *key* to *preferred*, else *fallback*, unless it holds one of *options* (e.g. after changing territory)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = preferred if preferred in options else fallback


def _group_choice(groups: pd.DataFrame) -> str | None:
    ids = [str(i) for i in groups["id"]]
    names = dict(zip(ids, groups["name"], strict=True))
    keep_choice(state.ENTER_GROUP, ids, st.session_state.get(state.GROUP_ID), None)
    chosen = st.selectbox(
        "Group", ids, key=state.ENTER_GROUP, format_func=names.__getitem__, placeholder="Choose the group that met"
    )
    st.session_state[state.GROUP_ID] = chosen
    return None if chosen is None else str(chosen)


def meeting_picker(territory_id: uuid.UUID, default_language: str) -> ChosenMeeting | None:
    """Show the group and meeting choosers; return the chosen meeting, or None while there is none."""
    with resources.session() as session:
        groups = group.list_groups(session=session, territory_id=territory_id)
        meetings = meeting.list_meetings(session=session, territory_id=territory_id)
    if groups.empty:
        st.info("This territory has no groups yet: add them in **Territory setup** first.")
        return None
    group_id = _group_choice(groups)
    if group_id is None:
        st.info("Choose the group whose post-its you are entering.")
        return None
    mine = meetings.loc[meetings["group_id"].astype(str) == group_id]
    labels = {
        str(m): f"{day:%d %b %Y}" + (f" — {who}" if who else "")
        for m, day, who in zip(mine["id"], mine["date"], mine["facilitator"], strict=True)
    }
    labels[NEW] = "New meeting…"
    keep_choice(state.ENTER_MEETING, list(labels), st.session_state.get(state.MEETING_ID), next(iter(labels)))
    created = st.session_state.pop(state.ENTER_CREATED_MEETING, None)
    if created in labels:
        # Set before the selectbox exists: Streamlit refuses changes to a widget's key after it is drawn.
        st.session_state[state.ENTER_MEETING] = created
    chosen = str(st.selectbox("Meeting", list(labels), key=state.ENTER_MEETING, format_func=labels.__getitem__))
    if chosen == NEW:
        new_meeting_form(territory_id, uuid.UUID(group_id), default_language)
        return None
    st.session_state[state.MEETING_ID] = chosen
    language = str(mine.loc[mine["id"].astype(str) == chosen, "language"].iloc[0])
    return ChosenMeeting(uuid.UUID(chosen), uuid.UUID(group_id), language)


def new_meeting_form(territory_id: uuid.UUID, group_id: uuid.UUID, default_language: str) -> None:
    """Record a meeting of *group_id*; its cycle is the one whose dates include the meeting's date."""
    with st.form("enter.new_meeting"):
        date = st.date_input("Date", key="enter.new_meeting.date", format="DD/MM/YYYY")
        facilitator = st.text_input("Facilitator", key="enter.new_meeting.facilitator", max_chars=200)
        participants = st.number_input("Participants", min_value=0, value=8, step=1, key="enter.new_meeting.people")
        language = forms.language_select("Language of the post-its", "enter.new_meeting.language", default_language)
        if not st.form_submit_button("Create meeting", type="primary"):
            return
    with resources.session() as session:
        cycle_id = cycle.cycle_on(cycle.list_cycles(session=session, territory_id=territory_id), date)
        try:
            if cycle_id is None:
                outside = f"no cycle of this territory includes {date:%d %b %Y}: add one in Territory setup."
                raise InvalidInput([Problem("Date", outside)])
            new_id = meeting.create_meeting(
                session=session,
                group_id=group_id,
                cycle_id=cycle_id,
                date=date,
                facilitator=facilitator,
                participants=int(participants),
                language=language,
            )
        except InvalidInput as error:
            widgets.show_problems(error)
            return
    st.session_state[state.ENTER_CREATED_MEETING] = str(new_id)
    st.rerun()
