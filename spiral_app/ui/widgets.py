"""Small widgets shared by pages; each owns its session-state key."""

from __future__ import annotations

import uuid

import streamlit as st

from spiral_app.core.errors import InvalidInput
from spiral_app.core.territory import list_territories
from spiral_app.core.text import escape_markdown
from spiral_app.ui import resources, state


def territory_picker() -> uuid.UUID | None:
    """Show the territory chooser in the sidebar and return the chosen territory's id."""
    with resources.session() as session:
        territories = list_territories(session=session)
    if territories.empty:
        return None
    ids = [str(i) for i in territories["id"]]
    names = dict(zip(ids, territories["name"], strict=True))
    current = st.session_state.get(state.TERRITORY_ID)
    chosen = st.sidebar.selectbox(
        "Territory", ids, index=ids.index(current) if current in ids else 0, format_func=names.__getitem__
    )
    st.session_state[state.TERRITORY_ID] = chosen
    return uuid.UUID(chosen)


def require_territory() -> uuid.UUID:
    """Return the chosen territory's id, or explain how to create one and stop the page."""
    territory_id = territory_picker()
    if territory_id is None:
        st.info("No territory yet. Create one in **Territory setup**, or load the demo with `spiral demo`.")
        st.stop()
    return territory_id


def show_problems(error: InvalidInput) -> None:
    """Show each problem of a refused input as its own error line."""
    for problem in error.problems:
        st.error(escape_markdown(str(problem)), icon=":material/error:")
