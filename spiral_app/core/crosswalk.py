"""Crosswalks: how the codes of one codebook version carry over to the next one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import CodebookCrosswalk, CodebookEntry

MAPPING_COLUMNS = ["from_code", "to_code"]
EDGE_COLUMNS = ["from_version_id", "to_version_id", "from_code", "to_code"]
# Row 1 of a file is its header, so the first record is row 2, as a spreadsheet shows it.
FIRST_ROW = 2


def spreadsheet_rows(frame: pd.DataFrame | pd.Series) -> list[int]:
    """Return the spreadsheet row of each record: `index + 2` for a file's table, else its position + 2."""
    if pd.api.types.is_integer_dtype(frame.index.dtype):
        return [int(i) + FIRST_ROW for i in frame.index]
    return list(range(FIRST_ROW, len(frame) + FIRST_ROW))


@dataclass(frozen=True)
class Crosswalk:
    """The mapping of an old version's codes onto a new version, and the old codes left behind."""

    mapped: pd.DataFrame  # from_code, to_code, rule
    unmapped: list[str]


def build_crosswalk(
    old_codes: Iterable[str],
    new_codes: pd.Series,
    *,
    previous_codes: pd.Series | None = None,
    mapping: pd.DataFrame | None = None,
) -> Crosswalk:
    """Map every old code onto a new one, or raise naming each bad row.

    *previous_codes* is aligned on *new_codes*; rows are reported as `spreadsheet_rows` numbers them.
    A row of the mapping file wins over a `previous_code` given in the new codebook, which wins over
    keeping the same code, so that a code reused for another meaning can still be redirected.
    """
    old, new = {str(c) for c in old_codes}, set(new_codes.astype(str))
    problems: list[Problem] = []
    explicit = _read_mapping(mapping, old, new, problems) if mapping is not None else _empty()
    declared = _empty()
    if previous_codes is not None:
        declared = _read_previous_codes(previous_codes, new_codes, old, set(explicit["from_code"]), problems)
    if problems:
        raise InvalidInput(problems)
    kept = pd.DataFrame({"from_code": sorted(old & new)}).assign(to_code=lambda f: f["from_code"], rule="same code")
    mapped = (
        pd.concat([explicit, declared, kept], ignore_index=True)
        .drop_duplicates("from_code", keep="first")
        .sort_values("from_code", ignore_index=True)
    )
    return Crosswalk(mapped=mapped, unmapped=sorted(old - set(mapped["from_code"])))


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"from_code": [], "to_code": [], "rule": []}, dtype=str)


def _read_mapping(mapping: pd.DataFrame, old: set[str], new: set[str], problems: list[Problem]) -> pd.DataFrame:
    columns = {str(c).strip().lower(): c for c in mapping.columns}
    missing = [c for c in MAPPING_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem("crosswalk header", f"missing column(s): {', '.join(missing)}; expected from_code,to_code.")
        )
        return _empty()
    frame = pd.DataFrame({c: mapping[columns[c]].fillna("").astype(str).str.strip() for c in MAPPING_COLUMNS})
    frame["row"] = spreadsheet_rows(mapping)
    for field, known, version in (("from_code", old, "the current version"), ("to_code", new, "the new codebook")):
        for row, code in frame.loc[~frame[field].isin(known), ["row", field]].itertuples(index=False):
            message = "must not be empty." if not code else f"'{code}' is not a code of {version}."
            problems.append(Problem(field, message, row))
    first_row = frame.drop_duplicates("from_code").set_index("from_code")["row"]
    for row, code in frame.loc[
        frame["from_code"].duplicated() & (frame["from_code"] != ""), ["row", "from_code"]
    ].itertuples(index=False):
        problems.append(Problem("from_code", f"{code} is already mapped on row {first_row[code]}.", row))
    return frame[MAPPING_COLUMNS].assign(rule="crosswalk file")


def _read_previous_codes(
    previous_codes: pd.Series,
    new_codes: pd.Series,
    old: set[str],
    overridden: set[str],
    problems: list[Problem],
) -> pd.DataFrame:
    frame = pd.DataFrame({"from_code": previous_codes.astype(str).str.strip(), "to_code": new_codes.astype(str)})
    frame["row"] = spreadsheet_rows(previous_codes)
    frame = frame.loc[frame["from_code"] != ""]
    for row, code in frame.loc[~frame["from_code"].isin(old), ["row", "from_code"]].itertuples(index=False):
        problems.append(Problem("previous_code", f"'{code}' is not a code of the current version.", row))
    # An old code split into several new ones needs a decision: which one its criteria belong to now.
    clashes = frame.loc[frame["from_code"].duplicated(keep=False) & ~frame["from_code"].isin(overridden)]
    for code, rows in clashes.groupby("from_code")["row"]:
        listed = ", ".join(str(r) for r in rows)
        message = f"{code!s} is given as previous code on rows {listed}; map it to one code in a crosswalk file."
        problems.append(Problem("previous_code", message, int(rows.iloc[1])))
    return frame.loc[~frame["from_code"].isin(overridden), ["from_code", "to_code"]].assign(rule="previous_code")


def add_crosswalk(
    *, session: Session, from_version_id: uuid.UUID, to_version_id: uuid.UUID, crosswalk: Crosswalk
) -> None:
    """Stage the mapped codes in *session*; the caller commits with the version they belong to."""
    session.add_all(
        CodebookCrosswalk(from_version_id=from_version_id, to_version_id=to_version_id, from_code=f, to_code=t)
        for f, t in crosswalk.mapped[MAPPING_COLUMNS].itertuples(index=False)
    )


def crosswalk_edges(*, session: Session) -> pd.DataFrame:
    """Return every stored mapping between versions: from/to version ids and codes."""
    rows = session.exec(
        select(
            CodebookCrosswalk.from_version_id,
            CodebookCrosswalk.to_version_id,
            CodebookCrosswalk.from_code,
            CodebookCrosswalk.to_code,
        )
    ).all()
    return pd.DataFrame(rows, columns=EDGE_COLUMNS)


def lineage(edges: pd.DataFrame, version_id: uuid.UUID) -> list[uuid.UUID]:
    """Return *version_id* followed by the versions it was derived from, newest first."""
    parents = edges.drop_duplicates("to_version_id").set_index("to_version_id")["from_version_id"].to_dict()
    chain = [version_id]
    while chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    return chain


def translate(frame: pd.DataFrame, *, edges: pd.DataFrame, to_version_id: uuid.UUID) -> pd.DataFrame:
    """Return the rows of *frame* (with `version_id` and `code`) expressed in the codes of *to_version_id*.

    Rows of older versions follow the crosswalks one version at a time; rows whose code was left
    without a mapping, or of versions that do not lead to *to_version_id*, are dropped.
    """
    chain = lineage(edges, to_version_id)
    carried = frame.iloc[0:0]
    for older, newer in zip(reversed(chain[1:]), reversed(chain[:-1]), strict=True):
        carried = pd.concat([carried, frame.loc[frame["version_id"] == older]], ignore_index=True)
        step = edges.loc[edges["to_version_id"] == newer, ["from_code", "to_code"]]
        carried = (
            carried.merge(step, left_on="code", right_on="from_code")
            .drop(columns=["code", "from_code"])
            .rename(columns={"to_code": "code"})
        )
    current = frame.loc[frame["version_id"] == to_version_id]
    translated = pd.concat([carried, current], ignore_index=True)
    translated["version_id"] = pd.Series([to_version_id] * len(translated), index=translated.index, dtype=object)
    return translated[list(frame.columns)]


def crosswalk_table(*, session: Session, to_version_id: uuid.UUID) -> pd.DataFrame:
    """Return each code of the version before *to_version_id*, where it went (if anywhere) and both labels."""
    columns = ["from_code", "from_label", "to_code", "to_label", "changed"]
    previous = previous_version_id(session=session, version_id=to_version_id)
    if previous is None:
        return pd.DataFrame(columns=columns)
    old = _labels(session, previous).rename(columns={"code": "from_code", "label_en": "from_label"})
    new = _labels(session, to_version_id).rename(columns={"code": "to_code", "label_en": "to_label"})
    walk = session.exec(
        select(CodebookCrosswalk.from_code, CodebookCrosswalk.to_code).where(
            CodebookCrosswalk.to_version_id == to_version_id
        )
    ).all()
    table = old.merge(pd.DataFrame(walk, columns=MAPPING_COLUMNS), on="from_code", how="left")
    table = table.merge(new, on="to_code", how="left")
    table["changed"] = (table["from_code"] != table["to_code"]) | (table["from_label"] != table["to_label"])
    return table[columns].sort_values(["changed", "from_code"], ascending=[False, True], ignore_index=True)


def _labels(session: Session, version_id: uuid.UUID) -> pd.DataFrame:
    rows = session.exec(
        select(CodebookEntry.code, CodebookEntry.label_en).where(CodebookEntry.version_id == version_id)
    ).all()
    return pd.DataFrame(rows, columns=["code", "label_en"])


def previous_version_id(*, session: Session, version_id: uuid.UUID) -> uuid.UUID | None:
    """Return the version whose codes were carried over into *version_id*, if any."""
    return session.exec(
        select(CodebookCrosswalk.from_version_id).where(CodebookCrosswalk.to_version_id == version_id)
    ).first()
