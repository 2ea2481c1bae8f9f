"""Codebooks: versioned determination keys of families and components."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from spiral_app.core import crosswalk, upload
from spiral_app.core.errors import InvalidInput, Problem, require_text
from spiral_app.core.models import CodebookEntry, CodebookVersion, CodingStatus, Criterion, Group, Meeting
from spiral_app.core.text import fold_accents, neutralise_formula

DEFAULT_VERSION_NAME = "SPIRAL key, Spiral edition 2026"
COLUMNS = ["code", "family", "label_en", "label_fr", "description_en", "description_fr"]
_FAMILY_CODE = re.compile(r"^[A-Z]$")
_COMPONENT_CODE = re.compile(r"^[A-Z]\d{2}$")
# The column sizes of CodebookEntry: PostgreSQL would refuse longer text with a message nobody could act on.
_MAX_LENGTHS = {"label_en": 200, "label_fr": 200, "description_en": 1000, "description_fr": 1000, "source": 200}


def validate_codebook(frame: pd.DataFrame) -> pd.DataFrame:
    """Return *frame* cleaned, or raise listing every row that is not a valid family or component."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem("header", f"missing column(s): {', '.join(missing)}.")])
    frame = frame.fillna("").astype(str).apply(lambda column: column.str.strip())
    if "source" not in frame.columns:
        frame["source"] = ""
    if frame.empty:
        raise InvalidInput([Problem("codebook", "has no rows: give its families and components below the header.")])
    problems: list[Problem] = []
    families = set(frame.loc[frame["code"].str.fullmatch(_FAMILY_CODE.pattern), "code"])
    first_rows: dict[str, int] = {}
    for row, entry in zip(crosswalk.spreadsheet_rows(frame), frame.itertuples(index=False), strict=True):
        code, family = str(entry.code), str(entry.family)
        if not code:
            problems.append(Problem("code", "must not be empty.", row))
        elif not (_FAMILY_CODE.match(code) or _COMPONENT_CODE.match(code)):
            problems.append(Problem("code", f"'{code}' is neither a family letter nor a code like A03.", row))
        elif code[0] != family:
            problems.append(Problem("family", f"code {code} must belong to family {code[0]}, not '{family}'.", row))
        elif family not in families:
            problems.append(Problem("family", f"family {family} has no row of its own with its labels.", row))
        if code in first_rows:
            problems.append(Problem("code", f"{code} appears more than once (first on row {first_rows[code]}).", row))
        elif code:
            first_rows[code] = row
        for field in ("label_en", "label_fr"):
            if not getattr(entry, field):
                problems.append(Problem(field, "must not be empty.", row))
        for field, limit in _MAX_LENGTHS.items():
            if len(str(getattr(entry, field))) > limit:
                problems.append(
                    Problem(field, f"is {len(str(getattr(entry, field)))} characters long; the limit is {limit}.", row)
                )
    if not problems and len(families) == len(frame):
        problems.append(Problem("codebook", "has families but no components."))
    if problems:
        raise InvalidInput(problems)
    return frame[[*COLUMNS, "source"]]


def read_codebook_csv(path: Path) -> pd.DataFrame:
    """Read and validate a codebook file in Spiral's CSV layout."""
    return validate_codebook(pd.read_csv(path, dtype=str, keep_default_na=False))


def create_version(
    *, session: Session, name: str, frame: pd.DataFrame, source: str = "", make_current: bool = True
) -> uuid.UUID:
    """Store a validated codebook *frame* as a new version and return its id."""
    frame = validate_codebook(frame)
    name = _check_version_name(session, name)
    try:
        version_id = _add_version(session, name=name, frame=frame, source=source, make_current=make_current)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return version_id


def _check_version_name(session: Session, name: str) -> str:
    name = require_text(name, "Version name")
    if session.exec(select(CodebookVersion.id).where(CodebookVersion.name == name)).first() is not None:
        raise InvalidInput([Problem("Version name", f"a codebook version called '{name}' already exists.")])
    return name


def _add_version(session: Session, *, name: str, frame: pd.DataFrame, source: str, make_current: bool) -> uuid.UUID:
    """Stage a version and its entries in *session*; the caller commits or rolls back."""
    if make_current:
        session.exec(update(CodebookVersion).where(col(CodebookVersion.is_current)).values(is_current=False))
    version = CodebookVersion(name=name, source=source[:500], is_current=make_current)
    session.add(version)
    # Without relationships the unit of work does not order inserts by foreign key: flush parents first.
    session.flush()
    session.add_all(
        CodebookEntry.model_validate({**record, "version_id": version.id}) for record in frame.to_dict("records")
    )
    session.flush()
    return version.id


def ensure_default_codebook(*, session: Session, data_dir: Path) -> uuid.UUID:
    """Load the default codebook on first start and return the current version's id."""
    current = current_version_id(session=session)
    if current is not None:
        return current
    frame = read_codebook_csv(data_dir / "codebook.csv")
    return create_version(
        session=session, name=DEFAULT_VERSION_NAME, frame=frame, source="data/codebook.csv", make_current=True
    )


def current_version_id(*, session: Session) -> uuid.UUID | None:
    """Return the id of the codebook version in use, if any is loaded."""
    return session.exec(select(CodebookVersion.id).where(CodebookVersion.is_current)).first()


def entries_frame(*, session: Session, version_id: uuid.UUID | None = None) -> pd.DataFrame:
    """Return every family and component of a version (the current one by default)."""
    version_id = version_id or current_version_id(session=session)
    rows = session.exec(
        select(CodebookEntry).where(CodebookEntry.version_id == version_id).order_by(CodebookEntry.code)
    ).all()
    return pd.DataFrame([r.model_dump(include={*COLUMNS, "source"}) for r in rows], columns=[*COLUMNS, "source"])


def components_frame(*, session: Session, version_id: uuid.UUID | None = None) -> pd.DataFrame:
    """Return the components of a version with their family's labels beside them."""
    return split_entries(entries_frame(session=session, version_id=version_id))


def split_entries(entries: pd.DataFrame) -> pd.DataFrame:
    """Return the component rows of *entries*, joined with their family's labels."""
    is_family = entries["code"].str.len() == 1
    families = entries.loc[is_family, ["code", "label_en", "label_fr"]].rename(
        columns={"code": "family", "label_en": "family_label_en", "label_fr": "family_label_fr"}
    )
    return entries.loc[~is_family].merge(families, on="family", how="left").reset_index(drop=True)


def families_frame(*, session: Session, version_id: uuid.UUID | None = None) -> pd.DataFrame:
    """Return the families of a version: code and labels."""
    entries = entries_frame(session=session, version_id=version_id)
    return entries.loc[entries["code"].str.len() == 1].reset_index(drop=True)


def component_label(code: str | None, components: pd.DataFrame, *, language: str = "en") -> str:
    """Return 'A03 Housing and furniture' for *code*, or the code alone if unknown."""
    if not code:
        return "—"
    match = components.loc[components["code"] == code, f"label_{'fr' if language == 'fr' else 'en'}"]
    return f"{code} {match.iloc[0]}" if not match.empty else code


def list_versions(*, session: Session) -> pd.DataFrame:
    """Return every codebook version, newest first, with its number of families and components."""
    is_family = func.length(CodebookEntry.code) == 1
    columns: list[Any] = [
        CodebookVersion.id,
        CodebookVersion.name,
        CodebookVersion.source,
        CodebookVersion.created_at,
        CodebookVersion.is_current,
        func.coalesce(func.sum(case((is_family, 1), else_=0)), 0),
        func.coalesce(func.sum(case((is_family, 0), else_=1)), 0),
    ]
    statement = (
        select(*columns)
        .join(CodebookEntry, col(CodebookEntry.version_id) == col(CodebookVersion.id))
        .group_by(col(CodebookVersion.id))
        .order_by(col(CodebookVersion.created_at).desc())
    )
    names = ["id", "name", "source", "created_at", "is_current", "families", "components"]
    return pd.DataFrame(session.exec(statement).all(), columns=names).astype(
        {"families": "int64", "components": "int64"}
    )


def read_upload(name: str, content: bytes, *, max_bytes: int) -> pd.DataFrame:
    """Return an uploaded CSV or XLSX table as text columns indexed so that `index + 2` is its spreadsheet row.

    Raise if the file cannot be read, or holds cells Spiral will not take (formulas, bytes that are not text).
    """
    table = upload.read_upload(name, content, max_bytes=max_bytes)
    if table.problems:
        raise InvalidInput(table.problems)
    columns = [column.strip().lower() for column in table.columns]
    index = pd.Index([number - crosswalk.FIRST_ROW for number in table.row_numbers], dtype="int64")
    return pd.DataFrame(table.rows, columns=columns, index=index, dtype=str)


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: the new version, and how the old codes carried over."""

    version_id: uuid.UUID
    mapped: int
    unmapped: list[str]


def import_version(
    *, session: Session, name: str, frame: pd.DataFrame, source: str = "", mapping: pd.DataFrame | None = None
) -> ImportResult:
    """Store *frame* as the new current version with a crosswalk from the current one, all or nothing.

    Existing criteria keep their code and version; the crosswalk is what carries them over.
    """
    problems: list[Problem] = []
    try:
        name = _check_version_name(session, name)
    except InvalidInput as error:
        problems += error.problems
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    cleaned = None
    try:
        cleaned = validate_codebook(frame)
    except InvalidInput as error:
        problems += error.problems
    previous_id = current_version_id(session=session)
    walk = None
    if previous_id is not None and "code" in frame.columns:
        old_codes = entries_frame(session=session, version_id=previous_id)["code"]
        new_codes = frame["code"].fillna("").astype(str).str.strip()
        previous = frame["previous_code"].fillna("").astype(str).str.strip() if "previous_code" in frame else None
        try:
            walk = crosswalk.build_crosswalk(old_codes, new_codes, previous_codes=previous, mapping=mapping)
        except InvalidInput as error:
            problems += error.problems
    if problems or cleaned is None:
        raise InvalidInput(problems)
    try:
        version_id = _add_version(session, name=name, frame=cleaned, source=source, make_current=True)
        if previous_id is not None and walk is not None:
            crosswalk.add_crosswalk(
                session=session, from_version_id=previous_id, to_version_id=version_id, crosswalk=walk
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return ImportResult(version_id, 0 if walk is None else len(walk.mapped), [] if walk is None else walk.unmapped)


def _confirmed(statement: Any, territory_id: uuid.UUID | None) -> Any:
    statement = statement.where(
        Criterion.status == CodingStatus.CONFIRMED.value, col(Criterion.component_code).is_not(None)
    )
    if territory_id is None:
        return statement
    return (
        statement.join(Meeting, col(Meeting.id) == col(Criterion.meeting_id))
        .join(Group, col(Group.id) == col(Meeting.group_id))
        .where(Group.territory_id == territory_id)
    )


def _in_version(frame: pd.DataFrame, session: Session, version_id: uuid.UUID) -> pd.DataFrame:
    # Criteria confirmed without a recorded version were coded against the version in use.
    frame["version_id"] = frame["version_id"].where(frame["version_id"].notna(), current_version_id(session=session))
    return crosswalk.translate(frame, edges=crosswalk.crosswalk_edges(session=session), to_version_id=version_id)


def coded_counts(*, session: Session, version_id: uuid.UUID, territory_id: uuid.UUID | None = None) -> pd.DataFrame:
    """Return the number of confirmed criteria per code of a version, older versions carried over by crosswalk."""
    statement = _confirmed(
        select(Criterion.codebook_version_id, Criterion.component_code, func.count(col(Criterion.id))), territory_id
    ).group_by(col(Criterion.codebook_version_id), col(Criterion.component_code))
    frame = pd.DataFrame(session.exec(statement).all(), columns=["version_id", "code", "criteria"])
    counts = _in_version(frame, session, version_id).groupby("code")["criteria"].sum().astype("int64")
    return counts.reset_index()


def component_examples(
    *, session: Session, version_id: uuid.UUID, territory_id: uuid.UUID | None = None, per_code: int = 3
) -> pd.DataFrame:
    """Return up to *per_code* confirmed criteria per code of a version: code, text, question, language."""
    rank = func.row_number().over(
        partition_by=(col(Criterion.codebook_version_id), col(Criterion.component_code)),
        order_by=(col(Criterion.created_at).desc(), col(Criterion.position), col(Criterion.id)),
    )
    selected: list[Any] = [
        Criterion.codebook_version_id,
        Criterion.component_code,
        Criterion.text,
        Criterion.question,
        Criterion.language,
        rank.label("rank"),
    ]
    ranked = _confirmed(select(*selected), territory_id).subquery()
    statement = select(*ranked.c).where(ranked.c.rank <= per_code)
    columns = ["version_id", "code", "text", "question", "language", "rank"]
    frame = _in_version(pd.DataFrame(session.exec(statement).all(), columns=columns), session, version_id)
    # Several old codes may have merged into one: keep the best-ranked few of them all.
    frame = frame.sort_values(["code", "rank"], kind="stable").groupby("code").head(per_code)
    return frame[["code", "text", "question", "language"]].reset_index(drop=True)


def component_overview(
    *, session: Session, version_id: uuid.UUID, territory_id: uuid.UUID | None = None, per_code: int = 3
) -> pd.DataFrame:
    """Return each component of a version with its family, confirmed criteria count and a few examples."""
    components = components_frame(session=session, version_id=version_id)
    counts = coded_counts(session=session, version_id=version_id, territory_id=territory_id)
    examples = component_examples(session=session, version_id=version_id, territory_id=territory_id, per_code=per_code)
    listed = examples.groupby("code")["text"].agg(list).rename("examples")
    overview = components.merge(counts, on="code", how="left").merge(
        listed, left_on="code", right_index=True, how="left"
    )
    overview["criteria"] = overview["criteria"].fillna(0).astype("int64")
    overview["examples"] = overview["examples"].map(lambda texts: texts if isinstance(texts, list) else [])
    return overview


def family_overview(families: pd.DataFrame, components: pd.DataFrame) -> pd.DataFrame:
    """Return each family with its number of components and of confirmed criteria."""
    totals = components.groupby("family").agg(components=("code", "size"), criteria=("criteria", "sum"))
    overview = families.merge(totals, left_on="code", right_index=True, how="left")
    return overview.fillna({"components": 0, "criteria": 0}).astype({"components": "int64", "criteria": "int64"})


def search_components(components: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return the components whose code, labels or descriptions, or those of their family, contain *query*."""
    words = fold_accents(query).split()
    if not words:
        return components
    searched = [
        "code",
        "label_en",
        "label_fr",
        "description_en",
        "description_fr",
        "family_label_en",
        "family_label_fr",
    ]
    haystack = components[searched].fillna("").astype(str).agg(" ".join, axis=1).map(fold_accents)
    matches = pd.Series(True, index=components.index)
    for word in words:
        matches &= haystack.str.contains(word, regex=False)
    return components.loc[matches].reset_index(drop=True)


def entries_csv(entries: pd.DataFrame) -> bytes:
    """Return a version's entries as a UTF-8 CSV to edit and import again, safe to open in a spreadsheet."""
    return entries.map(neutralise_formula).to_csv(index=False).encode("utf-8-sig")
