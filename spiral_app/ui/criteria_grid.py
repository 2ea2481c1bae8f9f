"""The post-its of one meeting: pasting many at once, the editable grid, and what is locked or doubled."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spiral_app.core import criterion, duplicate
from spiral_app.core.config import get_settings
from spiral_app.core.errors import InvalidInput
from spiral_app.core.models import Question
from spiral_app.core.territory import LANGUAGES
from spiral_app.ui import flash, forms, resources, state, widgets
from spiral_app.ui.meeting_picker import ChosenMeeting

QUESTIONS = [q.value for q in Question]


def _question_label(value: object) -> str:
    return criterion.QUESTION_LABELS[Question(str(value))]


def _version() -> int:
    # Saving bumps the version, so that the grid and the paste box start afresh on the saved data.
    return int(st.session_state.setdefault(state.ENTER_VERSION, 0))


def _saved(message: str) -> None:
    st.session_state[state.ENTER_VERSION] = _version() + 1
    flash.remember(message)


def paste_form(chosen: ChosenMeeting) -> None:
    """Add many post-its at once: one per line, all under the chosen question."""
    version = _version()
    st.caption("Save any changes made in the grid below before pasting: adding post-its reloads it.")
    with st.form("enter.paste"):
        question = st.selectbox("Question", QUESTIONS, format_func=_question_label, key="enter.paste.question")
        lines = st.text_area(
            "Post-its, one per line",
            height=180,
            key=f"enter.paste.lines.{chosen.id}.{version}",
            placeholder="Having friends nearby\nA job close to home",
        )
        language = forms.language_select("Language", f"enter.paste.language.{chosen.id}.{version}", chosen.language)
        if not st.form_submit_button("Add post-its", type="primary"):
            return
    # Streamlit resets an editor whose rows change: adding post-its now would throw away unsaved grid edits.
    if _has_unsaved_edits(_grid_key(chosen)):
        st.warning(
            "The grid below has changes that are not saved yet: save them first, then add the pasted post-its "
            "(they are kept in the box).",
            icon=":material/warning:",
        )
        return
    drafts = criterion.drafts_from_lines(lines, question=str(question), language=language)
    if not drafts:
        st.error("Paste at least one post-it: one line for each.", icon=":material/error:")
        return
    settings = get_settings()
    with resources.session() as session:
        try:
            count = criterion.save_criteria(
                session=session,
                meeting_id=chosen.id,
                drafts=drafts,
                coder=resources.get_coder(),
                max_length=settings.max_text_length,
            )
        except InvalidInput as error:
            widgets.show_problems(error)
            return
    _saved(f"Added {count} post-its with their suggested codes.")


def _grid_key(chosen: ChosenMeeting) -> str:
    return f"enter.grid.{chosen.id}.{_version()}"


def _has_unsaved_edits(key: str) -> bool:
    pending = st.session_state.get(key) or {}
    return any(pending.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))


def editor(chosen: ChosenMeeting, sheet: pd.DataFrame) -> None:
    """Show the meeting's open post-its in an editable grid; saving stores every change at once."""
    grid = criterion.grid_frame(sheet)
    edited = st.data_editor(
        grid,
        key=_grid_key(chosen),
        num_rows="dynamic",
        hide_index=True,
        column_order=["no", "question", "text", "language"],
        column_config={
            "no": st.column_config.NumberColumn("No.", disabled=True, width="small"),
            "question": st.column_config.SelectboxColumn("Question", options=QUESTIONS, format_func=_question_label),
            "text": st.column_config.TextColumn("Post-it", width="large", max_chars=get_settings().max_text_length),
            "language": st.column_config.SelectboxColumn("Language", options=LANGUAGES, default=chosen.language),
        },
    )
    if not st.button("Save changes", type="primary", key="enter.save"):
        return
    with resources.session() as session:
        try:
            changes = criterion.save_grid(
                session=session,
                meeting_id=chosen.id,
                grid=edited,
                coder=resources.get_coder(),
                max_length=get_settings().max_text_length,
                language=chosen.language,
            )
        except InvalidInput as error:
            widgets.show_problems(error)
            return
    _saved(f"Saved: {changes}.")


def locked(sheet: pd.DataFrame, component_labels: dict[str, str]) -> None:
    """Show the post-its a decision has fixed, read-only."""
    fixed = criterion.locked_frame(sheet, component_labels)
    if not fixed.empty:
        st.subheader("Decided post-its")
        st.caption("Confirmed or unclassifiable post-its cannot be edited here; undo the decision in Coding review.")
        st.dataframe(fixed, hide_index=True)


def duplicates(sheet: pd.DataFrame) -> None:
    """Warn about post-its that look like each other under the same question."""
    pairs = duplicate.flag_duplicates(sheet)
    if not pairs.empty:
        st.warning(f"{len(pairs)} possible duplicate(s): check whether each was really written twice.")
        st.dataframe(pairs, hide_index=True)
