"""Accounts in the browser, for admins: add one, change its role, municipalities and
languages, give it a new password, disable it (which ends its sessions) or enable it again.

An admin cannot disable their own account or take away their own admin role: the portal
always keeps someone who can manage accounts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response

from . import content
from .accounts import (
    EVERY_LANGUAGE,
    ROLES,
    User,
    find_user,
    login_manager,
    normal_email,
    password_weakness,
    unknown_settings,
)
from .database import db
from .http import no_store
from .i18n import languages

log = logging.getLogger(__name__)
bp = Blueprint("account_admin", __name__, url_prefix="/admin")
bp.after_request(no_store)  # the pages list accounts and carry CSRF tokens


@bp.before_request
def admins_only() -> Response | None:
    """Every page here needs a logged-in admin."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(403)
    return None


@dataclass
class AccountSettings:
    """What the account form sends: the settings of one account."""

    email: str
    role: str
    municipalities: list[str]
    languages: list[str]
    disabled: bool
    password: str

    @classmethod
    def posted(cls) -> AccountSettings:
        """Return the settings the admin sent."""
        form = request.form
        codes = form.getlist("languages")
        return cls(
            email=form.get("email", "").strip(),
            role=form.get("role", ""),
            municipalities=form.getlist("municipalities"),
            languages=[EVERY_LANGUAGE] if EVERY_LANGUAGE in codes else codes,
            disabled=form.get("disabled") == "yes",
            password=form.get("password", ""),
        )

    @classmethod
    def of(cls, user: User) -> AccountSettings:
        """Return the settings an account has now."""
        return cls(user.email, user.role, user.municipalities, user.languages, user.disabled, "")


def problems_with(settings: AccountSettings, user: User | None) -> list[str]:
    """Check an account's settings; `user` is None for a new account."""
    problems = []
    if user is None:
        address = normal_email(settings.email)
        if address is None:
            problems.append(_("Fill in an e-mail address."))
        elif find_user(address) is not None:
            problems.append(_("This e-mail address already has an account."))
        settings.email = address or settings.email
    if settings.role not in ROLES:
        problems.append(_("Choose a role."))
    unknown_places, unknown_languages = unknown_settings(
        settings.municipalities, settings.languages
    )
    if unknown_places or unknown_languages:
        abort(400)  # not on the form: a changed or old page
    if settings.role == "staff" and not settings.municipalities:
        problems.append(_("Staff need at least one municipality."))
    if settings.role == "editor" and not settings.languages:
        problems.append(_("Editors need at least one language."))
    if (user is None or settings.password) and password_weakness(settings.password) is not None:
        problems.append(_("Choose a password of at least 12 characters that is hard to guess."))
    if user is not None and user.id == current_user.id:
        if settings.disabled or settings.role != "admin":
            problems.append(_("You cannot disable your own account or take away your own role."))
    return problems


@bp.route("/accounts", methods=["GET", "POST"])
def accounts() -> Response | tuple[str, int]:
    """List every account; add one."""
    settings = AccountSettings("", "editor", [], [], False, "")
    problems: list[str] = []
    if request.method == "POST":
        settings = AccountSettings.posted()
        settings.disabled = False
        problems = problems_with(settings, None)
        if not problems:
            user = User(email=settings.email, password_hash="", role=settings.role)
            apply(user, settings)
            db.session.add(user)
            db.session.commit()
            log.info("account %s added by %s", user.id, current_user.id)
            flash(_("The account was added. Give the person their password in person."), "success")
            return redirect(url_for(".accounts"))
    everyone = db.session.scalars(db.select(User).order_by(User.disabled, User.email)).all()
    return page(settings, problems, everyone=list(everyone)), 422 if problems else 200


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int) -> Response | tuple[str, int]:
    """Change one account: role, municipalities, languages, password; disable or enable it."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    settings = AccountSettings.of(user)
    problems: list[str] = []
    if request.method == "POST":
        settings = AccountSettings.posted()
        settings.email = user.email
        problems = problems_with(settings, user)
        if not problems:
            apply(user, settings)
            db.session.commit()
            log.info("account %s changed by %s", user.id, current_user.id)
            flash(_("The account was changed."), "success")
            return redirect(url_for(".accounts"))
    return page(settings, problems, user=user), 422 if problems else 200


def apply(user: User, settings: AccountSettings) -> None:
    """Give an account the settings; a new password or disabling ends its sessions."""
    user.role = settings.role
    user.municipality_slugs = " ".join(settings.municipalities)
    user.language_codes = " ".join(settings.languages)
    if settings.password:
        user.password_hash = generate_password_hash(settings.password)
    if settings.password or (settings.disabled and not user.disabled):
        user.end_sessions()
    user.disabled = settings.disabled


def page(
    settings: AccountSettings,
    problems: list[str],
    user: User | None = None,
    everyone: list[User] | None = None,
) -> str:
    """Render the list of accounts (with a form to add one) or the form of one account."""
    return render_template(
        "admin/accounts.html" if user is None else "admin/account.html",
        settings=settings,
        problems=problems,
        user=user,
        everyone=everyone or [],
        roles=ROLES,
        municipalities=content.current().municipalities,
        every_language=EVERY_LANGUAGE,
        language_list=languages(),
    )


def init_app(app: Flask) -> None:
    """Register the account pages."""
    app.register_blueprint(bp)
