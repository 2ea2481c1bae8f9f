"""One criterion under review: its text, the suggestion and alternatives, and the four decisions on it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from spiral_app.core import decision, review
from spiral_app.core.codebook import component_label
from spiral_app.core.config import get_settings
from spiral_app.core.criterion import LOCKED
from spiral_app.core.errors import InvalidInput
from spiral_app.core.models import CodingStatus
from spiral_app.core.text import escape_markdown
from spiral_app.ui import flash, resources, widgets


def run_decision(act: Callable[[Session], object], message: str) -> None:
    """Apply one decision; show its problems, or remember *message* and rerun on success."""
    with resources.session() as session:
        try:
            act(session)
        except InvalidInput as error:
            widgets.show_problems(error)
            return
    flash.remember(message)


def _suggestion(row: Any, components: pd.DataFrame) -> None:
    if row.suggested_code is None:
        st.markdown("**No suggestion**: the coder could not read this post-it. Choose a component below.")
        return
    label = escape_markdown(component_label(row.suggested_code, components))
    # Rounded as the stored alternatives are, so that both show the same percentage.
    st.markdown(f"**Suggested:** {label} · {round(row.confidence, 3):.0%} confident")
    if row.explanation:
        st.caption(escape_markdown(f"Because of: {row.explanation}"))
    if row.alternatives:
        st.caption(escape_markdown(f"Top 3: {review.describe_alternatives(row.alternatives, components)}"))


def review_card(row: Any, components: pd.DataFrame, choices: dict[str, str]) -> None:
    """Show one row of the review queue with its actions; *choices* maps codes to searchable labels."""
    settings, key, criterion_id = get_settings(), f"review.{row.id}", uuid.UUID(str(row.id))
    who = settings.user_name
    with st.container(border=True):
        st.caption(escape_markdown(review.meeting_caption(row.group, row.meeting_date, row.question)))
        st.text(row.text)
        if row.status == CodingStatus.CONFIRMED:
            st.markdown(f"**Confirmed as** {escape_markdown(component_label(row.component_code, components))}")
        elif row.status == CodingStatus.UNCLASSIFIABLE:
            st.markdown("**Marked unclassifiable**")
        _suggestion(row, components)
        reason = st.text_input("Reason (optional)", key=f"{key}.reason", max_chars=decision.MAX_REASON)
        confirm_column, other_column, reject_column = st.columns([1, 3, 1], vertical_alignment="bottom")
        other = other_column.selectbox(
            "Another component",
            list(choices),
            index=None,
            key=f"{key}.component",
            format_func=choices.__getitem__,
            placeholder="Type a code or a label…",
        )
        # A decided post-it is fixed: the hint is for the ones still awaiting a decision.
        invite_split = bool(row.needs_split) and row.status not in LOCKED
        if invite_split:
            st.caption("This post-it may hold several ideas: consider splitting it, one idea per post-it.")
        with st.expander("Split into several post-its", expanded=invite_split):
            parts = st.text_area("One post-it per line", value=row.text, key=f"{key}.parts")
            split = st.button("Split", key=f"{key}.split", icon=":material/call_split:")
    no_suggestion = row.suggested_code is None or row.status == CodingStatus.CONFIRMED
    if confirm_column.button("Confirm", key=f"{key}.confirm", type="primary", disabled=no_suggestion):
        run_decision(
            lambda s: decision.confirm(session=s, criterion_id=criterion_id, decided_by=who, reason=reason),
            "Confirmed.",
        )
    if other_column.button("Use this component", key=f"{key}.recode"):
        run_decision(
            lambda s: decision.recode(
                session=s, criterion_id=criterion_id, component_code=other, decided_by=who, reason=reason
            ),
            f"Confirmed as {other}.",
        )
    if reject_column.button("Unclassifiable", key=f"{key}.unclassifiable"):
        run_decision(
            lambda s: decision.mark_unclassifiable(session=s, criterion_id=criterion_id, decided_by=who, reason=reason),
            "Marked unclassifiable.",
        )
    if split:
        lines = parts.strip().splitlines()
        run_decision(
            lambda s: decision.split_criterion(
                session=s,
                criterion_id=criterion_id,
                parts=lines,
                coder=resources.get_coder(),
                decided_by=who,
                max_length=settings.max_text_length,
                reason=reason,
            ),
            f"Split into {len(lines)} post-its, each with its own suggestion.",
        )
