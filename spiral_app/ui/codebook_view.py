"""The parts of the Codebook page: version choice, families and components, rules, versions and import."""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import streamlit as st

from spiral_app.core import codebook, crosswalk
from spiral_app.core.config import get_settings
from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.text import escape_markdown
from spiral_app.ui import resources, widgets

VERSION = "codebook.version"
SEARCH = "codebook.search"
ONLY_TERRITORY = "codebook.only_territory"
# Bumped after an import so that the file uploaders start empty again.
UPLOAD_ROUND = "codebook.upload_round"
FLASH = "codebook.flash"

RULES = """
1. **Read what is written.** Code the meaning anyone can take from the words alone: do not guess intentions,
   over-interpret, or add your own cultural references.
2. **Look for the purpose.** Ask what the criterion is finally about for well-being or ill-being: the goal sought,
   or the consequence it points to.
3. **See who is involved.** Who acts, and who or what is affected: the person who wrote it, other people,
   institutions, or society as a whole.
4. **Keep the question in mind.** Read the criterion as an answer to its question (well-being, ill-being, or what
   I do or could do); this matters most for the third question.
5. **Family first, then component.** With these four points, choose the closest family, then the component in it.
6. **In doubt, go general.** When the meaning is uncertain, choose the more general component, such as the family's
   "… in general" component (code ending in 00).
7. **One idea per criterion.** A post-it carrying several ideas is split into several criteria, each with its code.
8. **Same subject, same component.** Well-being and ill-being on the same subject share the component ("a warm,
   dry flat" and "damp in the children's bedroom" are both housing): the question carries whether it is good or bad.
"""

# The boundaries where coders were found to disagree most (a blind second coding of 7,605 criteria agreed on the
# family of 86 %), with the conventions Spiral's training corpus follows, so that people and the coder agree.
BOUNDARIES = """
- **What I do or could do:** code the domain the action is clearly about (voting C03, praying F06, keeping a
  budget A08); otherwise the H component (volunteering H01, helping H02, eco-gestures H03, listening H04, taking
  care of oneself H05, collective projects H06).
- **Home or money:** rent, bills and charges as costs A08; the home itself (size, damp, heating, finding a flat) A03;
  poverty in general A00.
- **Neighbours:** helping a neighbour H02; the relationship, greetings and quarrels D04; noise between neighbours
  D04, noise from traffic B01.
- **Worry:** everyday stress, worry and fear G02; depression, burn-out and addiction F02.
- **Help and rights:** social aid, allowances and home help A09; entitlement, legal status and justice C02;
  offices, forms and waiting at counters C01.
- **Work:** having a job and working conditions A06; relations with managers and colleagues C05.
- **Respect:** discrimination and inequality E01; feeling judged, despised or not recognised G03; incivility and
  rudeness in society E05.
- **Being alone:** loneliness and having someone to talk to D06; feeling useless or left out G04.
"""

_COMPONENT_COLUMNS: dict[str, Any] = {
    "code": st.column_config.TextColumn("Code", width="small"),
    "label_en": "Component",
    "label_fr": "Composante",
    "criteria": st.column_config.NumberColumn(
        "Criteria", format="%d", width="small", help="Confirmed criteria coded here"
    ),
    "examples": st.column_config.ListColumn("Examples", width="large"),
    "description_en": "Description",
    "description_fr": "Description (FR)",
}


def version_picker() -> uuid.UUID | None:
    """Show the version chooser, current version first selected, and return the chosen id."""
    with resources.session() as session:
        versions = codebook.list_versions(session=session)
    if versions.empty:
        return None
    ids = [str(i) for i in versions["id"]]
    names = {
        str(i): f"{n} (current)" if c else str(n)
        for i, n, c in versions[["id", "name", "is_current"]].itertuples(index=False)
    }
    current = ids[int(versions["is_current"].to_numpy().argmax())]
    if st.session_state.get(VERSION) not in ids:
        st.session_state[VERSION] = current
    chosen = st.selectbox("Codebook version", ids, format_func=names.__getitem__, key=VERSION)
    return uuid.UUID(str(chosen))


def show_flash() -> None:
    """Show the outcome of the import that led to this run, once."""
    flash = st.session_state.pop(FLASH, None)
    if not flash:
        return
    st.success(escape_markdown(flash["message"]), icon=":material/check_circle:")
    if flash["unmapped"]:
        codes = ", ".join(flash["unmapped"])
        st.warning(
            escape_markdown(
                f"{len(flash['unmapped'])} code(s) of the previous version have no match in the new one: {codes}. "
                "Criteria confirmed with them keep their code but are not counted under the new version."
            ),
            icon=":material/warning:",
        )


def browse(version_id: uuid.UUID, territory_id: uuid.UUID | None, query: str) -> None:
    """Show the families of a version, each with its components, counts and examples, filtered by *query*."""
    with resources.session() as session:
        components = codebook.component_overview(session=session, version_id=version_id, territory_id=territory_id)
        families = codebook.family_overview(codebook.families_frame(session=session, version_id=version_id), components)
    shown = codebook.search_components(components, query)
    left, middle, right = st.columns(3)
    left.metric("Families", len(families))
    middle.metric("Components", len(components))
    right.metric("Confirmed criteria", int(components["criteria"].sum()))
    if shown.empty:
        st.info("No component matches this search.")
        return
    for family in families.loc[families["code"].isin(shown["family"])].itertuples(index=False):
        label = f"{family.code} · {family.label_en} / {family.label_fr} — {family.criteria} criteria"
        with st.expander(escape_markdown(label), expanded=bool(query.strip())):
            if family.description_en or family.description_fr:
                st.text(f"{family.description_en}\n{family.description_fr}".strip())
            rows = shown.loc[shown["family"] == family.code, list(_COMPONENT_COLUMNS)]
            st.dataframe(rows, height="content", hide_index=True, column_config=_COMPONENT_COLUMNS)


def versions(version_id: uuid.UUID) -> None:
    """Show every version, and how the codes of the previous one carry over into the chosen one."""
    with resources.session() as session:
        listed = codebook.list_versions(session=session)
        table = crosswalk.crosswalk_table(session=session, to_version_id=version_id)
    st.dataframe(
        listed.drop(columns="id"),
        hide_index=True,
        column_config={"name": "Name", "source": "Source", "created_at": st.column_config.DatetimeColumn("Created"),
                       "is_current": "Current", "families": "Families", "components": "Components"},
    )  # fmt: skip
    if table.empty:
        st.caption("This version was loaded on its own: no codes were carried over into it.")
        return
    st.markdown("**How the previous version's codes carry over into this one**")
    st.caption(
        "Criteria keep the code they were confirmed with; counts and examples follow this crosswalk. "
        "A previous code with no new code is no longer counted."
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={"from_code": "Previous code", "from_label": "Previous label", "to_code": "New code",
                       "to_label": "New label", "changed": "Changed"},
    )  # fmt: skip


def import_form(version_id: uuid.UUID) -> None:
    """Upload a codebook (and optionally a crosswalk) and store it as the new current version."""
    with resources.session() as session:
        entries = codebook.entries_frame(session=session, version_id=version_id)
    st.download_button("Download this version as CSV", codebook.entries_csv(entries), "codebook.csv", "text/csv")
    st.caption(
        "Columns: code, family, label_en, label_fr, description_en, description_fr (source optional). "
        "Families have one-letter codes (A), components a letter and two digits (A03). Codes kept from the current "
        "version carry over; for a renumbered code add a previous_code column, or upload a crosswalk file."
    )
    round_ = st.session_state.setdefault(UPLOAD_ROUND, 0)
    upload = st.file_uploader("Codebook (CSV or XLSX)", type=["csv", "xlsx"], key=f"codebook.file.{round_}")
    mapping = st.file_uploader(
        "Crosswalk (optional CSV: from_code,to_code)", type=["csv"], key=f"codebook.map.{round_}"
    )
    name = st.text_input("Version name", max_chars=200, key=f"codebook.name.{round_}")
    source = st.text_input("Source: where this codebook comes from", max_chars=500, key=f"codebook.source.{round_}")
    if not st.button("Import as the new current version", type="primary"):
        return
    if upload is None:
        st.error("Choose a codebook file first.")
        return
    try:
        result = _import(name, source, upload.name, upload.getvalue(), None if mapping is None else mapping.getvalue())
    except InvalidInput as error:
        st.error("Nothing was imported. Fix these problems and upload the file again:", icon=":material/block:")
        widgets.show_problems(error)
        return
    st.session_state[FLASH] = {
        "message": f"'{name.strip()}' is now the current codebook; {result.mapped} code(s) carried over.",
        "unmapped": result.unmapped,
    }
    st.session_state[UPLOAD_ROUND] = round_ + 1
    st.session_state.pop(VERSION, None)
    st.rerun()


def _import(name: str, source: str, filename: str, data: bytes, mapping: bytes | None) -> codebook.ImportResult:
    max_bytes = int(get_settings().max_upload_mb * 2**20)
    problems: list[Problem] = []
    frame = _read("codebook file", data, filename, max_bytes, problems)
    walk = None if mapping is None else _read("crosswalk file", mapping, "crosswalk.csv", max_bytes, problems)
    if frame is None or problems:
        raise InvalidInput(problems)
    with resources.session() as session:
        return codebook.import_version(session=session, name=name, frame=frame, source=source.strip(), mapping=walk)


def _read(what: str, data: bytes, filename: str, max_bytes: int, problems: list[Problem]) -> pd.DataFrame | None:
    try:
        return codebook.read_upload(filename, data, max_bytes=max_bytes)
    except InvalidInput as error:
        problems += [Problem(what if p.field == "File" else p.field, p.message, p.row) for p in error.problems]
        return None
