"""Codebook: the determination key's families and components, how to use it, its versions, and importing one."""

import streamlit as st

from spiral_app.ui import codebook_view, widgets

st.title("Codebook")
st.caption(
    "The determination key that assigns each criterion to a family and a component, "
    "with how many confirmed criteria each one holds."
)

territory_id = widgets.territory_picker()
version_id = codebook_view.version_picker()
if version_id is None:
    st.info("No codebook is loaded yet: it is loaded when Spiral first opens its database.")
    st.stop()
codebook_view.show_flash()

browse_tab, rules_tab, versions_tab, import_tab = st.tabs(
    ["Families and components", "How to assign a criterion", "Versions", "Import a codebook"]
)
with browse_tab:
    search, scope = st.columns([3, 1], vertical_alignment="bottom")
    query = search.text_input(
        "Search by code or label", key=codebook_view.SEARCH, placeholder="e.g. A03, housing, logement"
    )
    only_territory = scope.toggle(
        "Only the chosen territory", key=codebook_view.ONLY_TERRITORY, disabled=territory_id is None,
        help="Count and show only the criteria of the territory chosen in the sidebar.",
    )  # fmt: skip
    codebook_view.browse(version_id, territory_id if only_territory else None, query)
with rules_tab:
    st.markdown("How facilitators and groups decide which component a criterion belongs to:")
    st.markdown(codebook_view.RULES)
    st.markdown("Where coders most often hesitate between two components, Spiral follows these conventions:")
    st.markdown(codebook_view.BOUNDARIES)
with versions_tab:
    codebook_view.versions(version_id)
with import_tab:
    codebook_view.import_form(version_id)
