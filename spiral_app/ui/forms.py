"""The forms of Territory setup; each validates through core and reports problems by field."""

from __future__ import annotations

import datetime as dt
import uuid

import streamlit as st

from spiral_app.core import actor, cycle, group, meeting, territory
from spiral_app.core.errors import InvalidInput
from spiral_app.ui import resources, state, widgets

_LANGUAGE_NAMES = {"en": "English", "fr": "Français", "it": "Italiano", "es": "Español", "pt": "Português",
                   "de": "Deutsch", "nl": "Nederlands", "el": "Ελληνικά", "lv": "Latviešu", "ro": "Română"}  # fmt: skip


def language_select(label: str, key: str, default: str = "en") -> str:
    """Return a language code chosen by its name."""
    codes = list(territory.LANGUAGES)
    index = codes.index(default) if default in codes else 0
    return str(st.selectbox(label, codes, index=index, key=key, format_func=_LANGUAGE_NAMES.__getitem__))


def territory_form() -> None:
    with st.form("setup.territory", clear_on_submit=True):
        st.markdown("**New territory**")
        name = st.text_input("Name", key="setup.territory.name")
        country = st.text_input("Country (ISO code, e.g. FR)", max_chars=2, key="setup.territory.country")
        language = language_select("Default language", "setup.territory.language")
        description = st.text_area("Description", key="setup.territory.description")
        if st.form_submit_button("Create territory"):
            with resources.session() as session:
                try:
                    new_id = territory.create_territory(
                        session=session, name=name, country=country, language=language, description=description
                    )
                except InvalidInput as error:
                    widgets.show_problems(error)
                    return
            st.session_state[state.TERRITORY_ID] = str(new_id)
            st.success("Territory created.")
            st.rerun()


def territory_edit_form(territory_id: uuid.UUID) -> None:
    with resources.session() as session:
        current = territory.get_territory(session=session, territory_id=territory_id)
        name, country, language, description = current.name, current.country, current.language, current.description
    with st.form("setup.territory_edit"):
        st.markdown("**Edit this territory**")
        new_name = st.text_input("Name", value=name, key="setup.territory_edit.name")
        new_country = st.text_input(
            "Country (ISO code)", value=country, max_chars=2, key="setup.territory_edit.country"
        )
        new_language = language_select("Default language", "setup.territory_edit.language", language)
        new_description = st.text_area("Description", value=description, key="setup.territory_edit.description")
        if st.form_submit_button("Save changes"):
            _save(lambda s: territory.update_territory(session=s, territory_id=territory_id, name=new_name,
                                                       country=new_country, language=new_language,
                                                       description=new_description), "Territory saved.")  # fmt: skip


def group_edit_form(territory_id: uuid.UUID) -> None:
    with resources.session() as session:
        groups = group.list_groups(session=session, territory_id=territory_id)
    if groups.empty:
        return
    names = dict(zip(groups["id"], groups["name"], strict=True))
    profiles = dict(zip(groups["id"], groups["profile"], strict=True))
    group_id = st.selectbox("Edit group", list(names), format_func=names.__getitem__, key="setup.group_edit.id")
    with st.form("setup.group_edit"):
        name = st.text_input("New name", value=names[group_id], key=f"setup.group_edit.name.{group_id}")
        profile = st.text_area("Profile", value=profiles[group_id], key=f"setup.group_edit.profile.{group_id}")
        if st.form_submit_button("Save group"):
            _save(
                lambda s: group.update_group(session=s, group_id=group_id, name=name, profile=profile), "Group saved."
            )


def actor_form(territory_id: uuid.UUID) -> None:
    with st.form("setup.actor", clear_on_submit=True):
        name = st.text_input("Organisation or person", key="setup.actor.name")
        kind = st.selectbox("Type", list(actor.ACTOR_KIND_LABELS), format_func=actor.ACTOR_KIND_LABELS.__getitem__,
                            key="setup.actor.kind")  # fmt: skip
        contact = st.text_input("Role or contact", key="setup.actor.contact")
        if st.form_submit_button("Add actor"):
            _save(lambda s: actor.create_actor(session=s, territory_id=territory_id, name=name, kind=str(kind),
                                               contact=contact), "Actor added.")  # fmt: skip


def cycle_form(territory_id: uuid.UUID) -> None:
    with resources.session() as session:
        number = cycle.next_cycle_number(session=session, territory_id=territory_id)
    with st.form("setup.cycle", clear_on_submit=True):
        number_in = st.number_input("Cycle number", value=number, step=1, key="setup.cycle.number")
        today = dt.date.today()
        start = st.date_input("Start", value=today, key="setup.cycle.start")
        end = st.date_input("End", value=today + dt.timedelta(days=365), key="setup.cycle.end")
        if st.form_submit_button("Add cycle"):
            _save(lambda s: cycle.create_cycle(session=s, territory_id=territory_id, number=int(number_in),
                                               start=start, end=end), "Cycle added.")  # fmt: skip


def group_form(territory_id: uuid.UUID) -> None:
    with st.form("setup.group", clear_on_submit=True):
        name = st.text_input("Group name", key="setup.group.name", placeholder="e.g. Young people 16–24")
        profile = st.text_area("Profile: who is in this group?", key="setup.group.profile")
        if st.form_submit_button("Add group"):
            _save(lambda s: group.create_group(session=s, territory_id=territory_id, name=name, profile=profile),
                  "Group added.")  # fmt: skip


def meeting_form(territory_id: uuid.UUID, default_language: str) -> None:
    with resources.session() as session:
        groups = group.list_groups(session=session, territory_id=territory_id)
        cycles = cycle.list_cycles(session=session, territory_id=territory_id)
    if groups.empty or cycles.empty:
        st.info("Add at least one group and one cycle before recording a meeting.")
        return
    group_names = dict(zip(groups["id"], groups["name"], strict=True))
    cycle_names = {c: f"Cycle {n}" for c, n in zip(cycles["id"], cycles["number"], strict=True)}
    with st.form("setup.meeting", clear_on_submit=True):
        group_id = st.selectbox(
            "Group", list(group_names), format_func=group_names.__getitem__, key="setup.meeting.group"
        )
        cycle_id = st.selectbox(
            "Cycle", list(cycle_names), format_func=cycle_names.__getitem__, key="setup.meeting.cycle"
        )
        date = st.date_input("Date", key="setup.meeting.date")
        facilitator = st.text_input("Facilitator", key="setup.meeting.facilitator")
        participants = st.number_input("Participants", value=8, step=1, key="setup.meeting.participants")
        language = language_select("Language", "setup.meeting.language", default_language)
        if st.form_submit_button("Add meeting"):
            _save(lambda s: meeting.create_meeting(session=s, group_id=group_id, cycle_id=cycle_id, date=date,
                                                   facilitator=facilitator, participants=int(participants),
                                                   language=language), "Meeting recorded.")  # fmt: skip


def _save(write: object, message: str) -> None:
    with resources.session() as session:
        try:
            write(session)  # type: ignore[operator]
        except InvalidInput as error:
            widgets.show_problems(error)
            return
    st.success(message)
