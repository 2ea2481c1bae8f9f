"""Every table of Spiral, in one module so that SQLModel defines each table once."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC that always reads back timezone-aware."""

    # SQLite keeps no offset, so values would come back naive without this.
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass an aware UTC datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class ActorKind(enum.StrEnum):
    PUBLIC_AUTHORITY = "public_authority"
    COMPANY = "company"
    ASSOCIATION = "association"
    CITIZENS_GROUP = "citizens_group"
    OTHER = "other"


class Question(enum.StrEnum):
    """The three SPIRAL questions put to every homogeneous group."""

    WELLBEING = "wellbeing"
    ILLBEING = "illbeing"
    ACTION = "action"


class CodingStatus(enum.StrEnum):
    UNCODED = "uncoded"
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    UNCLASSIFIABLE = "unclassifiable"


def _id() -> uuid.UUID:
    # Random UUIDs let data entered on several laptops merge without clashes.
    return uuid.uuid4()


def _created() -> dt.datetime:
    return utcnow()


class Territory(SQLModel, table=True):
    """A city, district or collective actor running SPIRAL."""

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    country: str = Field(default="", max_length=2)
    language: str = Field(default="en", max_length=8)
    description: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(default_factory=_created, sa_type=UTCDateTime)


class Actor(SQLModel, table=True):
    """A member of a territory's coordination group."""

    __table_args__ = (sa.UniqueConstraint("territory_id", "name"),)

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    territory_id: uuid.UUID = Field(foreign_key="territory.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default=ActorKind.OTHER.value, max_length=32)
    contact: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2000)


class Cycle(SQLModel, table=True):
    """One turn of the SPIRAL spiral in a territory."""

    __table_args__ = (sa.UniqueConstraint("territory_id", "number"),)

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    territory_id: uuid.UUID = Field(foreign_key="territory.id", ondelete="CASCADE", index=True)
    number: int = Field(ge=1)
    start: dt.date
    end: dt.date
    description: str = Field(default="", max_length=2000)


class Group(SQLModel, table=True):
    """A homogeneous group of citizens sharing a profile."""

    __tablename__ = "focus_group"
    __table_args__ = (sa.UniqueConstraint("territory_id", "name"),)

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    territory_id: uuid.UUID = Field(foreign_key="territory.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    profile: str = Field(default="", max_length=2000)


class Meeting(SQLModel, table=True):
    """One focus-group meeting of a group in a cycle."""

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    group_id: uuid.UUID = Field(foreign_key="focus_group.id", ondelete="CASCADE", index=True)
    cycle_id: uuid.UUID = Field(foreign_key="cycle.id", ondelete="CASCADE", index=True)
    date: dt.date
    facilitator: str = Field(default="", max_length=200)
    participants: int = Field(default=0, ge=0)
    language: str = Field(default="en", max_length=8)


class CodebookVersion(SQLModel, table=True):
    """One version of the determination key: families and components."""

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    source: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=_created, sa_type=UTCDateTime)
    is_current: bool = Field(default=False)


class CodebookEntry(SQLModel, table=True):
    """A family (one-letter code) or a component (letter and two digits) of a codebook version."""

    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    version_id: uuid.UUID = Field(foreign_key="codebookversion.id", ondelete="CASCADE", index=True)
    code: str = Field(max_length=16)
    family: str = Field(max_length=4)
    label_en: str = Field(max_length=200)
    label_fr: str = Field(max_length=200)
    description_en: str = Field(default="", max_length=1000)
    description_fr: str = Field(default="", max_length=1000)
    source: str = Field(default="", max_length=200)


class CodebookCrosswalk(SQLModel, table=True):
    """How a code of an older codebook version maps onto a newer one."""

    __table_args__ = (sa.UniqueConstraint("to_version_id", "from_code"),)

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    from_version_id: uuid.UUID = Field(foreign_key="codebookversion.id", ondelete="CASCADE")
    to_version_id: uuid.UUID = Field(foreign_key="codebookversion.id", ondelete="CASCADE", index=True)
    from_code: str = Field(max_length=16)
    to_code: str = Field(max_length=16)


class Criterion(SQLModel, table=True):
    """One post-it: a criterion of well-being, ill-being or action, and its coding."""

    __table_args__ = (
        sa.Index("ix_criterion_meeting_position", "meeting_id", "position"),
        sa.Index("ix_criterion_status_meeting", "status", "meeting_id"),
    )

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    meeting_id: uuid.UUID = Field(foreign_key="meeting.id", ondelete="CASCADE")
    question: str = Field(max_length=16)
    text: str = Field(max_length=2000)
    language: str = Field(default="en", max_length=8)
    position: int = Field(default=0)
    component_code: str | None = Field(default=None, max_length=16, index=True)
    codebook_version_id: uuid.UUID | None = Field(default=None, foreign_key="codebookversion.id")
    status: str = Field(default=CodingStatus.UNCODED.value, max_length=16)
    suggested_code: str | None = Field(default=None, max_length=16)
    suggested_confidence: float | None = Field(default=None)
    suggested_model: str | None = Field(default=None, max_length=64)
    suggested_alternatives: str = Field(default="", max_length=200)
    suggested_explanation: str = Field(default="", max_length=500)
    # The coder saw two ideas joined in one post-it: the reviewer is invited to split it.
    suggested_split: bool = Field(default=False)
    confirmed_by: str | None = Field(default=None, max_length=200)
    confirmed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=_created, sa_type=UTCDateTime)


class CodingDecision(SQLModel, table=True):
    """An audit record of one change to a criterion's coding, enough to undo it."""

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    # No foreign key: a split deletes the criterion it replaces, and its history must outlive it so that
    # undoing the split brings the criterion back with its past decisions.
    criterion_id: uuid.UUID = Field(index=True)
    # The decisions taken by one action (a bulk confirmation, a split) share a batch and are undone together.
    batch_id: uuid.UUID = Field(default_factory=_id, index=True)
    action: str = Field(max_length=32)
    decided_by: str = Field(max_length=200)
    decided_at: dt.datetime = Field(default_factory=_created, sa_type=UTCDateTime)
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    from_code: str | None = Field(default=None, max_length=16)
    to_code: str | None = Field(default=None, max_length=16)
    from_confirmed_by: str | None = Field(default=None, max_length=200)
    from_confirmed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    from_codebook_version_id: uuid.UUID | None = Field(default=None)
    # The whole criterion a split replaced, as JSON, so that undo restores it exactly.
    snapshot: str = Field(default="", sa_type=sa.Text)
    reason: str = Field(default="", max_length=500)
    undone: bool = Field(default=False)
    undone_by: str | None = Field(default=None, max_length=200)
    undone_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ModelVersion(SQLModel, table=True):
    """A trained coding model: when it was trained, on what, and how well it did."""

    id: uuid.UUID = Field(default_factory=_id, primary_key=True)
    version: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    trained_at: dt.datetime = Field(default_factory=_created, sa_type=UTCDateTime)
    n_corpus: int = 0
    n_confirmed: int = 0
    family_accuracy: float | None = None
    component_top3: float | None = None
