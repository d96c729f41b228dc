"""Public PDFs on the real server: one cache on disk for every worker and every restart, and
one PDF rendered at a time, so that a storm of PDF requests never holds up the pages."""

from __future__ import annotations

import fcntl
import time

from tests.layout import layout_faults
from tests.server.harness import (
    LETTER,
    MUNICIPALITY,
    PERSON,
    Browser,
    StartServer,
    csrf_token,
    logged_in,
)

PDF = "/ar/plan/pip.pdf"
PREBUILD_WAIT_SECONDS = 150


def test_a_public_pdf_is_made_once_for_every_worker_and_restart(start_server: StartServer) -> None:
    server = start_server()
    browser = Browser(server.port)
    first = browser.get(PDF, timeout=60)
    assert first.status == 200, first
    (kept,) = (server.instance / "pdf-cache").rglob("*.pdf")
    made = kept.stat()
    # Every web worker is killed and forked again: the PDF is still there and not made again.
    for _ in range(2):
        killed = server.kill_worker()
        server.wait_for_workers(gone=[killed])
    for _ in range(4):  # whichever worker answers
        again = browser.get(PDF, timeout=60)
        assert again.status == 200, again
        assert again.body == first.body
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (made.st_ino, made.st_mtime_ns)


def test_while_a_pdf_is_made_another_one_waits_and_the_pages_do_not(
    start_server: StartServer,
) -> None:
    server = start_server()
    browser = Browser(server.port, {"Accept-Language": "ar"})
    cache = server.instance / "pdf-cache"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "render.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a worker that renders a PDF holds it
        busy = browser.get(PDF, timeout=10)
        assert busy.status == 503, busy
        assert busy.header("Retry-After") == "5"
        assert 'dir="rtl"' in busy.text
        assert "PDF" in busy.text
        assert browser.get("/ar/plan/pip/").status == 200
    assert browser.get(PDF, timeout=60).status == 200


def test_with_a_public_address_the_job_worker_makes_the_pdfs_ahead(
    start_server: StartServer,
) -> None:
    server = start_server(settings={"PORTAL_PUBLIC_BASE_URL": "https://wegwijs.example.nl"})
    cache = server.instance / "pdf-cache"
    deadline = time.monotonic() + PREBUILD_WAIT_SECONDS  # the task runs once a minute
    while time.monotonic() < deadline and len(list(cache.rglob("*.pdf"))) < 2:
        time.sleep(1)
    made = list(cache.rglob("*.pdf"))
    assert len(made) >= 2, f"no PDFs made ahead after {PREBUILD_WAIT_SECONDS} s"
    # What was made ahead is what a reader gets, without waiting for a render.
    first = Browser(server.port).get("/nl/plan.pdf", timeout=60)
    assert first.status == 200
    assert first.body in [path.read_bytes() for path in made]


def test_the_prints_the_server_sends_have_no_print_faults(start_server: StartServer) -> None:
    """The plan and a letter as gunicorn sends them (its workers' fonts, caches and print
    processes) pass the same print fault check as in tests/test_print_renders.py."""
    server = start_server()
    browser = Browser(server.port)
    for path, pages in (("/ti/plan.pdf", (1, 2)), ("/ar/plan-bilingual.pdf", (1, 3))):
        reply = browser.get(path, timeout=120)
        assert reply.status == 200, (path, reply)
        for page in pages:
            assert layout_faults(reply.body, page) == [], (path, page)
    staff = logged_in(
        server.port, server.account("prints.staff@example.org", "staff", MUNICIPALITY)
    )
    letter = f"/staff/letters/{LETTER}/"
    fields = {"csrf_token": csrf_token(staff.get(letter).text), "action": "pdf"}
    reply = staff.post(letter, PERSON | {"municipality": MUNICIPALITY, "taal": "ti"} | fields)
    assert reply.status == 200, reply
    assert reply.content_type == "application/pdf"
    for page in (1, 2):  # Dutch with the address, then Tigrinya
        assert layout_faults(reply.body, page) == [], page
