"""A short soak: step pages, prints and logins from several clients while a worker is killed."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server.harness import (
    LANGUAGES,
    PASSWORD,
    REDIRECT,
    STEP_SLUGS,
    Browser,
    MemoryWatch,
    Reply,
    Server,
    csrf_token,
)

SOAK_SECONDS = 36.0
KILL_AFTER_SECONDS = SOAK_SECONDS / 2
CLIENTS = 6
PRINT_EVERY = 15  # one request in 15 is the plan as PDF
PRINT = "/ar/plan.pdf"
PRINT_SECONDS = 30.0
# Logins from one address are limited (10 failed ones a minute); these all succeed, but they
# are kept few and one at a time, so that no limit and no other client's logout plays a part.
LOGINS = 8
LOGIN_GAP_SECONDS = 4.0
SAMPLE_SECONDS = 0.25
EXPECTED = {
    "page": (200,),
    "print": (200,),
    "login page": (200,),
    "login": REDIRECT,
    "staff home": (200,),
    "logout": REDIRECT,
}
# Failures the test causes on purpose. A sync worker handles one request at a time; when the
# test kills it with SIGKILL, the request it is handling has no answer by definition: its
# connection is reset or closed without a response. Such a failure is counted apart, and only
# when the request was in flight at the moment of the kill (started before the signal, ended
# after it) and failed in exactly this way; at most one can. Everything else, including any
# request that gunicorn's master should have given to the other worker or to the new one,
# counts as a failure. ("Connection refused" is never on purpose: an in-flight request is
# already connected, and a refused connection means the master stopped listening.)
CUT_OFF = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)


@dataclass
class Record:
    """One request of the soak: what, when, and what came of it."""

    kind: str
    path: str
    start: float
    end: float = 0.0
    status: int | None = None
    error: BaseException | None = None

    def failed(self) -> bool:
        """Say whether this request failed: no answer, a 5xx, or another unexpected status."""
        return self.error is not None or self.status not in EXPECTED[self.kind]

    def __str__(self) -> str:
        """Show the request for a failure message."""
        what = f"{type(self.error).__name__}: {self.error}" if self.error else self.status
        return f"{self.kind} {self.path} at {self.start:.2f}-{self.end:.2f} s: {what}"


class Soak:
    """The shared state of the clients: every request made, the login turns, the kill."""

    def __init__(self, server: Server, email: str) -> None:
        self.server = server
        self.email = email
        self.records: list[Record] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.stop_at = self.started + SOAK_SECONDS
        # When the worker was killed, in seconds after the start: just before and just after
        # the signal was sent.
        self.kill_window: tuple[float, float] | None = None
        self.logins_left = LOGINS
        self.last_login = -LOGIN_GAP_SECONDS
        self.logging_in = False
        self.thread_errors: list[str] = []

    def now(self) -> float:
        """Return the seconds since the soak started."""
        return time.monotonic() - self.started

    def request(self, kind: str, path: str, send: Callable[[], Reply]) -> Reply | None:
        """Make one request and record it; return the reply if it is the one expected.

        A failure is recorded, never raised. Only the record is kept, not the page.
        """
        record = Record(kind, path, self.now())
        reply = None
        try:
            reply = send()
            record.status = reply.status
        except (OSError, http.client.HTTPException) as error:
            record.error = error
        record.end = self.now()
        with self.lock:
            self.records.append(record)
        return None if record.failed() else reply

    def on_purpose(self, record: Record) -> bool:
        """Say whether a failure was caused by the test: cut off while its worker was killed."""
        if self.kill_window is None or not isinstance(record.error, CUT_OFF):
            return False
        before, after = self.kill_window
        return record.start <= after and record.end >= before

    def take_login_turn(self) -> bool:
        """Claim the next login, when it is due and no other client is logging in."""
        with self.lock:
            due = self.now() - self.last_login >= LOGIN_GAP_SECONDS
            if self.logging_in or not self.logins_left or not due:
                return False
            self.logins_left -= 1
            self.last_login = self.now()
            self.logging_in = True
            return True

    def log_in_and_out(self) -> None:
        """Log in through the form, open the staff page, log out; stop at the first failure."""
        browser = self.server.browser()
        try:
            page = self.request("login page", "/staff/login", lambda: browser.get("/staff/login"))
            if page is None:
                return
            fields = {"email": self.email, "password": PASSWORD}
            token = csrf_token(page.text)
            login = self.request(
                "login",
                "/staff/login",
                lambda: browser.post("/staff/login", fields | {"csrf_token": token}),
            )
            if login is None:
                return
            home = self.request("staff home", "/staff/", lambda: browser.get("/staff/"))
            if home is None:
                return
            logout_token = csrf_token(home.text)
            self.request(
                "logout",
                "/staff/logout",
                lambda: browser.post("/staff/logout", {"csrf_token": logout_token}),
            )
        finally:
            with self.lock:
                self.logging_in = False

    def visit(self, browser: Browser, page: str) -> None:
        """Request one step page."""
        self.request("page", page, lambda: browser.get(page))

    def client(self, number: int) -> None:
        """One client: step pages in every language, now and then the print, logins in turn."""
        try:
            pages = [f"/{lang}/plan/{slug}/" for lang in LANGUAGES for slug in STEP_SLUGS]
            random.Random(number).shuffle(pages)  # noqa: S311 - an order of pages, not a secret
            browser = self.server.browser()
            count = 0
            while time.monotonic() < self.stop_at:
                count += 1
                if self.take_login_turn():
                    self.log_in_and_out()
                elif count % PRINT_EVERY == 0:
                    self.request("print", PRINT, lambda: browser.get(PRINT, timeout=PRINT_SECONDS))
                else:
                    self.visit(browser, pages[count % len(pages)])
        except Exception as error:  # reported by the test
            self.thread_errors.append(f"client {number}: {type(error).__name__}: {error}")


@pytest.mark.server
def test_pages_prints_and_logins_keep_working_while_a_worker_is_killed(
    server: Server, tmp_path: Path
) -> None:
    soak = Soak(server, server.account("soak.staff@example.org", "staff"))
    watch = MemoryWatch(server, SAMPLE_SECONDS)
    watch.start()
    clients = [threading.Thread(target=soak.client, args=(n,)) for n in range(CLIENTS)]
    try:
        for thread in clients:
            thread.start()
        time.sleep(max(0.0, KILL_AFTER_SECONDS - soak.now()))
        before = soak.now()
        victim = server.kill_worker()
        soak.kill_window = (before, soak.now())
        server.wait_for_workers(gone=[victim])
        replaced_after = soak.now() - before
        for thread in clients:
            thread.join(SOAK_SECONDS + PRINT_SECONDS)
    finally:
        peak = watch.stop()

    records = soak.records
    # While the PDF is first made, other requests for it get "not ready yet, try again" (503,
    # printing.PrintBusy) instead of waiting; once made, it comes from the shared cache, for
    # every worker and after the kill: from then on every print must succeed.
    made = min((r.end for r in records if r.kind == "print" and r.status == 200), default=None)
    assert made is not None, "no print succeeded"
    not_ready = [r for r in records if r.kind == "print" and r.status == 503 and r.start < made]
    failures = [r for r in records if r.failed() and not soak.on_purpose(r) and r not in not_ready]
    on_purpose = [r for r in records if r.failed() and soak.on_purpose(r)]
    numbers = {
        "seconds": round(soak.now(), 1),
        "clients": CLIENTS,
        "requests": len(records),
        "requests_by_kind": dict(Counter(r.kind for r in records)),
        "requests_per_second": round(len(records) / SOAK_SECONDS, 1),
        "failures": len(failures),
        "failures_caused_on_purpose": len(on_purpose),
        "prints_not_ready_yet": len(not_ready),
        "caused_on_purpose": [str(r) for r in on_purpose],
        "worker_killed_at_seconds": round(before, 1),
        "worker_replaced_after_seconds": round(replaced_after, 2),
        "slowest_page_seconds": round(
            max((r.end - r.start for r in records if r.kind == "page"), default=0.0), 3
        ),
        "slowest_print_seconds": round(
            max((r.end - r.start for r in records if r.kind == "print"), default=0.0), 3
        ),
        "worker_rss_peak_mb": {str(pid): round(mb, 1) for pid, mb in peak.items()},
        "worker_rss_peak_max_mb": round(max(peak.values(), default=0.0), 1),
    }
    (tmp_path / "soak.json").write_text(json.dumps(numbers, indent=1))
    print("\nsoak:", json.dumps(numbers))

    assert not soak.thread_errors, soak.thread_errors
    assert not any(thread.is_alive() for thread in clients), "a client did not finish"
    assert not failures, f"{len(failures)} failed requests:\n" + "\n".join(
        str(r) for r in failures[:20]
    )
    assert len(on_purpose) <= 1, "a sync worker has one request in flight: " + "; ".join(
        str(r) for r in on_purpose
    )
    assert server.running(), "the gunicorn master exited"
    assert victim not in server.worker_pids()
    kinds = Counter(r.kind for r in records)
    assert kinds["page"] >= 100, f"too few requests to call this a soak: {numbers}"
    assert kinds["print"] >= CLIENTS, f"too few prints: {numbers}"
    assert kinds["logout"] >= LOGINS // 2, f"too few logins: {numbers}"
