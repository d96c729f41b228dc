"""axe-core finds no WCAG 2.2 level A or AA violation on the pages statushouders read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}
PAGES = {
    "plan": "/{lang}/plan/",
    "step": "/{lang}/plan/brede-intake/",
    "municipality-step": "/{lang}/gemeente/tilburg/plan/brede-intake/",
}
axe = Axe()


def assert_no_violations(page: Page) -> None:
    """Run axe-core on the page and fail with its report on any violation."""
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_the_language_chooser_meets_wcag_22_aa(page: Page, visit: Callable[..., Page]) -> None:
    visit(page, "/language/")
    assert_no_violations(page)


@pytest.mark.parametrize("template", PAGES.values(), ids=PAGES.keys())
def test_the_pages_meet_wcag_22_aa(
    page: Page, visit: Callable[..., Page], lang: str, template: str
) -> None:
    visit(page, template.format(lang=lang))
    assert_no_violations(page)
