"""Journey: record a meeting, paste its post-its, then confirm their codes in Coding review and undo."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Saving, coding and rerunning can take several seconds on a busy machine: more than expect()'s default of 5.
WAIT = 30_000
POST_ITS = "No bus after eight\nNowhere to meet friends at night\nThe youth club closed"


def _choose(page: Page, box: str, option: str) -> None:
    page.get_by_role("combobox", name=box, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_enter_post_its_then_confirm_their_codes(page: Page) -> None:
    page.get_by_role("link", name="Enter criteria").click()
    _choose(page, "Group", "Single parents")
    _choose(page, "Meeting", "New meeting…")
    page.get_by_role("spinbutton", name="day, Date").click()
    page.keyboard.type("15092026")
    page.get_by_label("Facilitator").fill("Sam Reyes")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("combobox", name="Meeting", exact=True)).to_have_value(
        "15 Sep 2026 — Sam Reyes", timeout=WAIT
    )

    page.get_by_label("Post-its, one per line").fill(POST_ITS)
    page.get_by_role("button", name="Add post-its").click()
    expect(page.get_by_text("Added 3 post-its with their suggested codes.")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Coding of this meeting: 0 of 3 decided (0%), 3 suggested")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="Save changes")).to_be_visible(timeout=WAIT)

    page.get_by_role("link", name="Coding review").click()
    expect(page.get_by_text("This meeting: 0 of 3 decided (0%)")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("No bus after eight", exact=True).first).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Confirm", exact=True).first.click()
    expect(page.get_by_text("This meeting: 1 of 3 decided (33%)")).to_be_visible(timeout=WAIT)

    page.get_by_role("slider", name="Confirm every suggestion shown with a confidence of at least").press("Home")
    page.get_by_role("button", name="Confirm 2 suggestions").click()
    expect(page.get_by_text("This meeting: 3 of 3 decided (100%)")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Nothing to review with these filters.")).to_be_visible(timeout=WAIT)

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("This meeting: 1 of 3 decided (33%)")).to_be_visible(timeout=WAIT)
