"""Journey: open the territory dashboard on the demo, keep only ill-being, and see the charts follow."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_dashboard_follows_the_question_filter(page: Page) -> None:
    page.get_by_role("link", name="Territory dashboard").click()
    expect(page.get_by_role("heading", name="Territory dashboard")).to_be_visible()
    main = page.get_by_test_id("stMain")
    families = main.get_by_test_id("stCaptionContainer").filter(has_text="in each family, for each question").first
    expect(families).to_contain_text("295 criteria counted")
    expect(main.locator(".js-plotly-plot")).to_have_count(4)
    radar_traces = main.locator(".js-plotly-plot").nth(1).locator(".scatterlayer .trace")
    expect(radar_traces).to_have_count(5)
    families_chart = main.locator(".js-plotly-plot").first
    expect(families_chart.get_by_text("Well-being", exact=True)).to_have_count(1)

    page.get_by_test_id("stSidebar").get_by_text("Ill-being", exact=True).click()

    expect(families).to_contain_text("Cycle 1, Ill-being, all groups; 120 criteria counted")
    expect(main.get_by_test_id("stMetricValue").first).to_have_text("120")
    expect(families_chart.get_by_text("Ill-being", exact=True)).to_have_count(1)
    expect(families_chart.get_by_text("Well-being", exact=True)).to_have_count(0)
    expect(main.get_by_text(re.compile(r"Most raised as ill-being"))).to_be_visible()
