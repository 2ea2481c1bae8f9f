"""Every page of the navigation runs, and so does the entrypoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from spiral_app.ui.navigation import PAGES, PageSpec

ENTRYPOINT = str(Path(__file__).resolve().parents[1] / "spiral_app" / "ui" / "app.py")


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.title)
def test_every_page_runs_on_the_demo(demo_db: Engine, spec: PageSpec) -> None:
    at = AppTest.from_file(str(spec.path), default_timeout=60).run()
    assert not at.exception


def test_entrypoint_opens_home(demo_db: Engine) -> None:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Spiral"
