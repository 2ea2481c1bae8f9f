"""Import: the post-its of several meetings from one spreadsheet, checked in full before anything is written."""

import streamlit as st

from spiral_app.core.territory import get_territory
from spiral_app.core.text import escape_markdown
from spiral_app.ui import importer, resources, widgets

st.title("Import criteria")
st.caption(
    "Typed the post-its of your meetings into a spreadsheet? Upload it here: Spiral checks every row first, "
    "and imports all of them or none."
)

territory_id = widgets.require_territory()
with resources.session() as session:
    name = get_territory(session=session, territory_id=territory_id).name
st.header(escape_markdown(name))

with st.expander("Templates, and what to write in each column"):
    importer.template_buttons(territory_id)
importer.show_summary()

uploaded = importer.uploaded_file()
if uploaded is None:
    st.stop()
file_name, content = uploaded
plan = importer.check(territory_id, file_name, content)
if plan is None:
    st.stop()
importer.show_plan(plan)
if st.button(f"Import {len(plan.frame)} criteria", type="primary", icon=":material/upload_file:"):
    importer.run_import(territory_id, file_name, content)
