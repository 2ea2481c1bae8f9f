"""The button that downloads the Excel report of the results a page shows."""

from __future__ import annotations

import uuid

import streamlit as st
from sqlmodel import Session

from spiral_app.core import report
from spiral_app.core.config import get_settings
from spiral_app.core.results import ResultFilter
from spiral_app.ui import resources


def download_button(filters: ResultFilter) -> None:
    """Offer the Excel report of *filters*; the workbook is only built when someone clicks."""
    engine = resources.get_engine()
    threshold = get_settings().small_group_threshold
    with resources.session() as session:
        file_name = report.report_filename(session=session, filters=filters)

    def build() -> bytes:
        # Streamlit calls this on a thread of its own, outside the page's run: it opens its own session.
        with Session(engine) as session:
            return report.xlsx_report(session=session, filters=filters, threshold=threshold)

    st.download_button(
        "Download the Excel report",
        build,
        file_name=file_name,
        mime=report.XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        help="Families, groups, components, every criterion and coding coverage for these filters, in one workbook; "
        "small groups are protected as on this page.",
    )


def synthesis_download_button(
    territory_id: uuid.UUID, cycle_id: uuid.UUID, group_id: uuid.UUID | None, *, confirmed_only: bool
) -> None:
    """Offer the Excel report of a synthesis: of one group, or of the whole territory when *group_id* is None."""
    group_ids = (group_id,) if group_id else ()
    download_button(ResultFilter(territory_id, cycle_id, group_ids=group_ids, confirmed_only=confirmed_only))
