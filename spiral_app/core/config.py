"""Runtime settings, read from SPIRAL_* environment variables."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_HOME = Path.home() / ".local" / "share" / "spiral"


class Settings(BaseSettings):
    """Runtime configuration; every field is read from `SPIRAL_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="SPIRAL_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_HOME / 'spiral.db'}",
        description="SQLAlchemy URL; PostgreSQL: postgresql+psycopg://user:password@host/db",
    )
    data_dir: Path = Field(default=REPO_ROOT / "data", description="Codebook, corpus and demo data")
    model_dir: Path = Field(default=DEFAULT_DATA_HOME / "models", description="Where trained coding models are cached")
    small_group_threshold: int = Field(
        default=5, ge=1, description="Groups with fewer participants have their breakdowns hidden"
    )
    max_upload_mb: float = Field(default=20.0, gt=0, description="Largest upload accepted")
    max_text_length: int = Field(default=500, ge=10, description="Longest criterion text accepted")
    user_name: str = Field(default="facilitator", description="Name recorded on coding decisions")
    echo_sql: bool = Field(default=False, description="Log every SQL statement")


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings (tests call `get_settings.cache_clear()`)."""
    return Settings()
