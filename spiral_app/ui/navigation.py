"""The one list of pages; the entrypoint and the tests both read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    section: str

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


PAGES = (
    PageSpec("home.py", "Home", ":material/home:", "Spiral"),
    PageSpec("setup.py", "Territory setup", ":material/settings:", "Spiral"),
    PageSpec("enter.py", "Enter criteria", ":material/edit_note:", "Facilitators"),
    PageSpec("review.py", "Coding review", ":material/fact_check:", "Facilitators"),
    PageSpec("codebook.py", "Codebook", ":material/menu_book:", "Facilitators"),
    PageSpec("import_criteria.py", "Import", ":material/upload_file:", "Facilitators"),
    PageSpec("dashboard.py", "Territory dashboard", ":material/dashboard:", "Results"),
    PageSpec("synthesis.py", "Synthesis", ":material/summarize:", "Results"),
    PageSpec("compare.py", "Compare", ":material/compare_arrows:", "Results"),
)
