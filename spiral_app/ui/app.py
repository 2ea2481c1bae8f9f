"""Spiral's Streamlit entrypoint: the frame around every page.

It lives in ui/, not beside pages/: Streamlit treats a `pages/` folder next to the entrypoint as the legacy
multi-page app, and a URL such as /dashboard would then run that page without this navigation.
"""

import streamlit as st

from spiral_app.ui.navigation import PAGES

st.set_page_config(page_title="Spiral", page_icon=":material/cyclone:", layout="wide")

sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.path.stem)
    )
st.navigation(sections).run()
