"""Public PDFs on the real server: one cache on disk for every worker and every restart, and
one PDF rendered at a time, so that a storm of PDF requests never holds up the pages."""

from __future__ import annotations

import fcntl
import time

from tests.server.harness import Browser, StartServer

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
