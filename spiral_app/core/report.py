"""The Excel report of a territory's results: the dashboard's and the synthesis's frames, one sheet each.

The workbook only lays out frames that `dashboard.build_dashboard` and `synthesis.build_synthesis` computed, so it
shows exactly what the pages show, small-group protection included. Every cell goes through `_cell`: characters
that XML forbids are dropped (openpyxl refuses them, and partners' names and post-its are pasted from anywhere) and
a text that starts like a formula is stored as text, so opening the report never runs anything. Each family keeps
its palette colour, always beside its letter and label, so that no meaning rests on colour alone.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from spiral_app.core import dashboard, group, results, synthesis
from spiral_app.core.dashboard import Dashboard
from spiral_app.core.models import Cycle, Territory, utcnow
from spiral_app.core.palette import family_colour
from spiral_app.core.results import ResultFilter
from spiral_app.core.synthesis import Synthesis
from spiral_app.core.text import fold_accents, neutralise_formula

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ("About", "Families", "Groups × families", "Ill-being", "Components", "Synthesis", "Coverage")
_HEADER_FILL = PatternFill("solid", fgColor="FFDDE7F0")
_SHARE = "0.0%"
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class _Table:
    """A frame laid out as a sheet: its column names are the headers people read."""

    frame: pd.DataFrame
    empty: str = ""  # said on the first row when the frame has none
    formats: Mapping[str, str] = field(default_factory=dict)
    families: Sequence[str] = ()  # each row's family letter, to colour it
    coloured: tuple[str, ...] = ()  # the columns that take the family colour; none: the whole row
    header_families: Mapping[str, str] = field(default_factory=dict)  # column -> family letter of its header
    notes: tuple[str, ...] = ()  # sentences under the table
    filtered: bool = True  # whether the header offers Excel's filter buttons


def xlsx_report(
    *, session: Session, filters: ResultFilter, threshold: int, generated: dt.datetime | None = None
) -> bytes:
    """Return the .xlsx report of a territory's results for *filters*, with small groups protected as on the pages."""
    board = dashboard.build_dashboard(session=session, filters=filters, threshold=threshold)
    voices = synthesis.build_synthesis(
        session=session,
        territory_id=filters.territory_id,
        cycle_id=filters.cycle_id,
        group_id=synthesis_group(filters),
        confirmed_only=filters.confirmed_only,
        threshold=threshold,
    )
    families, _ = results.codebook_labels(session=session)
    names = dict(zip(families["family"], families["family"] + " · " + families["family_label"], strict=True))
    about = _about(session, board, voices, generated or utcnow())
    tables = {
        "About": _Table(pd.DataFrame(about, columns=["Topic", "Details"]), filtered=False),
        "Families": _families(board),
        "Groups × families": _group_families(board),
        "Ill-being": _illbeing(board),
        "Components": _components(voices, names),
        "Synthesis": _voices(voices, names),
        "Coverage": _coverage(board),
    }
    workbook = openpyxl.Workbook()
    for title, table in tables.items():
        _write(workbook.create_sheet(title), table)
    workbook.remove(workbook.worksheets[0])  # the blank sheet every new workbook starts with
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def synthesis_group(filters: ResultFilter) -> uuid.UUID | None:
    """Return the group whose synthesis the report holds: the one group selected, or None for the territory.

    A synthesis covers one group or the whole territory, as on the Synthesis page; a language filter or several
    groups would need a synthesis no page shows, so the report keeps the territory's.
    """
    if len(filters.group_ids) == 1 and not filters.languages:
        return filters.group_ids[0]
    return None


def report_filename(*, session: Session, filters: ResultFilter) -> str:
    """Return a file name naming the territory and cycle, in plain ASCII so that every system accepts it."""
    territory = session.get(Territory, filters.territory_id)
    name = fold_accents(territory.name if territory else "territory")
    slug = re.sub(r"[^a-z0-9]+", "-", name).strip("-")[:60] or "territory"
    return f"spiral-report-{slug}-cycle-{results.cycle_number(session=session, cycle_id=filters.cycle_id)}.xlsx"


def _about(session: Session, board: Dashboard, voices: Synthesis, generated: dt.datetime) -> list[tuple[str, str]]:
    filters = board.filters
    territory = session.get(Territory, filters.territory_id)
    cycle = session.get(Cycle, filters.cycle_id)
    dates = f" ({cycle.start:%Y-%m-%d} to {cycle.end:%Y-%m-%d})" if cycle else ""
    groups = group.list_groups(session=session, territory_id=filters.territory_id)
    chosen = groups.loc[groups["id"].isin(filters.group_ids), "name"]
    counted = (
        "Only criteria whose component a facilitator confirmed count"
        if filters.confirmed_only
        else "Criteria count with their confirmed component or, until one is confirmed, the suggested one"
    )
    rows = [
        ("Report", "Spiral results report"),
        ("Territory", territory.name if territory else ""),
        ("Cycle", f"Cycle {board.cycle_number}{dates}"),
        ("Questions", ", ".join(results.question_label(q) for q in filters.questions)),
        ("Groups", ", ".join(chosen) if filters.group_ids else "All groups"),
        ("Languages", ", ".join(filters.languages) if filters.languages else "All languages"),
        ("What is counted", f"{counted}, each once, in that component and its family."),
        ("Criteria", f"{board.total} criteria match the filters; {board.counted} count in the families."),
        ("Small groups", board.note() or f"No group that met has fewer than {board.threshold} participants."),
        ("Generated", f"{generated.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"),
    ]
    if board.withheld:
        rows.append(("Left out", f"{board.withheld} criteria of small groups, which these filters would single out."))
    if message := board.empty_message():
        rows.append(("Nothing to chart", message))
    return rows + _sheet_guide(board, voices)


def _sheet_guide(board: Dashboard, voices: Synthesis) -> list[tuple[str, str]]:
    """Return what each sheet holds, one (sheet, description) row per sheet."""
    what, filters = board.what, board.filters
    scope = "All three questions side by side, whatever the question filter."
    if filters.languages or len(filters.group_ids) > 1:
        scope += " A synthesis covers one group or the whole territory, so the group and language filters do not apply."
    return [
        ("Families", f"Number and share of {what} criteria in each family, per question (each adds up to 100%)."),
        ("Groups × families", f"Share of each group's {what} criteria in each family (each group adds up to 100%)."),
        ("Ill-being", board.caption_illbeing()),
        ("Components", f"{voices.caption()} {scope}"),
        ("Synthesis", f"Every distinct criterion of each component, in the ranking's order (×n: n times). {scope}"),
        ("Coverage", board.caption_coverage()),
    ]  # fmt: skip


def _families(board: Dashboard) -> _Table:
    frame = board.families
    out = frame.drop_duplicates("family")[["family", "family_label"]].reset_index(drop=True)
    for question, label in frame.drop_duplicates("question")[["question", "question_label"]].itertuples(index=False):
        part = frame.loc[frame["question"] == question].set_index("family")
        out[f"{label}: criteria"] = out["family"].map(part["criteria"])
        out[f"{label}: share"] = out["family"].map(part["share"])
    shares = {column: _SHARE for column in out.columns if column.endswith(": share")}
    return _Table(
        out.rename(columns={"family": "Letter", "family_label": "Family"}),
        empty=board.empty_message() or "",
        formats=shares,
        families=list(out["family"]),
    )


def _group_families(board: Dashboard) -> _Table:
    frame = board.group_families
    if frame.empty:
        return _Table(pd.DataFrame(columns=["Group"]), empty=board.groups_empty_message(), notes=(board.note() or "",))
    columns = list(frame.drop_duplicates("family")["family_name"])
    out = frame.pivot(index="group", columns="family_name", values="share").reindex(
        index=pd.unique(frame["group"]), columns=columns
    )
    out.insert(0, "Criteria counted", frame.groupby("group")["criteria"].sum())
    out = out.rename_axis(index="Group", columns=None).reset_index()
    letters = dict(zip(frame["family_name"], frame["family"], strict=False))
    return _Table(
        out,
        formats=dict.fromkeys(columns, _SHARE),
        header_families={name: letters[name] for name in columns},
        notes=(board.note() or "",),
    )


def _illbeing(board: Dashboard) -> _Table:
    return _Table(
        board.illbeing_table(),
        empty=f"No {board.what} ill-being criteria with a component in this selection yet.",
        families=list(board.top_illbeing["family"].str[:1]),
        coloured=("Family",),
    )


def _components(voices: Synthesis, names: Mapping[str, str]) -> _Table:
    frame = voices.ranking.assign(family_name=voices.ranking["family"].map(lambda f: names.get(f, f)))
    out = frame[["rank", "code", "component", "family_name", "groups", *synthesis.QUESTIONS, "criteria"]].rename(
        columns={
            "rank": "Rank", "code": "Code", "component": "Component", "family_name": "Family",
            "groups": "Groups raising it", "criteria": "Criteria",
            **{q: results.question_label(q) for q in synthesis.QUESTIONS},
        }
    )  # fmt: skip
    return _Table(out, empty=voices.empty_message() or "", families=list(frame["family"]), coloured=("Code", "Family"))


def _voices(voices: Synthesis, names: Mapping[str, str]) -> _Table:
    ranking = voices.ranking.set_index("code")
    lines = voices.voices.assign(line=range(len(voices.voices)))
    frame = lines.melt(id_vars=["code", "line"], value_vars=synthesis.QUESTIONS, var_name="question")
    frame = frame.loc[frame["value"] != ""]
    frame = frame.assign(
        rank=frame["code"].map(ranking["rank"]),
        order=frame["question"].map(synthesis.QUESTIONS.index),
        family=frame["code"].str[:1],
    ).sort_values(["rank", "order", "line"])
    out = pd.DataFrame({
        "Rank": frame["rank"],
        "Code": frame["code"],
        "Component": frame["code"].map(ranking["component"]),
        "Family": frame["family"].map(lambda f: names.get(f, f)),
        "Question": frame["question"].map(results.question_label),
        "Criterion": frame["value"],
    })  # fmt: skip
    return _Table(out, empty=voices.empty_message() or "", families=list(frame["family"]), coloured=("Code", "Family"))


def _coverage(board: Dashboard) -> _Table:
    frame = board.coverage[["status_label", "criteria", "share", "counts_in_charts"]]
    out = frame.rename(
        columns={
            "status_label": "Coding status", "criteria": "Criteria", "share": "Share",
            "counts_in_charts": "Counted in the families",
        }
    )  # fmt: skip
    return _Table(out, formats={"Share": _SHARE})


def _cell(value: object) -> object:
    """Return *value* as openpyxl may store it: no illegal characters, no formula, plain Python numbers."""
    if isinstance(value, str):
        return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _family_style(family: str) -> tuple[PatternFill, Font]:
    colour = family_colour(family).lstrip("#").upper()
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Whichever of white or black text contrasts more with the fill (WCAG contrast ratio).
    white = 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05
    return PatternFill("solid", fgColor="FF" + colour), Font(bold=True, color="FFFFFFFF" if white else "FF000000")


def _write(sheet: Worksheet, table: _Table) -> None:
    frame = table.frame
    sheet.append([_cell(column) for column in frame.columns])
    for index, column in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        if column in table.header_families:
            cell.fill, cell.font = _family_style(table.header_families[column])
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for row in frame.itertuples(index=False):
        sheet.append([_cell(value) for value in row])
    if frame.empty and table.empty:
        sheet.append([_cell(table.empty)])
        sheet.cell(row=2, column=1).font = Font(italic=True)
    elif table.filtered and not frame.empty:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    _style_rows(sheet, table)
    for note in filter(None, table.notes):
        sheet.append([])
        sheet.append([_cell(note)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True)
    _size_columns(sheet, table)


def _style_rows(sheet: Worksheet, table: _Table) -> None:
    names = list(table.frame.columns)
    coloured = [names.index(name) + 1 for name in table.coloured] or range(1, len(names) + 1)
    formats = {names.index(name) + 1: number_format for name, number_format in table.formats.items()}
    for index, number_format in formats.items():
        for row in range(2, len(table.frame) + 2):
            sheet.cell(row=row, column=index).number_format = number_format
    for row, family in enumerate(table.families, start=2):
        fill, font = _family_style(family)
        for index in coloured:
            sheet.cell(row=row, column=index).fill = fill
            sheet.cell(row=row, column=index).font = font


def _size_columns(sheet: Worksheet, table: _Table) -> None:
    frame = table.frame
    for index, column in enumerate(frame.columns, start=1):
        if column in table.formats:
            longest = len("100.0%")
        elif pd.api.types.is_float_dtype(frame[column]):
            longest = len("0.00")
        else:
            longest = int(frame[column].astype(str).str.len().max()) if len(frame) else 0
        header = max(len(word) for word in str(column).split())  # long headers wrap, at word boundaries
        width = min(max(longest + 2, header + 2, _MIN_WIDTH, min(len(str(column)), 24)), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
        if longest > _MAX_WIDTH:
            # Long texts (post-its, quotes, notes) wrap inside a fixed width rather than run across the screen.
            for row in range(2, len(frame) + 2):
                sheet.cell(row=row, column=index).alignment = Alignment(wrap_text=True, vertical="top")
