"""Editors own the whole text, tried in Debian's chromium against the real server (gunicorn,
several workers, content/ a git repository): the Dutch source edited in the browser with live
readability advice makes every translation outdated; a translator of Tigrinya cannot open
Arabic; whoever saved a text cannot mark it reviewed; a segment edit keeps the file's format
and survives an XLIFF round trip; a fact ticked off with its source lands under the sources;
an admin who disables an account ends its sessions."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from playwright.sync_api import Browser, Page

from portal.segments import split_segments
from portal.textfiles import read_fields, read_front_matter
from tests.browser.test_accessibility import assert_no_violations
from tests.catalogs import catalog_text
from tests.pdf_tools import has_phrase, pages_text
from tests.server.harness import (
    PASSWORD,
    Reply,
    Server,
    StartServer,
    csrf_token,
    log_in,
    logged_in,
    public_pdf,
)
from tests.server.harness import Browser as HttpClient

STEP = "brede-intake"
STEP_FOLDER = Path("plan/04-brede-intake")
LETTER = "herinnering-afspraak"
LETTER_FOLDER = Path("letters/herinnering-afspraak")
RELOAD_SECONDS = 10.0  # every worker looks at content/ every 2 s
LONG_SENTENCE = (
    "Als u naar de gemeente gaat voor het gesprek over uw leven neemt u dan ook altijd "
    "uw verblijfsvergunning en uw bankpas en alle brieven mee."
)
WIDE = {"width": 1280, "height": 900}
ENGLISH = {"Accept-Language": "en"}  # the editor pages in English, to read their messages


def open_logged_in(browser: Browser, server: Server, email: str, path: str) -> Page:
    """Return a new page of an English-speaking editor, logged in through the form at `path`."""
    base = f"http://127.0.0.1:{server.port}"
    page = browser.new_context(locale="en", viewport=WIDE).new_page()
    page.goto(f"{base}/staff/login?next={path}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert page.url == f"{base}{path}", page.url
    return page


def eventually(check: Callable[[], bool], seconds: float = RELOAD_SECONDS) -> bool:
    """Return True as soon as `check` holds (every worker has read the change), else False."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return check()


def answer_once(client: HttpClient, path: str, holds: Callable[[str], bool]) -> Reply:
    """Return the first answer to GET `path` for which `holds(text)` is true (every worker
    reloads changed content within seconds, so one answer may be fresh and the next stale)."""
    deadline = time.monotonic() + RELOAD_SECONDS
    while True:
        answer = client.get(path)
        if holds(answer.text) or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)


def test_a_dutch_editor_edits_a_step_and_its_translations_turn_outdated(
    start_server: StartServer, browser: Browser
) -> None:
    server = start_server(git_content=True)
    dutch_editor = server.account("nl-redacteur@example.org", "editor", languages="nl")
    translator = logged_in(
        server.port,
        server.account("vertaler-ar@example.org", "editor", languages="ar"),
        ENGLISH,
    )
    page = open_logged_in(browser, server, dutch_editor, f"/editor/step/{STEP}/nl")
    assert_no_violations(page)
    # The advice follows the text as it is typed: the long sentence is named, with its length.
    body = page.locator("#body")
    body.fill(body.input_value().rstrip("\n") + f"\n\n{LONG_SENTENCE}\n")
    advice = page.locator("#readability .long-sentences")
    advice.wait_for()
    assert LONG_SENTENCE.removesuffix(".") in advice.inner_text()
    assert "(26 words)" in advice.inner_text()
    with page.expect_navigation():
        page.locator("button[value=save]").click()
    assert "Every translation of this text is now outdated." in page.inner_text("main")
    meta, saved, _line = read_front_matter(server.content / STEP_FOLDER / "nl.md")
    assert LONG_SENTENCE in saved
    assert meta["verify"], "the facts to check were lost"
    # Every worker shows every translation outdated, and the translator sees what changed.
    assert eventually(
        lambda: (
            page.reload() is not None
            and page.locator(".translation-states .state-outdated").count() == 3
        )
    ), page.inner_text(".translation-states")
    change = answer_once(
        translator, f"/editor/step/{STEP}/ar", lambda text: LONG_SENTENCE in text
    ).text
    assert "What changed in the Dutch text" in change
    # The public page shows the new Dutch text.
    assert eventually(lambda: LONG_SENTENCE in server.browser().get(f"/nl/plan/{STEP}/").text)


def test_a_translator_of_tigrinya_cannot_open_arabic(server: Server, browser: Browser) -> None:
    email = server.account("vertaler-ti@example.org", "editor", languages="ti")
    page = open_logged_in(browser, server, email, "/editor/?lang=ti")
    assert page.locator(f'a[href="/editor/step/{STEP}/ti"]').count() == 1
    page.goto(f"http://127.0.0.1:{server.port}/editor/?lang=ar")
    assert page.locator(f'a[href="/editor/step/{STEP}/ar"]').count() == 0
    refused = page.goto(f"http://127.0.0.1:{server.port}/editor/step/{STEP}/ar")
    assert refused is not None
    assert refused.status == 403
    assert "Not allowed" in page.inner_text("h1")
    assert page.locator('a[href="/editor/"]').count() >= 1, "no way back"
    for path in (f"/editor/step/{STEP}/nl", "/editor/xliff/ar.xlf", "/admin/accounts"):
        reply = page.goto(f"http://127.0.0.1:{server.port}{path}")
        assert reply is not None
        assert reply.status == 403, path
    opened = page.goto(f"http://127.0.0.1:{server.port}/editor/step/{STEP}/ti")
    assert opened is not None
    assert opened.status == 200


def test_a_segment_edit_keeps_the_format_survives_xliff_and_needs_a_second_reviewer(
    server: Server, browser: Browser
) -> None:
    translator = server.account("vertaler@example.org", "editor", languages="ti")
    reviewer = server.account("nakijker@example.org", "editor", languages="ti")
    path = server.content / LETTER_FOLDER / "ti.md"
    page = open_logged_in(browser, server, translator, f"/editor/letter/{LETTER}/ti")
    assert_no_violations(page)
    # Each Dutch segment beside its own field; a placeholder is a chip no one can type into.
    dutch = split_segments(read_fields(server.content / LETTER_FOLDER / "nl.md")["body"])
    number = next(n for n, s in enumerate(dutch) if "((" in s.text)
    line = page.locator(f"#segment-{number}-editor")
    chip = line.locator(".chip").first
    name = chip.inner_text()
    assert chip.get_attribute("contenteditable") == "false"
    # Deleting the chip is refused by name; the chip button puts it back.
    chip.evaluate(
        "chip => { const line = chip.parentNode; chip.remove();"
        " line.dispatchEvent(new Event('input')); }"
    )
    with page.expect_navigation():
        page.locator("button[value=save]").click()
    assert f"Part {number + 1} needs exactly these placeholders" in page.inner_text("#problems")
    assert path.read_text(encoding="utf-8") == (
        Path(__file__).parents[2] / "content" / LETTER_FOLDER / "ti.md"
    ).read_text(encoding="utf-8"), "a refused save wrote the file"
    line = page.locator(f"#segment-{number}-editor")
    line.focus()
    page.keyboard.press("End")
    page.keyboard.type(" ሓድሽ ")
    page.locator(f'[data-insert="{name}"][data-target="segment-{number}"]').click()
    with page.expect_navigation():
        page.locator("button[value=save]").click()
    assert "Saved." in page.inner_text("main")
    saved = read_fields(path)
    parts = split_segments(saved["body"])
    assert [(p.mark, p.before) for p in parts] == [(p.mark, p.before) for p in dutch]
    assert parts[number].text.endswith(f" ሓድሽ (({name}))")
    assert saved["saved_by"] == translator
    # The same text sent whole, as plain-text editing sends it, writes the same file.
    editor = logged_in(server.port, translator, ENGLISH)
    text_form = editor.get(f"/editor/letter/{LETTER}/ti?mode=text")
    before = path.read_bytes()
    fields = {
        "csrf_token": csrf_token(text_form.text),
        "base": re.search(r'name="base" value="(\w+)"', text_form.text).group(1),  # type: ignore[union-attr]
        "mode": "text",
        "action": "save",
        "subject": saved["subject"],
        "body": saved["body"],
    }
    resent = editor.post(f"/editor/letter/{LETTER}/ti", fields)
    assert resent.status == 302, resent
    assert "Nothing changed" in editor.follow(resent).text
    assert path.read_bytes() == before
    # Whoever saved it sees no "Mark as reviewed", and cannot send it either.
    assert page.locator("button[value=review]").count() == 0
    assert page.locator("#four-eyes").is_visible()
    form = editor.get(f"/editor/letter/{LETTER}/ti")
    forced = editor.post(
        f"/editor/letter/{LETTER}/ti",
        {"csrf_token": csrf_token(form.text), "base": fields["base"], "action": "review"},
    )
    assert forced.status == 403
    assert read_fields(path)["review"] == "draft"
    # The Dutch letter changes: the XLIFF export brings the segments back, and importing the
    # file as it came out writes the very same body.
    dutch_file = server.content / LETTER_FOLDER / "nl.md"
    dutch_file.write_text(
        dutch_file.read_text(encoding="utf-8").replace("Kom op tijd.", "Kom altijd op tijd.", 1),
        encoding="utf-8",
    )
    exported = answer_once(
        editor, "/editor/xliff/ti.xlf", lambda text: f"letter/{LETTER}/body.1" in text
    )
    assert f"letter/{LETTER}/body.1" in exported.text
    assert parts[number].text in html.unescape(exported.text)
    upload_page = editor.get("/editor/xliff/ti")
    imported = editor.upload(
        "/editor/xliff/ti",
        {"csrf_token": csrf_token(upload_page.text)},
        {"xliff": ("wegwijs-ti.xlf", exported.body, "application/x-xliff+xml")},
    )
    assert imported.status == 302, imported
    assert read_fields(path)["body"] == saved["body"]
    # Someone else reviews it.
    reviewing = logged_in(server.port, reviewer, ENGLISH)
    review_page = answer_once(
        reviewing, f"/editor/letter/{LETTER}/ti", lambda text: 'value="review"' in text
    )
    assert 'value="review"' in review_page.text
    done = reviewing.post(
        f"/editor/letter/{LETTER}/ti",
        {
            "csrf_token": csrf_token(review_page.text),
            "base": re.search(r'name="base" value="(\w+)"', review_page.text).group(1),  # type: ignore[union-attr]
            "action": "review",
        },
    )
    assert done.status == 302, done
    meta, _body, _line = read_front_matter(path)
    assert (meta["review"], meta["saved_by"], meta["reviewed_by"]) == (
        "reviewed",
        translator,
        reviewer,
    )


def test_a_fact_ticked_off_on_the_dutch_page_joins_the_sources(
    server: Server, browser: Browser
) -> None:
    email = server.account("feiten@example.org", "editor", languages="nl")
    path = server.content / STEP_FOLDER / "nl.md"
    fact = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["verify"][0]
    page = open_logged_in(browser, server, email, f"/editor/step/{STEP}/nl")
    item = page.locator(".fact-list li").first
    assert item.locator("p[lang=nl]").inner_text() == fact
    item.locator("summary").click()
    item.locator("input[name=url]").fill("https://www.inburgeren.nl/inburgeren-bij-de-gemeente/")
    item.locator("input[name=title]").fill("Inburgeren.nl: de brede intake")
    with page.expect_navigation():
        item.locator("button[type=submit]").click()
    assert page.url.endswith(f"/editor/step/{STEP}/nl")
    assert "The fact is checked" in page.inner_text("main")
    meta, _body, _line = read_front_matter(path)
    assert fact not in (meta.get("verify") or [])
    assert {
        "url": "https://www.inburgeren.nl/inburgeren-bij-de-gemeente/",
        "title": "Inburgeren.nl: de brede intake",
    }.items() <= {k: str(v) for k, v in meta["sources"][-1].items()}.items()
    assert eventually(
        lambda: "Inburgeren.nl: de brede intake" in server.browser().get(f"/nl/plan/{STEP}/").text
    )


def test_a_page_stops_saying_its_facts_may_change_once_the_last_is_ticked_off(
    server: Server, browser: Browser
) -> None:
    step, folder = "participatieverklaring", Path("plan/10-participatieverklaring")
    may_change = catalog_text(
        "ar", "Some facts on this page are still being checked. They may change."
    )
    reader = browser.new_context(locale="ar").new_page()
    reader.goto(f"http://127.0.0.1:{server.port}/ar/plan/{step}/")
    notice = reader.locator(".notice", has_text=may_change)
    assert notice.count() == 1
    assert notice.evaluate("n => getComputedStyle(n).direction") == "rtl"
    print_path = f"/ar/plan/{step}.pdf"
    pdf = " ".join(pages_text(public_pdf(server.browser(), print_path).body))
    assert has_phrase(pdf, may_change, "ar")

    email = server.account("alle-feiten@example.org", "editor", languages="nl")
    editor = open_logged_in(browser, server, email, f"/editor/step/{step}/nl")
    facts = editor.locator(".fact-list li")
    while facts.count():
        facts.first.locator("summary").click()
        facts.first.locator("input[name=url]").fill("https://www.duo.nl/particulier/inburgeren/")
        facts.first.locator("input[name=title]").fill("DUO: inburgeren")
        with editor.expect_navigation():
            facts.first.locator("button[type=submit]").click()
        assert "The fact is checked" in editor.inner_text("main"), editor.inner_text("main")
    meta, _body, _line = read_front_matter(server.content / folder / "nl.md")
    assert "verify" not in meta

    # Within seconds: a worker reads the change the next time it looks (each request may
    # meet another worker).
    def page_is_sure() -> bool:
        return may_change not in server.browser().get(f"/ar/plan/{step}/").text

    def print_is_sure() -> bool:
        pdf = " ".join(pages_text(public_pdf(server.browser(), print_path).body))
        return not has_phrase(pdf, may_change, "ar")

    assert eventually(page_is_sure)
    assert eventually(print_is_sure)
    # The translation itself is still a draft, and still says so.
    draft = "This translation has not been checked yet. The Dutch text is the official one."
    assert catalog_text("ar", draft) in server.browser().get(f"/ar/plan/{step}/").text


def test_an_admin_disables_an_account_in_the_browser_and_its_sessions_end(
    server: Server, browser: Browser
) -> None:
    admin = server.account("beheer@example.org", "admin")
    email = server.account("weg@example.org", "editor", languages="ar")
    session = logged_in(server.port, email)
    assert session.get("/editor/").status == 200
    page = open_logged_in(browser, server, admin, "/admin/accounts")
    assert_no_violations(page)
    with page.expect_navigation():
        page.get_by_role("link", name=email).click()
    page.locator("#disabled").check()
    with page.expect_navigation():
        page.locator("form.staff-form button[type=submit]").click()
    assert "The account was changed." in page.inner_text("main")
    # Every worker: the session is over, on the next request.
    for _request in range(6):
        assert session.get("/editor/").status == 302
    assert log_in(server.browser(), email).status == 403


def test_arabic_parts_read_right_to_left_with_each_placeholder_isolated(
    server: Server, browser: Browser
) -> None:
    email = server.account("vertaler-arabisch@example.org", "editor", languages="ar")
    page = open_logged_in(browser, server, email, f"/editor/letter/{LETTER}/ar")
    line = page.locator("#segment-0-editor")
    assert line.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "Wegwijs Arabic" in line.evaluate("e => getComputedStyle(e).fontFamily")
    chip = line.locator(".chip").first
    assert chip.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert chip.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    source = page.locator(".segment-source p").first
    assert source.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert_no_violations(page)
