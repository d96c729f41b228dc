"""Accounts in the browser: only admins manage them; an admin adds an account with its role,
municipalities and languages, changes it, gives it a new password, and disables it, which ends
its sessions at once. `flask users add --languages` gives an editor their languages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.accounts import User, db
from tests.conftest import PASSWORD, ensure_account, log_in_as
from tests.test_accounts import account, add_user

ACCOUNTS = "/admin/accounts"
NEW_PASSWORD = "kleurrijke-fiets-over-de-dijk"  # noqa: S105 - a test account


@pytest.fixture
def app(app_on: Callable[..., Flask]) -> Flask:
    """Return an app without CSRF tokens in forms (the login form is tested elsewhere)."""
    return app_on(WTF_CSRF_ENABLED=False)


def unique_email(what: str) -> str:
    """Return an address no other test uses: every app of a test run shares one database."""
    return f"{what}-{uuid.uuid4().hex[:10]}@example.org"


def logged_in(app: Flask, role: str, languages: str = "*") -> tuple[FlaskClient, int]:
    """Return a client logged in with a new account of `role`, and the account's id."""
    client = app.test_client()
    user_id = ensure_account(app, unique_email(role), role, ("tilburg",), languages)
    log_in_as(client, user_id)
    client.set_cookie("lang", "en")
    return client, user_id


def test_only_admins_manage_accounts(app: Flask) -> None:
    assert app.test_client().get(ACCOUNTS).status_code == 302  # to the login page
    for role in ("staff", "editor"):
        client, user_id = logged_in(app, role)
        assert client.get(ACCOUNTS).status_code == 403, role
        assert client.get(f"{ACCOUNTS}/{user_id}").status_code == 403, role
        refused = client.post(ACCOUNTS, data={"email": unique_email("x"), "role": "admin"})
        assert refused.status_code == 403, role


def test_an_admin_adds_an_editor_of_some_languages_who_can_then_log_in(app: Flask) -> None:
    admin, _admin_id = logged_in(app, "admin")
    email = unique_email("vertaler")
    added = admin.post(
        ACCOUNTS,
        data={
            "email": email,
            "role": "editor",
            "languages": ["ar", "ti"],
            "password": NEW_PASSWORD,
        },
    )
    assert added.status_code == 302
    user = account(app, email)
    assert user is not None
    assert (user.role, user.languages, user.disabled) == ("editor", ["ar", "ti"], False)
    assert [lang for lang in ("nl", "en", "ar", "ti") if user.may_edit(lang)] == ["ar", "ti"]
    assert email in admin.get(ACCOUNTS).get_data(as_text=True)
    client = app.test_client()
    assert log_in_through_the_form_without_token(client, email, NEW_PASSWORD).status_code == 302
    assert client.get("/editor/step/brede-intake/ti").status_code == 200
    assert client.get("/editor/step/brede-intake/ar").status_code == 200
    assert client.get("/editor/step/brede-intake/en").status_code == 403


def log_in_through_the_form_without_token(
    client: FlaskClient, email: str, password: str
) -> TestResponse:
    """Post the login form (this app checks no CSRF token), asking for English pages."""
    client.set_cookie("lang", "en")
    return client.post("/staff/login", data={"email": email, "password": password})


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {"email": "geen adres", "role": "staff", "municipalities": "tilburg"},
            "Fill in an e-mail",
        ),
        ({"role": "editor", "password": NEW_PASSWORD}, "Editors need at least one language"),
        ({"role": "staff", "password": NEW_PASSWORD}, "Staff need at least one municipality"),
        ({"role": "editor", "languages": "ar", "password": "password1234"}, "hard to guess"),
        ({"role": "baas", "languages": "ar", "password": NEW_PASSWORD}, "Choose a role"),
    ],
    ids=["not-an-address", "editor-without-language", "staff-without-place", "weak", "role"],
)
def test_a_wrong_account_is_named_and_not_added(
    app: Flask, data: dict[str, str], says: str
) -> None:
    admin, _admin_id = logged_in(app, "admin")
    email = data.get("email") or unique_email("fout")
    refused = admin.post(ACCOUNTS, data={"email": email} | data)
    assert refused.status_code == 422
    assert says in refused.get_data(as_text=True)
    assert account(app, email) is None


def test_a_language_or_place_not_on_the_form_is_refused(app: Flask) -> None:
    admin, _admin_id = logged_in(app, "admin")
    email = unique_email("vreemd")
    data = {"email": email, "role": "editor", "languages": "xx", "password": NEW_PASSWORD}
    assert admin.post(ACCOUNTS, data=data).status_code == 400
    assert account(app, email) is None


def test_disabling_an_account_ends_its_sessions_and_its_logins(app: Flask) -> None:
    admin, _admin_id = logged_in(app, "admin")
    editor, editor_id = logged_in(app, "editor")
    assert editor.get("/editor/").status_code == 200
    with app.app_context():
        email = db.session.get(User, editor_id).email
    changed = admin.post(
        f"{ACCOUNTS}/{editor_id}", data={"role": "editor", "languages": "*", "disabled": "yes"}
    )
    assert changed.status_code == 302
    assert editor.get("/editor/").status_code == 302, "the session did not end"
    refused = log_in_through_the_form_without_token(app.test_client(), email, PASSWORD)
    assert refused.status_code == 403
    assert "This account is disabled" in refused.get_data(as_text=True)
    # Enabled again, it logs in; the role and languages were kept.
    admin.post(f"{ACCOUNTS}/{editor_id}", data={"role": "editor", "languages": ["ar"]})
    again = log_in_through_the_form_without_token(app.test_client(), email, PASSWORD)
    assert again.status_code == 302
    user = account(app, email)
    assert user is not None
    assert user.languages == ["ar"]


def test_an_admin_cannot_lock_themselves_out(app: Flask) -> None:
    admin, admin_id = logged_in(app, "admin")
    for data in ({"role": "admin", "disabled": "yes"}, {"role": "editor", "languages": "*"}):
        refused = admin.post(f"{ACCOUNTS}/{admin_id}", data=data)
        assert refused.status_code == 422
        assert "your own account" in refused.get_data(as_text=True)
    assert admin.get(ACCOUNTS).status_code == 200


def test_a_new_password_ends_the_sessions_of_the_account(app: Flask) -> None:
    admin, _admin_id = logged_in(app, "admin")
    staff, staff_id = logged_in(app, "staff")
    assert staff.get("/staff/").status_code == 200
    data = {"role": "staff", "municipalities": "tilburg", "password": NEW_PASSWORD}
    assert admin.post(f"{ACCOUNTS}/{staff_id}", data=data).status_code == 302
    assert staff.get("/staff/").status_code == 302


def test_users_add_gives_an_editor_their_languages(app: Flask) -> None:
    email = unique_email("cli")
    code, output = add_user(app, email, "--role", "editor", "--languages", "ar, ti")
    assert code == 0, output
    user = account(app, email)
    assert user is not None
    assert user.languages == ["ar", "ti"]
    code, output = add_user(app, unique_email("alles"), "--role", "editor", "--languages", "all")
    assert code == 0, output
