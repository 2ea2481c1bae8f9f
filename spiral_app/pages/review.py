"""Coding review: confirm, correct, reject or split the suggested codes of the post-its, and undo any decision."""

import streamlit as st

from spiral_app.core import codebook, review
from spiral_app.ui import flash, resources, review_panel, widgets
from spiral_app.ui.review_card import review_card

st.title("Coding review")
territory_id = widgets.require_territory()

filters = review_panel.review_filters(territory_id)
flash.show()
review_panel.progress_bars(filters)

with resources.session() as session:
    queue = review.review_queue(session=session, filters=filters)
    components = codebook.components_frame(session=session)

if queue.empty:
    st.success("Nothing to review with these filters.", icon=":material/task_alt:")
else:
    review_panel.bulk_confirm(filters, queue)
    st.subheader(f"{review.how_many(len(queue), 'post-it')} to review")
    choices = review.component_choices(components)
    for row in review.page_of(queue, review_panel.page_number(queue), review_panel.PAGE_SIZE).itertuples():
        review_card(row, components, choices)
    with st.expander("The whole selection as a table"):
        st.dataframe(review.queue_table(queue, components), hide_index=True)

review_panel.undo_panel(territory_id)
