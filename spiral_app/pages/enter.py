"""Enter criteria: type or paste a meeting's post-its, get a suggested code for each, correct them until decided."""

import streamlit as st

from spiral_app.core import codebook, criterion, review
from spiral_app.core.territory import get_territory
from spiral_app.ui import criteria_grid, flash, meeting_picker, resources, widgets

st.title("Enter criteria")
territory_id = widgets.require_territory()

with resources.session() as session:
    language = get_territory(session=session, territory_id=territory_id).language
chosen = meeting_picker.meeting_picker(territory_id, language)
if chosen is None:
    st.stop()

flash.show()
with resources.session() as session:
    sheet = criterion.meeting_sheet(session=session, meeting_id=chosen.id)
    progress = review.coding_progress(session=session, territory_id=territory_id, meeting_id=chosen.id)
    labels = review.component_choices(codebook.components_frame(session=session))

st.progress(progress.share, text=review.describe_progress(progress, "Coding of this meeting"))

with st.expander("Paste post-its", expanded=sheet.empty, icon=":material/content_paste:"):
    criteria_grid.paste_form(chosen)

st.subheader("Post-its of this meeting")
st.caption(
    "Add a row for each post-it, or change and delete rows until they are confirmed. "
    "Saving suggests a code for every new or changed post-it; confirm the codes in Coding review."
)
criteria_grid.editor(chosen, sheet)
criteria_grid.duplicates(sheet)
criteria_grid.locked(sheet, labels)
