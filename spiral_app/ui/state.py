"""Keys of st.session_state shared between pages; ids only, never ORM objects."""

TERRITORY_ID = "territory_id"
GROUP_ID = "group_id"
MEETING_ID = "meeting_id"
