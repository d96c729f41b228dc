"""axe-core finds no WCAG 2.2 level A or AA violation on the pages statushouders read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page

from tests.conftest import PASSWORD, STAFF_EMAIL, ensure_account

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}
PAGES = {
    "plan": "/{lang}/plan/",
    "step": "/{lang}/plan/brede-intake/",
    "municipality-step": "/{lang}/gemeente/tilburg/plan/brede-intake/",
    "questions": "/{lang}/vragen/",
    "municipality-question": "/{lang}/gemeente/tilburg/vragen/hulp-in-uw-taal/",
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


def log_in(page: Page, live_server: str, live_app: Flask) -> None:
    """Log in through the real login form, as a staff member would."""
    ensure_account(live_app)
    page.goto(live_server + "/staff/login")
    assert_no_violations(page)
    page.fill("#email", STAFF_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/staff/")


def test_the_personal_plan_form_meets_wcag_22_aa_also_with_errors(
    page: Page, visit: Callable[..., Page], live_server: str, live_app: Flask, lang: str
) -> None:
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    log_in(page, live_server, live_app)
    visit(page, "/staff/personal-plan/", f"{lang}-form")
    assert_no_violations(page)
    # Submitting an impossible form shows messages next to the fields: still accessible.
    page.fill("#appointments-0-date", "31-02-2027")
    page.fill("#contacts-0-phone", "013 abc")
    page.click(".staff-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 3  # name, date, phone
    assert_no_violations(page)


STAFF_PAGES = {
    "home": "/staff/",
    "letter": "/staff/letters/uitnodiging-brede-intake/",
    "list": "/staff/letters/uitnodiging-brede-intake/list",
    "form": "/staff/forms/toestemming-gegevens-delen/",
}


@pytest.mark.parametrize("path", STAFF_PAGES.values(), ids=STAFF_PAGES.keys())
def test_the_staff_pages_meet_wcag_22_aa(
    page: Page, visit: Callable[..., Page], live_server: str, live_app: Flask, path: str
) -> None:
    log_in(page, live_server, live_app)
    visit(page, path, "staff")
    assert_no_violations(page)


def test_a_letter_preview_with_errors_meets_wcag_22_aa(
    page: Page, live_server: str, live_app: Flask
) -> None:
    log_in(page, live_server, live_app)
    page.goto(live_server + STAFF_PAGES["letter"])
    page.fill("#field-datum", "31-02-2027")
    page.click("button[value=preview]")
    page.wait_for_load_state()
    assert page.locator("#field-datum-error").is_visible()
    assert_no_violations(page)
