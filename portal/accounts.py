"""Staff, editor and admin accounts, login and sessions, and the audit log.

Accounts are made by an admin, on the command line (`flask users add`) or on the accounts page:
there is no self-registration. An editor edits and reviews only the languages of their account.
A session names its account and the account's session token: logging out, a new password or
removing the account changes or removes the token, and every copy of that session ends.
The audit log says who made which document for how many people and when, never for whom.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import sys
from urllib.parse import urlsplit

import click
from email_validator import EmailNotValidError, validate_email
from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length
from zxcvbn import zxcvbn

from . import content, database, login_limits
from .database import db
from .http import no_store
from .i18n import languages

ROLES = ("staff", "editor", "admin")
EVERY_LANGUAGE = "*"  # an editor of every language, also those added later
MIN_PASSWORD_LENGTH = 12
# zxcvbn's score from 0 (among the most common passwords) to 4; 3 takes ~10^8 guesses.
MIN_PASSWORD_SCORE = 3

login_manager = LoginManager()
bp = Blueprint("accounts", __name__, url_prefix="/staff")
bp.after_request(no_store)  # login pages carry a CSRF token for this visitor
users_cli = AppGroup("users", help="Manage staff, editor and admin accounts.")


def new_session_token() -> str:
    """Return a fresh token: sessions made with the old one no longer open the account."""
    return secrets.token_hex(16)


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """Someone who may log in: staff make letters, editors change texts, admins do both."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    # Space-separated slugs of the municipalities whose letterhead this account may use.
    municipality_slugs: Mapped[str] = mapped_column(String(1000), default="")
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Space-separated codes of the languages this editor edits and reviews ("nl": the Dutch
    # source), or EVERY_LANGUAGE.
    language_codes: Mapped[str] = mapped_column(String(200), default="")
    # A disabled account cannot log in, and its sessions have ended; its history stays.
    disabled: Mapped[bool] = mapped_column(default=False)

    def get_id(self) -> str:
        """Return what a session stores: the account and its current session token."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """End every session of this account, on every device and worker."""
        self.session_token = new_session_token()

    @property
    def municipalities(self) -> list[str]:
        """Return the municipalities this account works for."""
        return self.municipality_slugs.split()

    def may_use(self, municipality: str) -> bool:
        """Say whether this account may print on a municipality's letterhead."""
        return self.role == "admin" or municipality in self.municipalities

    def has_role(self, *roles: str) -> bool:
        """Say whether this account has one of the roles (admins have every role)."""
        return self.role == "admin" or self.role in roles

    @property
    def languages(self) -> list[str]:
        """Return the languages this account edits (EVERY_LANGUAGE for all)."""
        return self.language_codes.split()

    def may_edit(self, lang: str) -> bool:
        """Say whether this account may edit and review texts in a language."""
        if self.role == "admin":
            return True
        return self.role == "editor" and bool({lang, EVERY_LANGUAGE} & set(self.languages))


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """Who made which document for how many people, and when. Never names or addresses."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=lambda: dt.datetime.now(dt.UTC))
    user_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(String(80))
    municipality: Mapped[str] = mapped_column(String(80), default="")
    people: Mapped[int] = mapped_column(default=1)


def audit(action: str, document: str, people: int, municipality: str = "") -> None:
    """Record that the logged-in user made a document for `people` persons."""
    db.session.add(
        AuditEntry(
            user_email=current_user.email,
            action=action,
            document=document,
            municipality=municipality,
            people=people,
        )
    )
    db.session.commit()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the account of a session, if it still exists and the session was not ended."""
    user_id, _separator, token = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.disabled or not token:
        return None
    if not secrets.compare_digest(token, user.session_token):
        return None
    return user


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail address"), [InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [InputRequired(), Length(max=200)])


def find_user(email: str) -> User | None:
    """Return the account with this e-mail address (case and spaces around do not matter)."""
    wanted = email.strip().lower()
    return db.session.scalar(db.select(User).where(func.lower(User.email) == wanted))


@functools.cache
def unknown_account_hash() -> str:
    """Return a hash to check a password against when the e-mail address is unknown, so that
    such a login takes as long as a wrong password and tells nobody which addresses exist."""
    return generate_password_hash(secrets.token_hex(16))


def password_is_right(user: User | None, password: str) -> bool:
    """Check a password, taking the same time whether or not the account exists."""
    if user is None:
        check_password_hash(unknown_account_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Log a staff member, editor or admin in."""
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr or ""
        if login_limits.too_many(email, address):
            return too_many_attempts()
        user = find_user(email)
        if password_is_right(user, form.password.data) and user is not None:
            if user.disabled:
                flash(_("This account is disabled. Ask the administrator."), "error")
                return render_template("staff/login.html", form=form), 403
            if not user.session_token:  # an account from before sessions had tokens
                user.end_sessions()
                db.session.commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next"), user))
        login_limits.note_failure(email, address)
        flash(_("The e-mail address or the password is not right."), "error")
    return render_template("staff/login.html", form=form)


def safe_next(target: str | None, user: User) -> str:
    """Return where to go after login: only a path on this site, never another site.

    Browsers drop tabs and line breaks from an address and read a backslash as a slash, so
    `/<tab>/evil.example` would lead away: any such character refuses the target.
    """
    if is_local_path(target or ""):
        return str(target)
    return url_for("staff.home" if user.has_role("staff") else "editor.status")


def is_local_path(target: str) -> bool:
    """Say whether an address is a path on this site and nothing else."""
    if not target.startswith("/") or target.startswith("//"):
        return False
    if any(char <= " " or char in "\\\x7f" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Log out on every device: every copy of this account's session ends."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    return redirect(url_for("accounts.login"))


def too_many_attempts() -> tuple[str, int]:
    """Say in the reader's language that they must wait before trying again."""
    return render_template("staff/too_many.html"), 429


def normal_email(email: str) -> str | None:
    """Return an e-mail address in its normal form, or None if it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def checked_email(email: str) -> str:
    """Return an e-mail address in its normal form, or stop the command saying what is wrong."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.UsageError(f"{email.strip()!r} is not an e-mail address: {error}") from None


def read_password() -> str:
    """Read a new password (asked twice on a terminal) and refuse a weak or common one."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    advice = password_weakness(password)
    if advice is not None:
        raise click.UsageError(f"choose another password: {advice or 'it is too easy to guess'}")
    return password


def password_weakness(password: str) -> str | None:
    """Return None for a password that is long and hard enough to guess; else zxcvbn's
    warning in English (or "" when it has none)."""
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        return f"it needs at least {MIN_PASSWORD_LENGTH} characters"
    verdict = zxcvbn(password[:200])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        return str(verdict["feedback"]["warning"] or "")
    return None


def existing_account(email: str) -> User:
    """Return the account with this address, or stop the command."""
    user = find_user(email)
    if user is None:
        raise click.UsageError(f"{email.strip()} has no account")
    return user


def language_codes_of(typed: str) -> list[str]:
    """Return the language codes of `--languages ar,ti` ("all": every language)."""
    codes = [code.strip().lower() for code in typed.replace(" ", ",").split(",") if code.strip()]
    return [EVERY_LANGUAGE if code == "all" else code for code in codes]


def unknown_settings(municipalities: list[str], codes: list[str]) -> tuple[list[str], list[str]]:
    """Return the municipalities and the languages of an account that the portal lacks."""
    known = content.current().municipalities
    unknown_places = [slug for slug in municipalities if slug not in known]
    unknown_languages = [c for c in codes if c != EVERY_LANGUAGE and c not in languages()]
    return unknown_places, unknown_languages


@users_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="staff, editor or admin")
@click.option(
    "--municipality", "municipalities", multiple=True, help="slug; repeat for more than one"
)
@click.option(
    "--languages",
    "typed_languages",
    default="",
    help="languages an editor edits and reviews: codes like ar,ti (nl: the Dutch source) or all",
)
def add_user(email: str, role: str, municipalities: tuple[str, ...], typed_languages: str) -> None:
    """Add an account; the password comes from standard input (asked for on a terminal)."""
    address = checked_email(email)
    codes = language_codes_of(typed_languages)
    unknown_places, unknown_languages = unknown_settings(list(municipalities), codes)
    if unknown_places:
        raise click.UsageError(
            f"unknown municipality: {', '.join(unknown_places)} (see content/municipalities/)"
        )
    if unknown_languages:
        raise click.UsageError(
            f"unknown language: {', '.join(unknown_languages)} (see content/languages.yml)"
        )
    if role == "staff" and not municipalities:
        raise click.UsageError("a staff account needs at least one --municipality")
    if role == "editor" and not codes:
        raise click.UsageError("an editor account needs --languages (for example ar,ti or all)")
    if find_user(address) is not None:
        raise click.UsageError(f"{address} already has an account")
    password = read_password()
    db.session.add(
        User(
            email=address,
            password_hash=generate_password_hash(password),
            role=role,
            municipality_slugs=" ".join(municipalities),
            language_codes=" ".join(codes),
        )
    )
    db.session.commit()
    click.echo(f"added {address} ({role})")


@users_cli.command("password")
@click.argument("email")
def set_password(email: str) -> None:
    """Give an account a new password (from standard input); its sessions end."""
    user = existing_account(email)
    user.password_hash = generate_password_hash(read_password())
    user.end_sessions()
    db.session.commit()
    click.echo(f"new password for {user.email}; every session of it has ended")


@users_cli.command("remove")
@click.argument("email")
def remove_user(email: str) -> None:
    """Remove an account; its sessions end at once (the audit log keeps its entries)."""
    user = existing_account(email)
    db.session.delete(user)
    db.session.commit()
    click.echo(f"removed {user.email}")


def init_app(app: Flask) -> None:
    """Set up the database, login, the login pages and `flask users`."""
    # Flask's defaults are HttpOnly and no SameSite: a login cookie also needs SameSite.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    # Served over HTTPS (PORTAL_HTTPS): cookies never travel over plain HTTP.
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("HTTPS"))
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("HTTPS"))
    database.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to use this page.")
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
