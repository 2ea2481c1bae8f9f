"""A message that survives the rerun following a save, so people see what their click did."""

from __future__ import annotations

import streamlit as st

from spiral_app.core.text import escape_markdown
from spiral_app.ui import state


def remember(message: str) -> None:
    """Keep *message* to show on the next run, then rerun the page so it reads the saved data."""
    st.session_state[state.FLASH] = message
    st.rerun()


def show() -> None:
    """Show the remembered message once."""
    message = st.session_state.pop(state.FLASH, None)
    if message:
        st.success(escape_markdown(str(message)), icon=":material/check_circle:")
