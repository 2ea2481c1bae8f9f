"""Codebooks: versioned determination keys of families and components."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pandas as pd
from sqlmodel import Session, select

from spiral_app.core.errors import InvalidInput, Problem
from spiral_app.core.models import CodebookEntry, CodebookVersion

DEFAULT_VERSION_NAME = "SPIRAL key, Spiral edition 2026"
COLUMNS = ["code", "family", "label_en", "label_fr", "description_en", "description_fr"]
_FAMILY_CODE = re.compile(r"^[A-Z]$")
_COMPONENT_CODE = re.compile(r"^[A-Z]\d{2}$")


def validate_codebook(frame: pd.DataFrame) -> pd.DataFrame:
    """Return *frame* cleaned, or raise listing every row that is not a valid family or component."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem("header", f"missing column(s): {', '.join(missing)}.")])
    frame = frame.fillna("").astype(str).apply(lambda column: column.str.strip())
    if "source" not in frame.columns:
        frame["source"] = ""
    problems: list[Problem] = []
    families = set(frame.loc[frame["code"].str.fullmatch(_FAMILY_CODE.pattern), "code"])
    for row, entry in zip(range(2, len(frame) + 2), frame.itertuples(index=False), strict=True):
        code, family = str(entry.code), str(entry.family)
        if not (_FAMILY_CODE.match(code) or _COMPONENT_CODE.match(code)):
            problems.append(Problem("code", f"'{code}' is neither a family letter nor a code like A03.", row))
        elif code[0] != family:
            problems.append(Problem("family", f"code {code} must belong to family {code[0]}, not '{family}'.", row))
        elif family not in families:
            problems.append(Problem("family", f"family {family} has no row of its own with its labels.", row))
        if not entry.label_en or not entry.label_fr:
            problems.append(Problem("label_en" if not entry.label_en else "label_fr", "must not be empty.", row))
    duplicated = frame.loc[frame["code"].duplicated(), "code"]
    problems += [Problem("code", f"{code} appears more than once.") for code in sorted(set(duplicated))]
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
    if session.exec(select(CodebookVersion.id).where(CodebookVersion.name == name)).first() is not None:
        raise InvalidInput([Problem("Version name", f"a codebook version called '{name}' already exists.")])
    if make_current:
        for version in session.exec(select(CodebookVersion).where(CodebookVersion.is_current)).all():
            version.is_current = False
            session.add(version)
    version = CodebookVersion(name=name, source=source, is_current=make_current)
    session.add(version)
    # Without relationships the unit of work does not order inserts by foreign key: flush parents first.
    session.flush()
    session.add_all(CodebookEntry(version_id=version.id, **record) for record in frame.to_dict("records"))
    session.commit()
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
