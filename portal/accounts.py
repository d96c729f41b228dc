"""Staff, editor and admin accounts, login, and the audit log.

Accounts are made on the command line only (`flask users add`): there is no self-registration.
The audit log says who made which document for how many people and when, never for whom.
"""

from __future__ import annotations

import datetime as dt
import sys

import click
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
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_user,
    logout_user,
)
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import String, func
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from . import content
from .http import no_store

ROLES = ("staff", "editor", "admin")
MIN_PASSWORD_LENGTH = 12

db = SQLAlchemy()
login_manager = LoginManager()
# Login attempts are limited per address; counts live in memory, so per worker process.
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
bp = Blueprint("accounts", __name__, url_prefix="/staff")
bp.after_request(no_store)  # login pages carry a CSRF token for this visitor
users_cli = AppGroup("users", help="Manage staff, editor and admin accounts.")


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """Someone who may log in: staff make letters, editors change texts, admins do both."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    # Space-separated slugs of the municipalities whose letterhead this account may use.
    municipality_slugs: Mapped[str] = mapped_column(String(1000), default="")

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
def load_user(user_id: str) -> User | None:
    """Return the account of a session, if it still exists."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail address"), [InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [InputRequired(), Length(max=200)])


def find_user(email: str) -> User | None:
    """Return the account with this e-mail address (case does not matter)."""
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email.lower()))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login() -> Response | str:
    """Log a staff member, editor or admin in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data.strip())
        if user is not None and check_password_hash(user.password_hash, form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next"), user))
        flash(_("The e-mail address or the password is not right."), "error")
    return render_template("staff/login.html", form=form)


def safe_next(target: str | None, user: User) -> str:
    """Return where to go after login: only a path on this site, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("staff.home" if user.has_role("staff") else "editor.status")


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Log out and go back to the login page."""
    logout_user()
    return redirect(url_for("accounts.login"))


def too_many_attempts(_error: Exception) -> tuple[str, int]:
    """Say in the reader's language that they must wait before trying again."""
    return render_template("staff/too_many.html"), 429


@users_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="staff, editor or admin")
@click.option(
    "--municipality", "municipalities", multiple=True, help="slug; repeat for more than one"
)
def add_user(email: str, role: str, municipalities: tuple[str, ...]) -> None:
    """Add an account; the password comes from standard input (asked for on a terminal)."""
    known = content.current().municipalities
    unknown = [slug for slug in municipalities if slug not in known]
    if unknown:
        raise click.UsageError(
            f"unknown municipality: {', '.join(unknown)} (see content/municipalities/)"
        )
    if role == "staff" and not municipalities:
        raise click.UsageError("a staff account needs at least one --municipality")
    if find_user(email) is not None:
        raise click.UsageError(f"{email} already has an account")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    db.session.add(
        User(
            email=email.strip(),
            password_hash=generate_password_hash(password),
            role=role,
            municipality_slugs=" ".join(municipalities),
        )
    )
    db.session.commit()
    click.echo(f"added {email} ({role})")


def database_url(app: Flask) -> str:
    """Return PORTAL_DATABASE_URL, or SQLite in instance/ by default."""
    return app.config.get("DATABASE_URL") or f"sqlite:///{app.config['INSTANCE_DIR']}/portal.db"


def init_app(app: Flask) -> None:
    """Set up the database, login, rate limits, the login pages and `flask users`."""
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app))
    # Flask's defaults are HttpOnly and no SameSite: a login cookie also needs SameSite.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to use this page.")
    limiter.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(429, too_many_attempts)
    app.cli.add_command(users_cli)
    with app.app_context():
        try:
            db.create_all()
        except OperationalError:
            # Two gunicorn workers starting at once: the other one made the tables first.
            db.session.rollback()
            db.create_all()
