"""The sidebar filters of the results pages; each widget owns its session-state key."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import streamlit as st

from spiral_app.core import comparison, cycle, group, results, territory
from spiral_app.core.results import ALL_QUESTIONS, ResultFilter
from spiral_app.ui import resources, state

ALL = "all"
LATEST = "latest"
QUESTION_CHOICES = {ALL: "All three questions", **{q: results.question_label(q) for q in ALL_QUESTIONS}}


def _keep(key: str, options: Sequence[str], default: str) -> None:
    """Reset *key* to *default* when its value is not among *options* (e.g. after changing territory)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def _keep_many(key: str, options: Sequence[str]) -> None:
    st.session_state[key] = [value for value in st.session_state.get(key, []) if value in options]


def _questions(key: str) -> tuple[str, ...]:
    _keep(key, list(QUESTION_CHOICES), ALL)
    chosen = st.sidebar.radio("Question", list(QUESTION_CHOICES), key=key, format_func=QUESTION_CHOICES.__getitem__)
    return ALL_QUESTIONS if chosen == ALL else (str(chosen),)


def confirmed_only() -> bool:
    """Return whether only confirmed codes count (suggestions count too when off)."""
    if state.RESULTS_CONFIRMED_ONLY not in st.session_state:
        st.session_state[state.RESULTS_CONFIRMED_ONLY] = True
    return bool(
        st.sidebar.toggle(
            "Confirmed only",
            key=state.RESULTS_CONFIRMED_ONLY,
            help="When off, criteria with a suggested component not yet confirmed count with their suggestion.",
        )
    )


def cycle_picker(territory_id: uuid.UUID, *, label: str = "Cycle", key: str = state.RESULTS_CYCLE) -> uuid.UUID | None:
    """Return the chosen cycle of the territory (the latest by default), or None if it has none."""
    with resources.session() as session:
        cycles = cycle.list_cycles(session=session, territory_id=territory_id)
    if cycles.empty:
        return None
    ids = [str(i) for i in cycles["id"]]
    labels = {
        str(i): f"Cycle {n} ({start:%Y})"
        for i, n, start in zip(cycles["id"], cycles["number"], cycles["start"], strict=True)
    }
    _keep(key, ids, ids[-1])
    return uuid.UUID(str(st.sidebar.selectbox(label, ids, key=key, format_func=labels.__getitem__)))


def dashboard_filters(territory_id: uuid.UUID, cycle_id: uuid.UUID) -> ResultFilter:
    """Show the dashboard's filters and return them."""
    with resources.session() as session:
        groups = group.list_groups(session=session, territory_id=territory_id)
        languages = results.list_languages(session=session, territory_id=territory_id)
    names = {str(i): str(n) for i, n in zip(groups["id"], groups["name"], strict=True)}
    _keep_many(state.RESULTS_GROUPS, list(names))
    chosen_groups = st.sidebar.multiselect(
        "Groups", list(names), key=state.RESULTS_GROUPS, format_func=names.__getitem__, placeholder="All groups"
    )
    questions = _questions(state.RESULTS_QUESTION)
    _keep_many(state.RESULTS_LANGUAGES, languages)
    chosen_languages = st.sidebar.multiselect(
        "Language", languages, key=state.RESULTS_LANGUAGES, placeholder="All languages"
    )
    return ResultFilter(
        territory_id,
        cycle_id,
        group_ids=tuple(uuid.UUID(g) for g in chosen_groups),
        questions=questions,
        languages=tuple(chosen_languages),
        confirmed_only=confirmed_only(),
    )


def group_picker(territory_id: uuid.UUID) -> uuid.UUID | None:
    """Return the group chosen for a synthesis, or None for the whole territory."""
    with resources.session() as session:
        groups = group.list_groups(session=session, territory_id=territory_id)
    names = {ALL: "The whole territory", **{str(i): str(n) for i, n in zip(groups["id"], groups["name"], strict=True)}}
    _keep(state.SYNTHESIS_GROUP, list(names), ALL)
    chosen = str(
        st.sidebar.selectbox("Synthesis of", list(names), key=state.SYNTHESIS_GROUP, format_func=names.__getitem__)
    )
    return None if chosen == ALL else uuid.UUID(chosen)


def territories_picker() -> tuple[list[uuid.UUID], int | None, tuple[str, ...]]:
    """Return the territories to compare, the cycle number (None: each one's latest) and the questions."""
    with resources.session() as session:
        territories = territory.list_territories(session=session)
        numbers = comparison.cycle_numbers(session=session, territory_ids=list(territories["id"]))
    names = {str(i): str(n) for i, n in zip(territories["id"], territories["name"], strict=True)}
    if state.COMPARE_TERRITORIES not in st.session_state:
        st.session_state[state.COMPARE_TERRITORIES] = list(names)[:6]
    _keep_many(state.COMPARE_TERRITORIES, list(names))
    chosen = st.sidebar.multiselect(
        "Territories", list(names), key=state.COMPARE_TERRITORIES, format_func=names.__getitem__
    )
    cycles = {LATEST: "Each one's latest cycle", **{str(n): f"Cycle {n}" for n in numbers}}
    _keep(state.COMPARE_CYCLE, list(cycles), LATEST)
    number = str(st.sidebar.selectbox("Cycle", list(cycles), key=state.COMPARE_CYCLE, format_func=cycles.__getitem__))
    questions = _questions(state.COMPARE_QUESTION)
    return [uuid.UUID(t) for t in chosen], None if number == LATEST else int(number), questions


def cycle_pair(territory_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID] | None:
    """Return (earlier, later) cycles of a territory to compare, by default its two latest; None if it has one."""
    with resources.session() as session:
        cycles = cycle.list_cycles(session=session, territory_id=territory_id)
    if len(cycles) < 2:
        return None
    ids = [str(i) for i in cycles["id"]]
    labels = {str(i): f"Cycle {n}" for i, n in zip(cycles["id"], cycles["number"], strict=True)}
    _keep(state.COMPARE_FROM_CYCLE, ids, ids[-2])
    _keep(state.COMPARE_TO_CYCLE, ids, ids[-1])
    left, right = st.columns(2)
    before = left.selectbox("From", ids, key=state.COMPARE_FROM_CYCLE, format_func=labels.__getitem__)
    after = right.selectbox("To", ids, key=state.COMPARE_TO_CYCLE, format_func=labels.__getitem__)
    return uuid.UUID(str(before)), uuid.UUID(str(after))
