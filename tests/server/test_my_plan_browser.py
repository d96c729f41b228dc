"""My plan on the phone, in Debian's chromium against gunicorn as `make run` starts it: the page
shows a plan from its link in all four languages (Arabic right to left, Dutch places and times
isolated), puts each appointment in the calendar with a reminder the day before (read back by
the icalendar library), keeps the plan on the phone and removes it again, explains itself
without JavaScript; and nothing of the plan reaches the server: not in any request the page
makes, not in the access log. A letter's QR code opens its step with the appointment on top,
ready for the calendar, just as privately."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Page, Request

from tests.browser.test_accessibility import assert_no_violations
from tests.catalogs import catalog_text
from tests.pdf_tools import has_phrase, pages_text, qr_codes
from tests.server.harness import LETTER, MUNICIPALITY, PERSON, Server, csrf_token, logged_in
from tests.server.test_editor_browser import open_logged_in

PLACE = "Stadskantoor, Stadhuisplein 130, 5038 TC Tilburg"
PHONE = "013 542 0000"
TYPED_KIND = "Gesprek met de jobcoach"
# Brede intake on 14 January 2027 at 9:30, a talk with the jobcoach on 1 February (no time);
# the customer manager's phone. Route B1, now at the PIP step.
FRAGMENT = (
    "1!b1-route!pip!brede-intake,20270114,0930,Stadskantoor%2C+Stadhuisplein+130%2C+5038+TC+Tilburg"
    "*'Gesprek+met+de+jobcoach,20270201,,Werkplein!klantregisseur,013+542+0000"
)
# What must never reach the server, in every form the browser could send it (long enough that
# a byte count or a port in the access log cannot contain it by chance).
SECRETS = (
    "Stadhuisplein",
    *("5038+TC", "5038 TC", "5038%20TC"),
    *("542+0000", "542 0000", "542%200000", "5420000"),
    "20270114",
    "jobcoach",
    "Werkplein",
    "klantregisseur",
)
PHONE_SIZE = {"width": 360, "height": 740}


def open_plan(browser: Browser, server: Server, lang: str, requests: list[Request]) -> Page:
    """Open the plan link on a phone-sized page that records every request it makes."""
    context = browser.new_context(locale=lang, viewport=PHONE_SIZE, accept_downloads=True)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request))
    page.goto(f"http://127.0.0.1:{server.port}/{lang}/mijn-plan/#{FRAGMENT}")
    page.locator("#my-plan").wait_for(state="visible")
    return page


def assert_nothing_of_the_plan_was_sent(requests: list[Request], server: Server) -> None:
    """No request (address, headers, body) and no line of the access log holds plan data."""
    assert requests, "no request was recorded"
    for request in requests:
        sent = " ".join([request.url, str(request.all_headers()), request.post_data or ""])
        for secret in (*SECRETS, "mijn-plan/#"):
            assert secret not in sent, f"{secret!r} was sent in {request.method} {request.url}"
    log = server.access_log()
    assert "/mijn-plan/" in log, "the page was not asked for at all?"
    for secret in SECRETS:
        assert secret not in log


@pytest.mark.parametrize("lang", ["nl", "en", "ar", "ti"])
def test_my_plan_shows_the_plan_in_each_language_and_sends_none_of_it(
    server: Server, browser: Browser, lang: str
) -> None:
    requests: list[Request] = []
    page = open_plan(browser, server, lang, requests)
    html_dir = "rtl" if lang == "ar" else "ltr"
    assert page.locator("html").get_attribute("dir") == html_dir
    assert page.evaluate("() => getComputedStyle(document.body).direction") == html_dir
    # The address bar no longer holds the plan; the phone's storage does.
    assert page.evaluate("() => location.hash") == ""
    assert page.evaluate("() => localStorage.getItem('wegwijs-my-plan')") == FRAGMENT
    # What is next: the brede intake, its time and place isolated left to right.
    next_up = page.locator("[data-next] .appointment")
    assert "9:30" in next_up.inner_text() or "09:30" in next_up.inner_text()
    place = next_up.locator(".appointment-place bdi")
    assert place.inner_text() == PLACE
    assert place.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert place.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    # Both appointments, the typed one in Dutch and marked so.
    kinds = page.locator("[data-appointments] .appointment-kind")
    assert kinds.count() == 2
    assert kinds.nth(1).inner_text() == TYPED_KIND
    assert kinds.nth(1).get_attribute("lang") == "nl"
    # The steps of route B1 (not the other routes), the PIP marked as where she is now.
    current = page.locator("[data-steps] [aria-current=step]")
    assert current.count() == 1
    assert current.locator("a").get_attribute("href") == f"/{lang}/plan/pip/"
    links = page.locator("[data-steps] a").evaluate_all("links => links.map(a => a.pathname)")
    assert f"/{lang}/plan/b1-route/" in links
    assert f"/{lang}/plan/z-route/" not in links
    assert page.locator("[data-steps] .my-step-done").count() >= 3
    # The contact: what she does, and a phone number to call.
    call = page.locator("[data-contacts] a.contact-phone")
    assert call.get_attribute("href") == "tel:0135420000"
    assert_no_violations(page)
    # Opened again from the home screen (no link): the plan is still there.
    page.goto(f"http://127.0.0.1:{server.port}/{lang}/mijn-plan/")
    page.locator("#my-plan").wait_for(state="visible")
    assert page.locator("[data-appointments] .appointment").count() == 2
    assert_nothing_of_the_plan_was_sent(requests, server)


def test_an_appointment_goes_into_the_calendar_with_a_reminder_the_day_before(
    server: Server, browser: Browser, tmp_path: Path
) -> None:
    page = open_plan(browser, server, "ar", [])
    with page.expect_download() as download:
        page.locator("[data-appointments] .appointment").first.locator("a[download]").click()
    saved = tmp_path / "afspraak.ics"
    download.value.save_as(saved)
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 14, 9, 30)
    assert str(event["LOCATION"]) == PLACE
    assert str(event["SUMMARY"]), "the appointment has no name"
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert alarms[0].decoded("TRIGGER") == -dt.timedelta(days=1)
    # The appointment without a time is a whole day.
    with page.expect_download() as download:
        page.locator("[data-appointments] .appointment").nth(1).locator("a[download]").click()
    download.value.save_as(saved)
    event = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == dt.date(2027, 2, 1)
    assert str(event["SUMMARY"]) == TYPED_KIND


def test_remove_my_plan_clears_it_from_the_phone(server: Server, browser: Browser) -> None:
    page = open_plan(browser, server, "ti", [])
    page.locator("[data-remove]").click()
    assert page.locator("[data-message-removed]").is_visible()
    assert page.locator("#my-plan").is_hidden()
    assert page.evaluate("() => localStorage.getItem('wegwijs-my-plan')") is None
    page.reload()
    assert page.locator("[data-message-none]").is_visible()
    # A broken link says so, and keeps nothing.
    page.goto(f"http://127.0.0.1:{server.port}/ti/mijn-plan/#1!b1-route!pip!kapot")
    assert page.locator("[data-message-broken]").is_visible()
    assert page.evaluate("() => localStorage.getItem('wegwijs-my-plan')") is None


def test_without_javascript_the_page_explains_how_to_read_the_plan_from_paper(
    server: Server, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en")
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.port}/en/mijn-plan/#{FRAGMENT}")
    main = page.locator("main").inner_text()
    assert "Read your plan on the paper" in main
    assert page.locator("#my-plan").is_hidden()
    assert page.locator("main a[href='/en/plan/']").count() >= 1


def test_my_plan_opens_without_a_connection_once_the_pack_is_saved(
    server: Server, browser: Browser
) -> None:
    """Saved with the offline pack (issue 9's service worker), the page opens from the home
    screen without a connection and shows the plan kept on the phone."""
    context = browser.new_context(locale="ti", service_workers="allow", viewport=PHONE_SIZE)
    page = context.new_page()
    base = f"http://127.0.0.1:{server.port}"
    page.goto(f"{base}/ti/mijn-plan/#{FRAGMENT}")
    page.locator("#my-plan").wait_for(state="visible")
    box = page.locator("section.save-offline")
    box.locator("button[data-action=save-offline]").click()
    box.and_(page.locator("[data-offline-state=saved]")).wait_for(timeout=120_000)
    context.set_offline(True)
    page.goto(f"{base}/ti/mijn-plan/")
    page.locator("#my-plan").wait_for(state="visible")
    assert page.locator("[data-appointments] .appointment").count() == 2
    assert page.locator("[data-steps] [aria-current=step]").count() == 1
    # The steps it links to open too.
    page.locator("[data-steps] [aria-current=step] a").click()
    page.wait_for_url(f"{base}/ti/plan/pip/")
    assert page.locator("h1").first.inner_text().strip()
    context.close()


@pytest.mark.parametrize("lang", ["ar", "ti"])
def test_a_letters_code_shows_its_appointment_and_puts_it_in_the_calendar(
    server: Server, browser: Browser, tmp_path: Path, lang: str
) -> None:
    """The invitation to the brede intake, printed by gunicorn, scanned from a 150 dpi page:
    the step opens in the person's language with the appointment, which goes into the
    calendar; no request and no log line carries it."""
    staff = logged_in(server.port, server.account(f"brief-{lang}@example.org", "staff"))
    letter = f"/staff/letters/{LETTER}/"
    place = "Stadswinkel Tilburg, Stadhuisplein 130"
    fields = {"csrf_token": csrf_token(staff.get(letter).text), "action": "pdf"}
    values = PERSON | {"municipality": MUNICIPALITY, "taal": lang, "locatie": place}
    reply = staff.post(letter, values | fields)
    assert reply.status == 200, reply
    [code] = qr_codes(reply.body, 1)
    path = f"/{lang}/gemeente/{MUNICIPALITY}/plan/brede-intake/"
    assert code.startswith(f"http://127.0.0.1:{server.port}{path}#afspraak=brede-intake,")
    requests: list[Request] = []
    context = browser.new_context(locale=lang, viewport=PHONE_SIZE, accept_downloads=True)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request))
    page.goto(code)
    card = page.locator("#letter-appointment")
    card.wait_for(state="visible")
    # Above the step's text, in the reader's language: the kind (as the list calls it in
    # that language), the date, the time and the place isolated left to right.
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    kinds = json.loads(page.locator("#appointment-words").get_attribute("data-kinds") or "")
    assert card.locator(".appointment-kind").inner_text() == kinds["brede-intake"]
    assert kinds["brede-intake"] != "Brede intake", "the kind is not translated"
    assert card.locator(".appointment-kind").get_attribute("lang") is None
    assert "09:30 – 10:30" in card.inner_text()  # from eindtijd: until about 10:30
    # The date in words of the reader's language, as the letter writes it (Chromium has no
    # Tigrinya dates of its own: the page brings the names).
    date = card.locator(".appointment-when").evaluate("e => e.firstChild.textContent")
    assert has_phrase("\n".join(pages_text(reply.body)), date, lang), date
    assert not re.search(r"\d{2}-\d{2}-\d{4}", date), date
    shown_place = card.locator(".appointment-place bdi")
    assert shown_place.inner_text() == place
    assert shown_place.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.locator("h1").first.inner_text().strip()
    assert_no_violations(page)
    with page.expect_download() as download:
        card.locator("a[download]").click()
    saved = tmp_path / "afspraak.ics"
    download.value.save_as(saved)
    event = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 3, 9, 30)
    assert event.decoded("DTEND") == dt.datetime(2026, 12, 3, 10, 30)
    assert str(event["LOCATION"]) == place
    assert event.walk("VALARM")[0].decoded("TRIGGER") == -dt.timedelta(days=1)
    # Nothing of the appointment went to the server, nor did the person's name.
    assert requests, "no request was recorded"
    secrets = ("Stadhuisplein", "20261203", "afspraak=", PERSON["achternaam"])
    for request in requests:
        sent = " ".join([request.url, str(request.all_headers()), request.post_data or ""])
        assert [secret for secret in secrets if secret in sent] == [], request.url
    log = server.access_log()
    assert path in log, "the step was not asked for at all?"
    assert [secret for secret in secrets if secret in log] == []
    # A code whose appointment is not whole says so, and the step is still there.
    page.goto(f"http://127.0.0.1:{server.port}{path}#afspraak=brede-intake,2026")
    card.wait_for(state="visible")
    assert card.locator(".appointment").count() == 0
    assert card.locator("p").inner_text().strip()
    context.close()


def test_the_letters_preview_shows_a_code_to_scan_from_the_screen(
    server: Server, browser: Browser, tmp_path: Path
) -> None:
    """Staff can put the appointment on the person's phone during the meeting, from the
    letter's preview, without printing."""
    email = server.account("voorbeeld-brief@example.org", "staff")
    page = open_logged_in(browser, server, email, f"/staff/letters/{LETTER}/")
    for name, value in (PERSON | {"locatie": "Stadswinkel Tilburg"}).items():
        if name != "taal":
            page.fill(f"[name={name}]", value)
    page.select_option("[name=taal]", "ti")
    with page.expect_navigation():
        page.locator("button[value=preview]").click()
    code = page.locator(".preview-page").first.locator("img.qr-appointment")
    shot = tmp_path / "code.png"
    code.screenshot(path=str(shot))
    read = subprocess.run(["zbarimg", "-q", "--raw", str(shot)], capture_output=True, text=True)
    path = f"/ti/gemeente/{MUNICIPALITY}/plan/brede-intake/"
    assert read.stdout.strip() == (
        f"http://127.0.0.1:{server.port}{path}#afspraak=brede-intake,20261203,0930-1030,"
        "Stadswinkel+Tilburg"
    )


def test_a_letters_appointment_joins_the_plan_this_phone_keeps(
    server: Server, browser: Browser
) -> None:
    """A person who keeps My plan scans a new letter: its appointment goes into that plan,
    once, on the phone alone."""
    requests: list[Request] = []
    page = open_plan(browser, server, "ti", requests)
    base = f"http://127.0.0.1:{server.port}"
    page.goto(f"{base}/ti/plan/pip/#afspraak=pip,20270302,1000-1100,Werkplein+Tilburg")
    card = page.locator("#letter-appointment")
    card.wait_for(state="visible")
    add = card.locator(".add-to-plan button")
    assert add.inner_text() == catalog_text("ti", "Add to My plan")
    add.click()
    in_plan = card.locator(".add-to-plan p")
    assert (
        catalog_text("ti", "This appointment is in your plan on this phone.")
        in in_plan.inner_text()
    )
    kept = page.evaluate("() => localStorage.getItem('wegwijs-my-plan')")
    assert kept == FRAGMENT.replace(
        "!klantregisseur", "*pip,20270302,1000-1100,Werkplein+Tilburg!klantregisseur"
    )
    # Scanned again: it is in the plan already, and not added twice.
    page.reload()
    card.wait_for(state="visible")
    assert card.locator(".add-to-plan button").count() == 0
    assert (
        catalog_text("ti", "This appointment is in your plan on this phone.")
        in in_plan.inner_text()
    )
    # My plan shows it with the others, dated in Tigrinya.
    in_plan.locator("a").click()
    page.wait_for_url(f"{base}/ti/mijn-plan/")
    shown = page.locator("[data-appointments] .appointment")
    assert shown.count() == 3
    assert "Werkplein Tilburg" in shown.nth(2).inner_text()
    assert "10:00 – 11:00" in shown.nth(2).inner_text()
    assert "ሰሉስ" in shown.nth(2).inner_text()  # Tuesday, 2 March 2027
    assert_nothing_of_the_plan_was_sent(requests, server)
    for request in requests:
        assert "20270302" not in request.url


def test_without_a_plan_on_the_phone_a_letters_appointment_offers_none(
    server: Server, browser: Browser
) -> None:
    page = browser.new_context(locale="ar", viewport=PHONE_SIZE).new_page()
    page.goto(f"http://127.0.0.1:{server.port}/ar/plan/pip/#afspraak=pip,20270302,1000,Werkplein")
    card = page.locator("#letter-appointment")
    card.wait_for(state="visible")
    assert card.locator(".appointment-when").count() == 1
    assert card.locator(".add-to-plan").inner_text() == ""
    assert page.evaluate("() => localStorage.getItem('wegwijs-my-plan')") is None
