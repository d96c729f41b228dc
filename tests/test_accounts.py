"""Accounts of the staff area: who may see which page, `flask users add`, logging in through
the real form (with its CSRF token), rate limits on wrong passwords, logging out, and the
session cookie."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from portal import create_app
from portal.accounts import MIN_PASSWORD_LENGTH, User, db, find_user
from tests.catalogs import shown_text
from tests.conftest import PASSWORD, StaffClient, ensure_account, log_in_as
from tests.html_tools import FormValues

LOGIN = "/staff/login"
LETTER = "herinnering-afspraak"
FORM = "toestemming-gegevens-delen"
# The value each URL argument of a staff rule gets: a letter or form that exists.
SLUG_FOR_ENDPOINT = {
    "staff.letter": LETTER,
    "staff.letter_list": LETTER,
    "staff.letter_list_template": LETTER,
    "staff.form_print": FORM,
    "staff.window_check": "tilburg",
}


# --- Helpers --------------------------------------------------------------------------------


def unique_email(what: str) -> str:
    """Return an address no other test uses: every app of a test run shares one database."""
    return f"{what}-{uuid.uuid4().hex[:10]}@tilburg.example"


def csrf_token(client: FlaskClient, url: str = LOGIN) -> str:
    """Return the CSRF token of the form on a page, as a browser would send it back."""
    response = client.get(url)
    assert response.status_code == 200, url
    token = FormValues(response.get_data(as_text=True)).values.get("csrf_token", "")
    assert token, f"no csrf_token on {url}"
    return token


def log_in_through_the_form(
    client: FlaskClient, email: str, password: str, next_url: str | None = None
) -> TestResponse:
    """Post the login form with its CSRF token, as a browser does."""
    url = LOGIN if next_url is None else f"{LOGIN}?next={next_url}"
    token = csrf_token(client, url)
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def staff_urls(app: Flask) -> list[tuple[str, str, list[str]]]:
    """Return (endpoint, URL, methods) of every rule under /staff/ except the login page."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/staff/") or rule.rule == LOGIN:
                continue
            unknown = set(rule.arguments) - {"slug", "job_id", "extension"}
            assert not unknown, f"{rule.rule}: give this test a value for {unknown}"
            url = rule.rule
            if "slug" in rule.arguments:
                url = url.replace("<slug>", SLUG_FOR_ENDPOINT[rule.endpoint])
            # A job nobody started: the login comes first, then a 404 for everyone.
            url = url.replace("<job_id>", "no-such-job").replace("<extension>", "xlsx")
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            found.append((rule.endpoint, url, methods))
    return found


@pytest.fixture
def open_app() -> Flask:
    """Return an app without CSRF checks, to test what happens after the token check."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False})


def test_the_staff_area_has_pages_to_check(open_app: Flask) -> None:
    endpoints = {endpoint for endpoint, _url, _methods in staff_urls(open_app)}
    # If a page is added, it is checked by the tests below without changing them.
    assert {
        "staff.home",
        "staff.letter",
        "staff.letter_list",
        "staff.form_print",
        "staff.personal_plan",
    } <= (endpoints)
    assert "accounts.logout" in endpoints


# --- Who may see which page -----------------------------------------------------------------


def test_every_staff_page_sends_an_anonymous_visitor_to_the_login_page(open_app: Flask) -> None:
    client = open_app.test_client()
    for endpoint, url, methods in staff_urls(open_app):
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            location = urlsplit(response.headers["Location"])
            assert location.path == LOGIN, (method, url, response.headers["Location"])
            if endpoint == "accounts.logout":
                continue  # logging out when not logged in just shows the login page
            wanted = parse_qs(location.query).get("next", [""])[0]
            assert urlsplit(wanted).path == url, (method, url, response.headers["Location"])
            assert not response.data.startswith(b"%PDF")


def test_an_unknown_letter_also_sends_an_anonymous_visitor_to_the_login_page(
    open_app: Flask,
) -> None:
    # Whether a letter exists is not told to someone who is not logged in.
    response = open_app.test_client().get("/staff/letters/bestaat-niet/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == LOGIN


def test_an_editor_may_not_use_the_staff_pages(open_app: Flask) -> None:
    editor = ensure_account(open_app, unique_email("redacteur"), role="editor", municipalities=())
    client = open_app.test_client()
    log_in_as(client, editor)
    checked = 0
    for endpoint, url, methods in staff_urls(open_app):
        if endpoint == "accounts.logout":
            continue
        for method in methods:
            response = client.open(url, method=method, data={"municipality": "tilburg"})
            assert response.status_code == 403, (method, url, response.status_code)
            assert not response.data.startswith(b"%PDF")
            checked += 1
    assert checked >= 9


def test_an_editor_of_a_municipality_may_not_print_either(open_app: Flask) -> None:
    # Even with a municipality on the account: printing letters is for staff and admins.
    editor = ensure_account(
        open_app, unique_email("redacteur-tilburg"), role="editor", municipalities=("tilburg",)
    )
    client = open_app.test_client()
    log_in_as(client, editor)
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/letters/{LETTER}/").status_code == 403


def test_an_admin_may_use_the_staff_pages(open_app: Flask) -> None:
    admin = ensure_account(open_app, unique_email("beheer"), role="admin", municipalities=())
    client = open_app.test_client()
    log_in_as(client, admin)
    assert client.get("/staff/").status_code == 200


def test_there_is_no_way_to_register_yourself(open_app: Flask) -> None:
    # Accounts are made on the command line only.
    for rule in open_app.url_map.iter_rules():
        text = f"{rule.rule} {rule.endpoint}".lower().replace("-", "").replace("_", "")
        for word in ("register", "signup", "signon", "createaccount", "registreren", "aanmelden"):
            assert word not in text, rule.rule


# --- flask users add ------------------------------------------------------------------------


def add_user(app: Flask, *args: str, password: str = PASSWORD) -> tuple[int, str]:
    """Run `flask users add ...` with the password on standard input."""
    result = app.test_cli_runner().invoke(args=["users", "add", *args], input=password + "\n")
    return result.exit_code, result.output


def account(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = find_user(email)
        if user is not None:
            db.session.expunge(user)
        return user


def database_file(app: Flask) -> Path:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///"), uri
    return Path(uri.removeprefix("sqlite:///"))


def test_users_add_makes_an_account_with_a_hashed_password(app: Flask) -> None:
    email = unique_email("nieuw")
    password = "een lang en geheim wachtwoord " + uuid.uuid4().hex[:8]
    code, output = add_user(
        app, email, "--role", "staff", "--municipality", "tilburg", password=password
    )
    assert code == 0, output
    user = account(app, email)
    assert user is not None
    assert user.role == "staff"
    assert user.municipalities == ["tilburg"]
    assert user.password_hash != password
    assert password not in user.password_hash
    assert check_password_hash(user.password_hash, password)
    # Nowhere in the database file is the password as typed.
    assert password.encode("utf-8") not in database_file(app).read_bytes()
    assert password not in output


def test_users_add_takes_more_than_one_municipality(app: Flask) -> None:
    email = unique_email("twee")
    code, output = add_user(
        app, email, "--role", "staff", "--municipality", "tilburg", "--municipality", "goirle"
    )
    assert code == 0, output
    user = account(app, email)
    assert user is not None
    assert user.municipalities == ["tilburg", "goirle"]


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (["--role", "staff", "--municipality", "atlantis"], PASSWORD, "unknown municipality"),
        (["--role", "staff"], PASSWORD, "needs at least one --municipality"),
        (
            ["--role", "staff", "--municipality", "tilburg"],
            "x" * (MIN_PASSWORD_LENGTH - 1),
            f"at least {MIN_PASSWORD_LENGTH} characters",
        ),
        (["--role", "baas", "--municipality", "tilburg"], PASSWORD, "baas"),
        (["--role", "editor"], PASSWORD, "needs --languages"),
        (["--role", "editor", "--languages", "ar,xx"], PASSWORD, "unknown language: xx"),
        (["--role", "staff", "--municipality", "tilburg"], " " * 12, "at least 12 characters"),
        (["--role", "staff", "--municipality", "tilburg"], "password1234", "another password"),
        (["--role", "staff", "--municipality", "tilburg"], "qwertyuiop12", "another password"),
    ],
    ids=[
        "unknown-municipality",
        "staff-without-municipality",
        "short-password",
        "unknown-role",
        "editor-without-languages",
        "unknown-language",
        "only-spaces",
        "common-password",
        "keyboard-row",
    ],
)
def test_users_add_refuses_what_cannot_be_right(
    app: Flask, args: list[str], password: str, says: str
) -> None:
    email = unique_email("fout")
    code, output = add_user(app, email, *args, password=password)
    assert code != 0
    assert says in output
    assert account(app, email) is None


@pytest.mark.parametrize("address", ["not an email", "a.devries@", "@tilburg.nl", "x@y"])
def test_users_add_refuses_what_is_not_an_email_address(app: Flask, address: str) -> None:
    code, output = add_user(app, address, "--role", "editor", "--languages", "all")
    assert code != 0
    assert "is not an e-mail address" in output
    assert account(app, address) is None


def test_users_add_refuses_the_same_address_with_spaces_around_it(app: Flask) -> None:
    email = unique_email("spaties")
    assert add_user(app, email, "--role", "editor", "--languages", "all")[0] == 0
    code, output = add_user(app, f"  {email.upper()}  ", "--role", "editor", "--languages", "all")
    assert code != 0
    assert "already has an account" in output
    assert "Traceback" not in output


def test_users_add_refuses_an_address_that_has_an_account(app: Flask) -> None:
    email = unique_email("dubbel")
    assert add_user(app, email, "--role", "staff", "--municipality", "tilburg")[0] == 0
    other_password = "een ander lang wachtwoord"  # noqa: S105 - a test account
    for same in (email, email.upper()):
        code, output = add_user(
            app, same, "--role", "admin", "--municipality", "goirle", password=other_password
        )
        assert code != 0, same
        assert "already has an account" in output
    user = account(app, email)
    assert user is not None
    assert user.role == "staff"  # the first account is unchanged
    assert check_password_hash(user.password_hash, PASSWORD)
    with app.app_context():
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(User)
            .where(db.func.lower(User.email) == email.lower())
        )
    assert count == 1


# --- Logging in -----------------------------------------------------------------------------


def test_an_account_made_on_the_command_line_can_log_in_through_the_form(app: Flask) -> None:
    email = unique_email("inlog")
    assert add_user(app, email, "--role", "staff", "--municipality", "tilburg")[0] == 0
    client = app.test_client()
    assert client.get("/staff/").status_code == 302
    response = log_in_through_the_form(client, email, PASSWORD)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_login_goes_back_to_the_page_asked_for(app: Flask) -> None:
    email = unique_email("terug")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    asked = f"/staff/letters/{LETTER}/"
    first = client.get(asked)
    assert first.status_code == 302
    response = log_in_through_the_form(client, email, PASSWORD, next_url=asked)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == asked
    assert client.get(asked).status_code == 200


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil",
        "/\t/evil.example",
        "/\n/evil.example",
        "/%09/evil.example",
        " //evil.example",
        "/\x7f/evil.example",
    ],
)
def test_login_never_goes_on_to_another_site(app: Flask, elsewhere: str) -> None:
    email = unique_email("omleiding")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    response = log_in_through_the_form(client, email, PASSWORD, next_url=elsewhere)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost"), response.headers["Location"]
    assert location.path == "/staff/"


def test_a_wrong_password_does_not_log_in(app: Flask) -> None:
    email = unique_email("fout-wachtwoord")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    response = log_in_through_the_form(client, email, PASSWORD + "!")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert shown_text("nl", "The e-mail address or the password is not right.") in html
    assert client.get("/staff/").status_code == 302
    # An unknown address gets the very same answer: nothing tells which accounts exist.
    other = log_in_through_the_form(app.test_client(), unique_email("niemand"), PASSWORD)
    assert other.status_code == 200
    assert shown_text("nl", "The e-mail address or the password is not right.") in (
        other.get_data(as_text=True)
    )


def test_the_email_address_may_be_typed_in_other_capitals(app: Flask) -> None:
    email = unique_email("hoofdletters")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    response = log_in_through_the_form(client, email.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


# --- CSRF -----------------------------------------------------------------------------------


def letter_values() -> dict[str, str]:
    return {
        "municipality": "tilburg",
        "voornaam": "Ali",
        "achternaam": "Berg",
        "straat": "Hoofdstraat",
        "huisnummer": "1",
        "postcode": "5038 AB",
        "plaats": "Tilburg",
        "taal": "en",
        "afspraak": "intake",
        "datum": "3-12-2026",
        "tijd": "9:30",
        "locatie": "Stadskantoor",
        "contactpersoon": "Fatima",
        "telefoon": "013 000 1234",
        "action": "pdf",
    }


def test_a_login_without_the_csrf_token_is_refused(app: Flask) -> None:
    email = unique_email("csrf")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    response = client.post(LOGIN, data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302  # not logged in


def test_a_letter_without_the_csrf_token_is_refused(app: Flask) -> None:
    app.test_client_class = StaffClient
    response = app.test_client().post(f"/staff/letters/{LETTER}/", data=letter_values())
    assert response.status_code == 400
    assert not response.data.startswith(b"%PDF")


def test_a_list_without_the_csrf_token_is_refused(app: Flask) -> None:
    app.test_client_class = StaffClient
    fields = letter_values()
    fields.pop("action")
    fields.pop("municipality")
    table = ";".join(fields) + "\n" + ";".join(fields.values()) + "\n"
    response = app.test_client().post(
        f"/staff/letters/{LETTER}/list",
        data={"municipality": "tilburg", "list": (io.BytesIO(table.encode()), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert not response.data.startswith(b"%PDF")


def test_a_logout_without_the_csrf_token_is_refused(app: Flask) -> None:
    # Another site cannot log a staff member out.
    app.test_client_class = StaffClient
    client = app.test_client()
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/staff/").status_code == 200  # still logged in


def test_the_forms_of_the_staff_area_carry_a_csrf_token(app: Flask) -> None:
    app.test_client_class = StaffClient
    client = app.test_client()
    for url in (
        "/staff/",
        f"/staff/letters/{LETTER}/",
        f"/staff/letters/{LETTER}/list",
        f"/staff/forms/{FORM}/",
    ):
        assert csrf_token(client, url), url


def test_a_letter_with_the_csrf_token_is_printed(app: Flask) -> None:
    app.test_client_class = StaffClient
    client = app.test_client()
    token = csrf_token(client, f"/staff/letters/{LETTER}/")
    response = client.post(
        f"/staff/letters/{LETTER}/", data=letter_values() | {"csrf_token": token}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


# --- Rate limit -----------------------------------------------------------------------------


def test_the_eleventh_wrong_password_in_a_minute_must_wait(app: Flask) -> None:
    email = unique_email("te-vaak")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    headers = {"Accept-Language": "nl"}
    token = csrf_token(client)
    wrong = {"email": email, "password": "niet het goede wachtwoord", "csrf_token": token}
    for attempt in range(1, 11):
        response = client.post(LOGIN, data=wrong, headers=headers)
        assert response.status_code == 200, f"attempt {attempt}: {response.status_code}"
    response = client.post(LOGIN, data=wrong, headers=headers)
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="nl"' in html
    for msgid in (
        "Please wait",
        "There were too many tries to log in. Wait a few minutes and try again.",
    ):
        assert shown_text("nl", msgid) in html, msgid
    # The right password does not get through either while the limit lasts.
    right = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert client.post(LOGIN, data=right, headers=headers).status_code == 429
    assert client.get("/staff/").status_code == 302
    # Looking at the login page is not limited.
    assert client.get(LOGIN).status_code == 200


# --- Logging out ----------------------------------------------------------------------------


def test_logout_is_post_only_and_ends_the_session(app: Flask) -> None:
    email = unique_email("uitlog")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    assert log_in_through_the_form(client, email, PASSWORD).status_code == 302
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/logout").status_code == 405
    assert client.get("/staff/").status_code == 200  # a GET does not log out
    token = csrf_token(client, "/staff/")
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == LOGIN
    assert client.get("/staff/").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_session_copied_before_logout_does_not_work_afterwards(app: Flask) -> None:
    email = unique_email("kopie")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    assert log_in_through_the_form(client, email, PASSWORD).status_code == 302
    copied = client.get_cookie("session")
    assert copied is not None
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/staff/").status_code == 302


@pytest.mark.parametrize("command", ["password", "remove"])
def test_a_new_password_or_removing_the_account_ends_its_sessions(app: Flask, command: str) -> None:
    email = unique_email(command)
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    assert log_in_through_the_form(client, email, PASSWORD).status_code == 302
    assert client.get("/staff/").status_code == 200
    new = "een heel ander wachtwoord " + uuid.uuid4().hex[:6]
    result = app.test_cli_runner().invoke(args=["users", command, email], input=new + "\n")
    assert result.exit_code == 0, result.output
    assert client.get("/staff/").status_code == 302
    if command == "password":
        assert log_in_through_the_form(app.test_client(), email, new).status_code == 302
    else:
        assert account(app, email) is None


def test_a_login_with_an_unknown_address_checks_a_password_hash_too(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without it, an unknown address answers many times faster than a wrong password."""
    from portal import accounts

    checked: list[str] = []
    real_check = accounts.check_password_hash

    def counting_check(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    client = app.test_client()
    log_in_through_the_form(client, unique_email("onbekend"), PASSWORD)
    known = unique_email("bekend")
    ensure_account(app, known, municipalities=("tilburg",))
    log_in_through_the_form(client, known, "fout wachtwoord")
    assert len(checked) == 2
    assert checked[0].split("$")[0] == checked[1].split("$")[0]  # the same method and cost


# --- HTTPS and proxies ----------------------------------------------------------------------


def test_over_https_cookies_are_secure_and_browsers_keep_to_https() -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "HTTPS": True})
    client = app.test_client()
    response = client.get(LOGIN)
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    chosen = client.get("/language/ar")
    assert "Secure" in chosen.headers["Set-Cookie"]


def test_without_https_nothing_claims_it(app: Flask) -> None:
    response = app.test_client().get(LOGIN)
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def failed_logins(app: Flask, email: str, times: int, forwarded_for: str | None) -> int:
    """Try a wrong password `times` times; return the status of one more try."""
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    data = {"email": email, "password": "fout", "csrf_token": csrf_token(client)}
    for _attempt in range(times):
        client.post(LOGIN, data=data, headers=headers)
    return client.post(LOGIN, data=data, headers=headers).status_code


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy() -> None:
    trusting = create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_PROXIES": 1})
    # Ten failures for ten accounts from one address behind the proxy: that address waits...
    for number in range(10):
        failed_logins(trusting, unique_email(f"proxy{number}"), 0, "203.0.113.7")
    assert failed_logins(trusting, unique_email("proxy-x"), 0, "203.0.113.7") == 429
    # ...and someone else behind the same proxy does not.
    assert failed_logins(trusting, unique_email("proxy-y"), 0, "203.0.113.8") == 200
    # Without trusted proxies the header is ignored: the counts are by the real address.
    plain = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert failed_logins(plain, unique_email("plain"), 0, "203.0.113.9") == 200


def test_the_eleventh_failure_for_one_account_waits_from_any_address() -> None:
    trusting = create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_PROXIES": 1})
    email = unique_email("verspreid")
    for number in range(10):
        failed_logins(trusting, email, 0, f"198.51.100.{number}")
    assert failed_logins(trusting, email, 0, "198.51.100.99") == 429


# --- Session cookie -------------------------------------------------------------------------


def session_cookie_of(response: TestResponse) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_the_session_cookie_is_http_only_and_same_site_lax(app: Flask) -> None:
    email = unique_email("koekje")
    ensure_account(app, email, municipalities=("tilburg",))
    client = app.test_client()
    response = log_in_through_the_form(client, email, PASSWORD)
    assert response.status_code == 302
    attributes = [part.strip().lower() for part in session_cookie_of(response).split(";")]
    assert "httponly" in attributes, attributes
    assert "samesite=lax" in attributes, attributes
