"""The Import page's pieces: templates, the upload, the validation report and the import summary."""

from __future__ import annotations

import math
import uuid

import streamlit as st

from spiral_app.core import group, importing, template, upload
from spiral_app.core.config import get_settings
from spiral_app.core.errors import InvalidInput
from spiral_app.core.text import escape_markdown
from spiral_app.ui import resources

ROUND = "import.round"  # part of the uploader's key: a new round empties it once a file is imported
SUMMARY = "import.summary"
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xltx", "xlsm", "xltm", "xls"]  # refused ones get Spiral's explanation
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_COUNTS = {
    "group": "Group", "wellbeing": "Well-being", "illbeing": "Ill-being", "action": "What I do / could do",
    "total": "Total", "suggested": "Suggested",
}  # fmt: skip
_COLUMNS = {
    "row": st.column_config.NumberColumn("Row", format="%d", width="small"),
    "column": st.column_config.TextColumn("Column", width="small"),
    "problem": st.column_config.TextColumn("Problem", width="large"),
}


def template_buttons(territory_id: uuid.UUID) -> None:
    """Offer the Excel and CSV templates, the Excel one listing this territory's groups."""
    with resources.session() as session:
        names = group.list_groups(session=session, territory_id=territory_id)["name"].tolist()
    max_length = get_settings().max_text_length
    for heading, text in template.instructions(groups=names, max_text_length=max_length)[1:]:
        st.markdown(f"- **{escape_markdown(heading)}**: {escape_markdown(text)}")
    left, right = st.columns(2)
    left.download_button(
        "Excel template", template.xlsx_template(groups=names, max_text_length=max_length),
        file_name="spiral-import.xlsx", mime=XLSX_MIME, icon=":material/download:",
    )  # fmt: skip
    right.download_button(
        "CSV template", template.csv_template(), file_name="spiral-import.csv", mime="text/csv",
        icon=":material/download:",
    )  # fmt: skip


def uploaded_file() -> tuple[str, bytes] | None:
    """Show the uploader and return the chosen file's name and bytes."""
    round_number = st.session_state.setdefault(ROUND, 0)
    file = st.file_uploader(
        "Upload a CSV or Excel file", type=UPLOAD_TYPES, key=f"import.file.{round_number}",
        max_upload_size=math.ceil(get_settings().max_upload_mb),
    )  # fmt: skip
    if file is None:
        return None
    st.session_state.pop(SUMMARY, None)
    return file.name, file.getvalue()


def _read(name: str, content: bytes) -> upload.Table:
    return upload.read_upload(name, content, max_bytes=int(get_settings().max_upload_mb * 2**20))


def check(territory_id: uuid.UUID, name: str, content: bytes) -> importing.ImportPlan | None:
    """Return the plan to import the file, or show the validation report and return None."""
    try:
        table = _read(name, content)
        with resources.session() as session:
            return importing.check_import(
                session=session, territory_id=territory_id, table=table, max_text_length=get_settings().max_text_length
            )
    except InvalidInput as error:
        show_report(error)
        return None


def show_report(error: InvalidInput) -> None:
    """Show every problem of a refused file, by row and column."""
    count = len(error.problems)
    st.error(
        f"The file was not imported: {count} problem{'s' if count != 1 else ''} to fix. Nothing was written; "
        "correct the file and upload it again.",
        icon=":material/error:",
    )
    st.dataframe(importing.report_frame(error), hide_index=True, column_config=_COLUMNS)


def show_plan(plan: importing.ImportPlan) -> None:
    """Show what the import will write: criteria per group and question, and their meetings."""
    st.success(f"{len(plan.frame)} criteria are ready to import ({escape_markdown(plan.source)}).")
    st.dataframe(plan.counts(), hide_index=True, column_config=_COUNTS)
    st.dataframe(
        plan.meetings(), hide_index=True,
        column_config={"group": "Group", "date": "Meeting", "new": "New meeting", "criteria": "Criteria"},
    )  # fmt: skip


def run_import(territory_id: uuid.UUID, name: str, content: bytes) -> None:
    """Import the file in one transaction, keep its summary, and empty the uploader."""
    # Checked again in the writing session: the database may have changed since the preview.
    try:
        table = _read(name, content)
        with resources.session() as session:
            summary = importing.import_table(
                session=session, territory_id=territory_id, table=table, coder=resources.get_coder(),
                max_text_length=get_settings().max_text_length,
            )  # fmt: skip
    except InvalidInput as error:
        show_report(error)
        return
    st.session_state[SUMMARY] = {
        "criteria": summary.criteria, "new_meetings": summary.new_meetings, "suggestions": summary.suggestions,
        "counts": summary.counts, "suggested": summary.suggested,
    }  # fmt: skip
    st.session_state[ROUND] += 1
    st.rerun()


def show_summary() -> None:
    """Show the summary of the import just made, if any."""
    summary = st.session_state.get(SUMMARY)
    if summary is None:
        return
    st.success(
        f"Imported {summary['criteria']} criteria ({_count(summary['new_meetings'], 'new meeting')}); "
        f"the coder suggested a component for {summary['suggestions']}, for a person to confirm.",
        icon=":material/task_alt:",
    )
    st.dataframe(summary["counts"], hide_index=True, column_config=_COUNTS)
    with st.expander("Suggested components"):
        st.dataframe(
            summary["suggested"], hide_index=True,
            column_config={"confidence": st.column_config.ProgressColumn("Confidence", min_value=0, max_value=1)},
        )  # fmt: skip


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"
