"""The frame of Coding review: filters, progress, bulk confirmation, paging and undo."""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from spiral_app.core import codebook, decision, group, meeting, review
from spiral_app.core.config import get_settings
from spiral_app.core.criterion import QUESTION_LABELS
from spiral_app.core.models import CodingStatus, Question
from spiral_app.ui import resources, state
from spiral_app.ui.meeting_picker import keep_choice
from spiral_app.ui.review_card import run_decision

ALL = "all"
PAGE_SIZE = 10
# Plain dicts rather than lambdas as format functions: AppTest pickles them into the session state.
QUESTION_CHOICES = {q.value: QUESTION_LABELS[q] for q in Question}
STATUS_CHOICES = {s.value: review.STATUS_LABELS[s] for s in CodingStatus}


def _choice(label: str, options: dict[str, str], key: str, shared: str) -> uuid.UUID | None:
    """Return the chosen id of a sidebar selectbox that starts from, and updates, a choice shared between pages."""
    keep_choice(key, list(options), st.session_state.get(shared), ALL)
    chosen = str(st.sidebar.selectbox(label, list(options), key=key, format_func=options.__getitem__))
    if chosen == ALL:
        return None
    st.session_state[shared] = chosen
    return uuid.UUID(chosen)


def review_filters(territory_id: uuid.UUID) -> review.ReviewFilter:
    """Show the queue's filters in the sidebar and return them."""
    with resources.session() as session:
        groups = group.list_groups(session=session, territory_id=territory_id)
        meetings = meeting.list_meetings(session=session, territory_id=territory_id)
        families = codebook.families_frame(session=session)
    group_id = _choice(
        "Group",
        {ALL: "All groups", **dict(zip(groups["id"].astype(str), groups["name"], strict=True))},
        state.REVIEW_GROUP,
        state.GROUP_ID,
    )
    if group_id is not None:
        meetings = meetings.loc[meetings["group_id"] == group_id]
    labels = {
        str(m): f"{g} · {d:%d %b %Y}"
        for m, g, d in zip(meetings["id"], meetings["group"], meetings["date"], strict=True)
    }
    meeting_id = _choice("Meeting", {ALL: "All meetings", **labels}, state.REVIEW_MEETING, state.MEETING_ID)
    if meeting_id is not None:
        group_id = uuid.UUID(str(meetings.loc[meetings["id"].astype(str) == str(meeting_id), "group_id"].iloc[0]))
    family_labels = dict(zip(families["code"], families["code"] + " " + families["label_en"], strict=True))
    sidebar = st.sidebar
    questions = sidebar.multiselect(
        "Questions",
        list(QUESTION_CHOICES),
        key="review.questions",
        format_func=QUESTION_CHOICES.__getitem__,
        placeholder="All three",
    )
    chosen_families = sidebar.multiselect(
        "Families",
        list(family_labels),
        key="review.families",
        format_func=family_labels.__getitem__,
        placeholder="All families",
    )
    low, high = sidebar.slider("Confidence", 0.0, 1.0, (0.0, 1.0), 0.05, key="review.confidence", format="percent")
    statuses = sidebar.multiselect(
        "Status",
        list(STATUS_CHOICES),
        default=list(review.TO_REVIEW),
        key="review.statuses",
        format_func=STATUS_CHOICES.__getitem__,
        placeholder="Any status",
    )
    return review.ReviewFilter(
        territory_id, group_id, meeting_id, tuple(questions), tuple(chosen_families), tuple(statuses), low, high
    )


def progress_bars(filters: review.ReviewFilter) -> None:
    """Show how much of the chosen meeting and group, or of the territory, people have decided."""
    scopes = []
    if filters.meeting_id is not None:
        scopes.append(("This meeting", {"meeting_id": filters.meeting_id}))
    if filters.group_id is not None:
        scopes.append(("This group", {"group_id": filters.group_id}))
    scopes = scopes or [("The territory", {})]
    with resources.session() as session:
        for what, scope in scopes:
            progress = review.coding_progress(session=session, territory_id=filters.territory_id, **scope)
            st.progress(progress.share, text=review.describe_progress(progress, what))


def bulk_confirm(filters: review.ReviewFilter, queue: pd.DataFrame) -> None:
    """Confirm at once every suggestion of the filtered queue at or above a chosen confidence."""
    with st.container(border=True):
        threshold = st.slider(
            "Confirm every suggestion shown with a confidence of at least",
            0.0,
            1.0,
            # Confidences are calibrated: on the held-out split, 94 % of the suggestions at 0.9 or more are
            # right, and 91 % at 0.8; a wrong code confirmed in bulk is costlier than one more click.
            0.9,
            0.05,
            key="review.bulk.threshold",
            format="percent",
        )
        count = review.count_confirmable(queue, threshold)
        suggestions = review.how_many(count, "suggestion")
        if st.button(f"Confirm {suggestions}", key="review.bulk.confirm", disabled=count == 0):
            who = get_settings().user_name
            run_decision(
                lambda s: decision.bulk_confirm(session=s, filters=filters, threshold=threshold, decided_by=who),
                f"Confirmed {suggestions} at {threshold:.0%} or more. Undo below if needed.",
            )


def page_number(queue: pd.DataFrame) -> int:
    """Return the page of the queue to show, asking only when there are several."""
    pages = review.page_count(queue, PAGE_SIZE)
    if pages == 1:
        return 1
    return int(st.selectbox(f"Page (of {pages}; {PAGE_SIZE} post-its each)", range(1, pages + 1)))


def undo_panel(territory_id: uuid.UUID) -> None:
    """List the latest decisions still in force and undo the one chosen."""
    with resources.session() as session:
        recent = decision.recent_decisions(session=session, territory_id=territory_id)
    st.subheader("Recent decisions")
    if recent.empty:
        st.caption("No decision yet.")
        return
    lines = dict(zip(recent["batch_id"].astype(str), decision.describe_decisions(recent), strict=True))
    when = recent["decided_at"].dt.strftime("%d %b %H:%M UTC")
    st.dataframe(
        pd.DataFrame({"When": when, "Who": recent["decided_by"], "Decision": list(lines.values())}), hide_index=True
    )
    # Keyed by the newest decision, so that the choice starts again from the latest one after each decision.
    newest = next(iter(lines))
    chosen = st.selectbox(
        "Decision to undo", list(lines), format_func=lines.__getitem__, key=f"review.undo_choice.{newest}"
    )
    if st.button("Undo", key="review.undo", icon=":material/undo:"):
        who = get_settings().user_name
        run_decision(lambda s: decision.undo(session=s, batch_id=uuid.UUID(str(chosen)), undone_by=who), "Undone.")
