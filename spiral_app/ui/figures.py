"""Drawing a chart with its caption, the one way every results page does it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from spiral_app.core.text import escape_markdown


def draw(figure: Any, caption: str) -> None:
    """Draw a Plotly *figure* full width, with the caption that says what it counts."""
    st.plotly_chart(figure, config={"displaylogo": False})
    st.caption(escape_markdown(caption))
