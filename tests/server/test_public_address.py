"""Prints lead to the real public address on the real server (gunicorn as `make run` starts
it): the QR codes are decoded with zbarimg from PDFs made under other hosts and ports."""

from __future__ import annotations

from tests.pdf_tools import qr_codes
from tests.server.harness import MUNICIPALITY, Browser, StartServer, logged_in, public_pdf
from tests.server.test_jobs import start_job, wait_for_end

PUBLIC_PDF = "/ar/plan/pip.pdf"


def qr_of_public_pdf(browser: Browser, headers: dict[str, str]) -> list[str]:
    """Return the QR codes on page 1 of a public PDF asked for with these headers (with the
    public address set, the job worker makes PDFs ahead right after the start)."""
    return qr_codes(public_pdf(browser, PUBLIC_PDF, headers).body)


def test_without_the_setting_prints_lead_to_the_host_they_were_asked_on(
    start_server: StartServer,
) -> None:
    server = start_server()
    browser = Browser(server.port)
    assert "the address each request came in on" in server.error_log()
    assert qr_of_public_pdf(browser, {"Host": "wegwijs.example:8443"}) == [
        "http://wegwijs.example:8443/ar/plan/pip/"
    ]
    # No trusted proxy: a client cannot make the codes lead elsewhere with X-Forwarded-*.
    forged = {"Host": "wegwijs.example", "X-Forwarded-Host": "evil.example"}
    forged["X-Forwarded-Proto"] = "https"
    assert qr_of_public_pdf(browser, forged) == ["http://wegwijs.example/ar/plan/pip/"]


def test_behind_a_trusted_proxy_prints_lead_to_the_address_the_proxy_names(
    start_server: StartServer,
) -> None:
    server = start_server(settings={"PORTAL_TRUSTED_PROXIES": "1"})
    headers = {"X-Forwarded-Host": "wegwijs.tilburg.example", "X-Forwarded-Proto": "https"}
    assert qr_of_public_pdf(Browser(server.port), headers) == [
        "https://wegwijs.tilburg.example/ar/plan/pip/"
    ]


def test_the_setting_wins_for_pages_and_for_the_letters_of_a_job(
    start_server: StartServer,
) -> None:
    public = "https://wegwijs.voorbeeld.nl"
    server = start_server(settings={"PORTAL_PUBLIC_BASE_URL": public})
    assert public in server.error_log()
    assert qr_of_public_pdf(Browser(server.port), {"Host": "elsewhere.example"}) == [
        f"{public}/ar/plan/pip/"
    ]
    staff = logged_in(server.port, server.account("qr.staff@example.org", "staff", MUNICIPALITY))
    state, _seen = wait_for_end(staff, start_job(staff, 4))
    assert state["state"] == "done", state
    pdf = staff.get(str(state["download"]), timeout=60).body
    # The first person reads Dutch: the code leads to the letter's step in Dutch.
    (code,) = qr_codes(pdf, 1)
    assert code.startswith(f"{public}/nl/gemeente/{MUNICIPALITY}/plan/"), code
