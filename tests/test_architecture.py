"""Conventions the code base keeps: no Streamlit in core, thin pages, every page tested."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spiral_app.ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted((ROOT / "spiral_app" / "core").rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_never_imports_streamlit(path: Path) -> None:
    assert not {name for name in _imports(path) if name.split(".")[0] == "streamlit"}


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.file)
def test_every_page_exists_is_short_and_has_tests(spec: object) -> None:
    path = spec.path  # type: ignore[attr-defined]
    assert path.exists()
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 100
    assert (ROOT / "tests" / "pages" / f"test_{path.stem}.py").exists()


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.file)
def test_pages_hold_no_sql(spec: object) -> None:
    imports = _imports(spec.path)  # type: ignore[attr-defined]
    assert not {name for name in imports if name.split(".")[0] in {"sqlalchemy", "plotly"}}
    assert "select(" not in spec.path.read_text(encoding="utf-8")  # type: ignore[attr-defined]


def test_readme_lists_every_setting() -> None:
    from spiral_app.core.config import Settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"SPIRAL_{name.upper()}" not in readme]
    assert not missing
