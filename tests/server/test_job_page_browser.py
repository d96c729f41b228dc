"""The job page in a real browser (Debian's chromium, the `browser` fixture of
tests/conftest.py), on the real server, in Arabic.

A staff member whose browser asks for Arabic uploads a list through the form; the job page
reads right to left, its progress bar moves without the page being loaded again (job.js),
and when the letters are printed the page offers the PDF, which downloads. Without
JavaScript the page refreshes itself until the PDF is offered.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from portal.config import PROJECT_ROOT
from tests.pdf_tools import page_count, pages_text
from tests.server.harness import LIST_PAGE, MUNICIPALITY, PASSWORD, Server
from tests.server.test_jobs import list_csv

SCREENSHOTS = PROJECT_ROOT / "screenshots"
JOB_MILLISECONDS = 180_000
PEOPLE_WITH_SCRIPT = 120  # long enough to see the bar move a few times
PEOPLE_WITHOUT_SCRIPT = 30


def arabic_staff_page(browser: Browser, server: Server, email: str, script: bool) -> Page:
    """Return a page of a browser that asks for Arabic, logged in through the login form."""
    server.account(email, "staff", MUNICIPALITY)
    context = browser.new_context(locale="ar", java_script_enabled=script, accept_downloads=True)
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.port}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/staff/login" not in url)
    return page


def upload_list(page: Page, server: Server, people: int) -> None:
    """Upload a list through the form, as a staff member does; wait for the job page."""
    page.goto(f"http://127.0.0.1:{server.port}{LIST_PAGE}")
    page.select_option("#municipality", MUNICIPALITY)
    page.set_input_files(
        "#list", {"name": "lijst.csv", "mimeType": "text/csv", "buffer": list_csv(people)}
    )
    page.locator("form.staff-form button[type=submit]").click()
    page.wait_for_url("**/staff/jobs/**")


def test_the_arabic_job_page_moves_its_bar_and_then_offers_the_pdf(
    browser: Browser, server: Server
) -> None:
    page = arabic_staff_page(browser, server, "browser.job@example.org", script=True)
    upload_list(page, server, PEOPLE_WITH_SCRIPT)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    # Once the job runs (the page loads itself again when a queued job starts), a mark on
    # this very document: loading the page again would wipe it.
    page.locator("section.job[data-job-state=running]").wait_for(timeout=JOB_MILLISECONDS)
    page.evaluate("window.stillTheSamePage = true")
    values: list[int] = []
    while page.locator("progress").count():
        value = int(page.evaluate("document.querySelector('progress').value"))
        if not values or value != values[-1]:
            values.append(value)
            if len(values) == 2:
                SCREENSHOTS.mkdir(exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "ar-staff-job-running.png"), full_page=True)
        if len(values) >= 3:
            break
        page.wait_for_timeout(200)
    if len(values) >= 3:  # seen moving: by job.js, not by loading the page again
        assert page.evaluate("window.stillTheSamePage === true")
        assert values == sorted(values), values
        assert values[-1] > values[0], values
    else:  # a very fast machine: the job ended before the bar was seen three times
        pytest.fail(f"the bar was seen at {values} only; make the list longer")
    download_link = page.locator("a[href$='/download']")
    download_link.wait_for(timeout=JOB_MILLISECONDS)
    page.screenshot(path=str(SCREENSHOTS / "ar-staff-job-done.png"), full_page=True)
    # The page that offers the PDF is Arabic, its words say so, and the file downloads.
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "PDF" in download_link.inner_text()
    with page.expect_download() as download_info:
        download_link.click()
    pdf_path = download_info.value.path()
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) >= PEOPLE_WITH_SCRIPT
    assert f"Amal{PEOPLE_WITH_SCRIPT - 1}" in " ".join(pages_text(pdf))
    page.context.close()


def test_without_javascript_the_job_page_refreshes_itself_until_the_pdf_is_offered(
    browser: Browser, server: Server
) -> None:
    page = arabic_staff_page(browser, server, "browser.job2@example.org", script=False)
    upload_list(page, server, PEOPLE_WITHOUT_SCRIPT)
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Nothing on this page runs script: only its own refresh brings the download button.
    page.locator("a[href$='/download']").wait_for(timeout=JOB_MILLISECONDS)
    page.screenshot(path=str(SCREENSHOTS / "ar-staff-job-done-without-script.png"), full_page=True)
    page.context.close()
