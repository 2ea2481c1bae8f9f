"""Journey: open Spiral, see the demo territory, create a group in Territory setup."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_open_home_then_create_a_group(page: Page) -> None:
    expect(page.get_by_role("heading", name="Kestrelford")).to_be_visible()
    page.get_by_role("link", name="Territory setup").click()
    page.get_by_role("tab", name="Groups").click()
    page.get_by_label("Group name").fill("Carers of disabled relatives")
    page.get_by_role("button", name="Add group").click()
    expect(page.get_by_text("Group added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Carers of disabled relatives")).to_be_visible()


def test_a_page_opened_by_its_url_keeps_the_navigation(page: Page, live_app: str) -> None:
    page.goto(f"{live_app}/setup")
    expect(page.get_by_role("heading", name="Territory setup")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("link", name="Territory dashboard")).to_be_visible()
