"""Login, logout and sessions on the real server: both workers, a proxy, HTTPS, languages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tests.server.harness import (
    REDIRECT,
    REQUEST_SECONDS,
    WRONG_PASSWORD,
    Browser,
    Server,
    StartServer,
    cookie_attributes,
    csrf_token,
    local_path,
    log_in,
    logged_in,
)

LIMIT = 10  # failed logins a minute, per account and per address
ATTEMPTS = 12
STAFF = "login.staff@example.org"
OTHER = "other.staff@example.org"
HSTS = "Strict-Transport-Security"
RELOAD_SECONDS = 2.5  # the other worker reads languages.yml again within 2 s


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Return one server for the tests that only log in successfully (a start costs seconds)."""
    server = Server(tmp_path_factory.mktemp("shared") / "server").prepare()
    server.start()
    try:
        server.account(STAFF, "staff")
        yield server
    finally:
        server.stop()


def failed_logins(
    server: Server, emails: list[str], addresses: list[str | None]
) -> list[tuple[int, int]]:
    """Try a wrong password once per (e-mail, address) pair, each in a new visitor.

    An address is sent as X-Forwarded-For (None: none sent). Returns (attempt, status) pairs.
    Up to the limit the attempts go two at a time, sent at the same moment: a sync worker
    takes one request at a time, so each worker gets one of every pair, and a count kept
    per worker stays at half the limit. The attempts after the limit go one by one.
    """
    answered: dict[int, int] = {}
    attempts = list(enumerate(zip(emails, addresses, strict=True), start=1))

    problems: list[str] = []

    def attempt(number: int, email: str, address: str | None, start: threading.Barrier) -> None:
        headers = {"X-Forwarded-For": address} if address else None
        browser = server.browser()
        try:
            page = browser.get("/staff/login", headers=headers)
            token = csrf_token(page.text)
            start.wait()
            fields = {"email": email, "password": WRONG_PASSWORD, "csrf_token": token}
            answered[number] = browser.post("/staff/login", fields, headers=headers).status
        except Exception as error:  # reported below, not lost in a thread
            problems.append(f"failed login {number}: {type(error).__name__}: {error}")

    for first in range(0, LIMIT, 2):
        pair = attempts[first : first + 2]
        start = threading.Barrier(len(pair), timeout=REQUEST_SECONDS)
        threads = [
            threading.Thread(target=attempt, args=(number, email, address, start))
            for number, (email, address) in pair
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(2 * REQUEST_SECONDS)
    for number, (email, address) in attempts[LIMIT:]:
        attempt(number, email, address, threading.Barrier(1))
    assert not problems, problems
    errors = [(n, status) for n, status in answered.items() if status >= 500]
    assert not errors, f"failed logins answered {errors}"
    return sorted(answered.items())


def assert_limited_after(answered: list[tuple[int, int]], limit: int = LIMIT) -> None:
    """The first `limit` failed logins are answered as such; every later one is 429."""
    early = [(n, status) for n, status in answered if n <= limit and status == 429]
    late = [(n, status) for n, status in answered if n > limit and status != 429]
    assert not early, f"refused before the limit: {early} (all: {answered})"
    assert not late, f"not refused after {limit} failed logins: {late} (all: {answered})"


@pytest.mark.server
@pytest.mark.parametrize(
    "query",
    ["next=/%09/evil.example", "next=//evil.example", "next=/%0aevil", "next=https://evil.example"],
)
def test_after_login_next_only_ever_leads_to_a_page_of_this_site(
    shared_server: Server, query: str
) -> None:
    server = shared_server
    reply = log_in(server.browser(), STAFF, query=query)
    assert reply.status in REDIRECT, f"login with {query} answered {reply}"
    target = local_path(reply.location, server.port)
    assert target.startswith("/"), f"{query} led to {target!r}"
    assert not target.startswith("//"), f"{query} led to {target!r}"
    assert "evil.example" not in target, f"{query} led to {target!r}"
    assert not any(char in target for char in "\t\r\n\\"), f"{query} led to {target!r}"


@pytest.mark.server
def test_after_login_next_still_leads_to_a_page_of_this_site(shared_server: Server) -> None:
    reply = log_in(shared_server.browser(), STAFF, query="next=/staff/personal-plan/")
    assert reply.status in REDIRECT, reply
    assert local_path(reply.location, shared_server.port) == "/staff/personal-plan/"


@pytest.mark.server
def test_a_session_cookie_copied_before_logout_opens_nothing_afterwards(server: Server) -> None:
    email = server.account(STAFF, "staff")
    browser = logged_in(server.port, email)
    home = browser.get("/staff/")
    assert home.status == 200, home
    stolen = browser.copy()
    assert stolen.get("/staff/").status == 200, "the copy works while the session is open"

    logout = browser.post("/staff/logout", {"csrf_token": csrf_token(home.text)})
    assert logout.status in REDIRECT, f"logout answered {logout}"
    for attempt in range(6):  # several requests: both workers must know the session ended
        reply = stolen.get("/staff/")
        assert reply.status in REDIRECT, f"request {attempt + 1} with the copy: {reply}"
        assert "/staff/login" in reply.location, f"request {attempt + 1} with the copy: {reply}"
    assert browser.get("/staff/").status in REDIRECT


@pytest.mark.server
def test_failed_logins_for_one_account_are_counted_by_both_workers_together(
    server: Server,
) -> None:
    email = server.account(STAFF, "staff")
    answered = failed_logins(server, [email] * ATTEMPTS, [None] * ATTEMPTS)
    assert_limited_after(answered)


@pytest.mark.server
def test_x_forwarded_for_is_not_trusted_without_a_configured_proxy(server: Server) -> None:
    emails = [f"nobody{n}@example.org" for n in range(ATTEMPTS)]
    addresses = [f"203.0.113.{n + 1}" for n in range(ATTEMPTS)]
    assert_limited_after(failed_logins(server, emails, addresses))


@pytest.mark.server
def test_a_guessed_account_is_locked_but_another_account_elsewhere_logs_in(
    start_server: StartServer,
) -> None:
    server = start_server(settings={"PORTAL_TRUSTED_PROXIES": "1"})
    email, other = server.account(STAFF, "staff"), server.account(OTHER, "staff")
    addresses = [f"203.0.113.{n + 1}" for n in range(ATTEMPTS)]  # a new address every time
    assert_limited_after(failed_logins(server, [email] * ATTEMPTS, addresses))

    reply = log_in(server.browser(), other, headers={"X-Forwarded-For": "198.51.100.20"})
    assert reply.status in REDIRECT, f"the other account was refused: {reply}"


@pytest.mark.server
def test_a_guessing_address_is_refused_but_another_address_logs_in(
    start_server: StartServer,
) -> None:
    server = start_server(settings={"PORTAL_TRUSTED_PROXIES": "1"})
    other = server.account(OTHER, "staff")
    emails = [f"nobody{n}@example.org" for n in range(ATTEMPTS)]  # a new account every time
    assert_limited_after(failed_logins(server, emails, ["203.0.113.66"] * ATTEMPTS))

    reply = log_in(server.browser(), other, headers={"X-Forwarded-For": "198.51.100.20"})
    assert reply.status in REDIRECT, f"a login from another address was refused: {reply}"


def session_cookies(server: Server) -> list[str]:
    """Return the Set-Cookie headers of the login page and of a login."""
    email = server.account(STAFF, "staff")
    browser = server.browser()
    page = browser.get("/staff/login")
    login = log_in(browser, email)
    assert login.status in REDIRECT, login
    cookies = page.all("Set-Cookie") + login.all("Set-Cookie")
    assert cookies, "neither the login page nor the login set a cookie"
    return cookies


@pytest.mark.server
def test_over_https_cookies_are_secure_and_browsers_are_told_to_stay_on_https(
    start_server: StartServer,
) -> None:
    server = start_server(name="https", settings={"PORTAL_HTTPS": "1"})
    for cookie in session_cookies(server):
        assert "secure" in cookie_attributes(cookie), f"no Secure flag: {cookie}"
    for path in ("/nl/", "/staff/login", "/healthz"):
        reply = server.browser().get(path)
        assert reply.header(HSTS), f"{path} has no {HSTS} header"


@pytest.mark.server
def test_without_https_cookies_are_not_secure_and_there_is_no_hsts(server: Server) -> None:
    for cookie in session_cookies(server):
        assert "secure" not in cookie_attributes(cookie), f"Secure over plain HTTP: {cookie}"
    for path in ("/nl/", "/staff/login", "/healthz"):
        assert server.browser().get(path).header(HSTS) is None, f"{path} has {HSTS}"


def brazilian_visitor(server: Server) -> Browser:
    """Return a visitor whose browser asks only for Brazilian Portuguese."""
    return server.browser({"Accept-Language": "pt-BR"})


@pytest.mark.server
def test_a_regional_language_code_is_refused_and_the_language_itself_is_added(
    server: Server,
) -> None:
    visitor = brazilian_visitor(server)
    for path in ("/staff/login", "/"):
        reply = visitor.get(path)
        assert reply.status < 500, f"{path} for pt-BR answered {reply}"

    admin = logged_in(server.port, server.account("admin@example.org", "admin"))
    languages = server.content / "languages.yml"
    before = languages.read_bytes()
    page = admin.get("/editor/languages")
    assert page.status == 200, page
    language = {
        "csrf_token": csrf_token(page.text),
        "name": "Portuguese",
        "dutch_name": "Portugees",
        "native_name": "Português",
        "direction": "ltr",
        "script": "latin",
    }
    refused = admin.post("/editor/languages", language | {"code": "pt-br"})
    assert refused.status == 422, f"pt-br answered {refused}"
    assert languages.read_bytes() == before, "pt-br was written to languages.yml"
    assert not (server.translations / "pt-br").exists(), "pt-br got a catalog"
    assert not (server.translations / "pt_BR").exists(), "pt-br got a catalog"

    added = admin.post("/editor/languages", language | {"code": "pt"})
    assert added.status in REDIRECT, f"pt answered {added}"
    time.sleep(RELOAD_SECONDS)
    for _ in range(4):  # both workers
        reply = server.browser().get("/pt/")
        assert reply.status == 200, f"/pt/ answered {reply}"
    for _ in range(4):
        login = visitor.get("/staff/login")
        assert login.status == 200, f"/staff/login for pt-BR answered {login}"
        home = visitor.get("/")
        assert home.status in REDIRECT, f"/ for pt-BR answered {home}"
        assert local_path(home.location, server.port) == "/pt/", "pt-BR falls back to pt"
