"""Saving a language for offline, in a real browser (Debian's chromium) on the real server.

A reader taps "save" on the Arabic plan; the browser goes offline (the context's offline
switch) and every saved page, the fonts and the plan's PDF still open, an unsaved page shows
the Arabic offline page, staff pages are never kept. Then an editor changes a text and
removes a step; online again, the saved copy follows.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import QUESTION_SLUGS
from tests.server.harness import Server

SAVE_MILLISECONDS = 120_000  # the plan's PDF may still be printed when the reader taps
CHANGED_STEP = "03-maatschappelijke-begeleiding"
REMOVED_STEP = "12-meedoen"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Return a fresh browser profile that asks for Arabic, service workers allowed."""
    opened = browser.new_context(locale="ar", service_workers="allow")
    yield opened
    opened.close()


def save(page: Page, address: str) -> dict[str, object]:
    """Open a page, tap its save button and wait for the done state; return the bundle's list."""
    page.goto(address)
    box = page.locator("section.save-offline")
    size = box.locator("[data-offline-size] bdi")
    size.wait_for()  # the size is shown before anything is saved
    assert any(character.isdigit() for character in size.inner_text())
    box.locator("button[data-action=save-offline]").click()
    box.and_(page.locator("[data-offline-state=saved]")).wait_for(timeout=SAVE_MILLISECONDS)
    assert box.locator("[data-offline-status]").inner_text().strip()
    assert box.locator("button[data-action=remove-offline]").is_visible()
    listed: dict[str, object] = page.evaluate(
        "url => caches.open('wegwijs-offline:' + url)"
        ".then(cache => cache.match(url)).then(kept => kept.json())",
        box.get_attribute("data-offline-bundle"),
    )
    return listed


def cached_paths(page: Page) -> list[str]:
    """Return the path of everything in the browser's caches for this site."""
    paths: list[str] = page.evaluate(
        """async () => {
            const paths = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
            }
            return paths;
        }"""
    )
    return paths


def fetch_in_page(page: Page, path: str) -> dict[str, object]:
    """Fetch a file from the page (through the service worker): its status, size and start."""
    answer: dict[str, object] = page.evaluate(
        """path => fetch(path).then(async response => {
            const bytes = new Uint8Array(await response.arrayBuffer());
            return {status: response.status, size: bytes.length,
                    start: String.fromCharCode(...bytes.slice(0, 5))};
        })""",
        path,
    )
    return answer


def test_a_reader_saves_arabic_reads_it_offline_and_the_copy_follows_changes(
    context: BrowserContext, server: Server
) -> None:
    base = f"http://127.0.0.1:{server.port}"
    page = context.new_page()
    listed = save(page, f"{base}/ar/plan/")
    files = [str(file["url"]) for file in listed["files"]]  # type: ignore[index]
    pages = [path for path in files if path.endswith("/")]
    assert f"/ar/plan/{REMOVED_STEP[3:]}/" in pages
    assert "/ar/plan.pdf" in files
    # Home, offline page, plan, 12 steps, the questions list, every questions page, My plan.
    assert len(pages) == 2 + 1 + 12 + 1 + len(QUESTION_SLUGS) + 1
    assert "/ar/mijn-plan/" in pages
    assert "/ar/vragen/hulp-in-uw-taal/" in pages
    online_pdf = page.request.get(f"{base}/ar/plan.pdf").body()

    context.set_offline(True)
    for path in pages:
        page.goto(base + path)
        assert page.locator("html").get_attribute("dir") == "rtl", path
        assert page.locator("h1").first.inner_text().strip(), path
        fonts = page.evaluate(
            "document.fonts.ready.then(set => [...set]"
            ".filter(font => font.status === 'loaded').map(font => font.family))"
        )
        assert any("Arabic" in family for family in fonts), (path, fonts)
    pdf = fetch_in_page(page, "/ar/plan.pdf")
    assert pdf == {"status": 200, "size": len(online_pdf), "start": "%PDF-"}

    # Not saved: the offline page, in Arabic, leading to what is saved.
    page.goto(f"{base}/ar/gemeente/")
    assert page.locator("html").get_attribute("lang") == "ar"
    links = page.locator("main a").evaluate_all("links => links.map(a => a.pathname)")
    assert "/ar/plan/" in links
    assert f"/ar/plan/{REMOVED_STEP[3:]}/" in links
    staff_page = context.new_page()
    with pytest.raises(PlaywrightError):
        staff_page.goto(f"{base}/staff/login")  # never saved, never answered from a cache
    staff_page.close()
    assert not [path for path in cached_paths(page) if path.startswith(("/staff", "/editor"))]

    # An editor changes a step's Arabic title and removes a step; the reader comes online.
    step_file = server.content / "plan" / CHANGED_STEP / "ar.md"
    text = step_file.read_text(encoding="utf-8")
    old_title = text.split("title: ", 1)[1].split("\n", 1)[0]
    step_file.write_text(text.replace(old_title, "عنوان جديد للخطوة"), encoding="utf-8")
    shutil.rmtree(server.content / "plan" / REMOVED_STEP)
    context.set_offline(False)
    changed_page = f"/ar/plan/{CHANGED_STEP[3:]}/"
    # The server looks at its content every 2 seconds; ask (past the browser) until it changed.
    for _attempt in range(50):
        if "عنوان جديد للخطوة" in page.request.get(base + changed_page).text():
            break
        page.wait_for_timeout(200)
    page.goto(f"{base}/ar/")
    page.locator("html[data-offline-refreshed]").wait_for(timeout=SAVE_MILLISECONDS)

    context.set_offline(True)
    page.goto(base + changed_page)
    assert page.locator("h1").first.inner_text().strip() == "عنوان جديد للخطوة"
    assert f"/ar/plan/{REMOVED_STEP[3:]}/" not in cached_paths(page)
    page.goto(f"{base}/ar/plan/{REMOVED_STEP[3:]}/")
    assert page.locator("main a[href='/ar/plan/']").count() == 1  # the offline page again
    new_list = page.evaluate(
        "caches.open('wegwijs-offline:/ar/offline.json')"
        ".then(cache => cache.match('/ar/offline.json')).then(kept => kept.json())"
    )
    assert len([f for f in new_list["files"] if f["url"].endswith("/")]) == len(pages) - 1
    assert json.dumps(new_list) != json.dumps(listed)


def test_the_save_button_is_on_every_home_and_plan_page_and_nowhere_for_staff(
    context: BrowserContext, server: Server
) -> None:
    base = f"http://127.0.0.1:{server.port}"
    page = context.new_page()
    for lang in ("nl", "en", "ar", "ti"):
        for path in (f"/{lang}/", f"/{lang}/plan/", f"/{lang}/gemeente/tilburg/plan/"):
            page.goto(base + path)
            button = page.locator("button[data-action=save-offline]")
            button.wait_for()  # shown: this browser can save pages
            bundle = page.locator("[data-offline-bundle]").get_attribute("data-offline-bundle")
            expected = f"/{lang}/gemeente/tilburg/offline.json" if "tilburg" in path else None
            assert bundle == (expected or f"/{lang}/offline.json"), path
            manifest = page.locator("link[rel=manifest]").get_attribute("href")
            assert manifest == f"/{lang}/manifest.webmanifest"
    page.goto(f"{base}/staff/login")
    assert page.locator("[data-action=save-offline], link[rel=manifest]").count() == 0


def test_without_javascript_there_is_no_save_button_to_press(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.port}/ar/plan/")
        assert page.locator("button[data-action=save-offline]").count() == 1  # in the page
        assert not page.locator("section.save-offline").is_visible()  # but not shown
        assert page.locator("section.print-links").is_visible()
    finally:
        context.close()


def test_the_manifest_makes_the_portal_installable_in_each_language(server: Server) -> None:
    from tests.server.harness import Browser as Client

    client = Client(server.port)
    for lang, direction in (("nl", "ltr"), ("ar", "rtl"), ("ti", "ltr")):
        reply = client.get(f"/{lang}/manifest.webmanifest")
        assert reply.status == 200
        assert reply.content_type == "application/manifest+json"
        manifest = json.loads(reply.text)
        assert manifest["start_url"] == f"/{lang}/"
        assert manifest["dir"] == direction
        assert manifest["display"] == "standalone"
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        assert {"192x192", "512x512"} <= sizes
        for icon in manifest["icons"]:
            image = client.get(icon["src"])
            assert image.status == 200
            assert image.body.startswith(b"\x89PNG")
