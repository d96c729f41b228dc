"""How often a login may fail: counted in the database, so every worker counts the same.

Failed logins are counted per account and per address (the client's address as the trusted
proxies give it: see PORTAL_TRUSTED_PROXIES). A correct login is never counted, so people
who log in and out all day are not locked out; a guesser is stopped after a few tries.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .database import db

# (window, most failures in it) for each key.
LIMITS = ((dt.timedelta(minutes=1), 10), (dt.timedelta(hours=1), 50))


class FailedLogin(db.Model):  # type: ignore[name-defined]
    """One failed login: for which account or from which address, and when. No password."""

    __tablename__ = "failed_logins"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)


def keys(email: str, address: str) -> list[str]:
    """Return the counters a login attempt belongs to: its account and its address."""
    return [f"account:{email.strip().lower()}", f"address:{address}"]


def now() -> dt.datetime:
    """Return the time in UTC, without a time zone (as the database keeps it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def too_many(email: str, address: str) -> bool:
    """Say whether the account or the address failed too often lately: refuse without trying."""
    for window, most in LIMITS:
        since = now() - window
        count = db.session.scalar(
            select(func.count())
            .select_from(FailedLogin)
            .where(FailedLogin.key.in_(keys(email, address)), FailedLogin.at >= since)
            .group_by(FailedLogin.key)
            .order_by(func.count().desc())
            .limit(1)
        )
        if (count or 0) >= most:
            return True
    return False


def note_failure(email: str, address: str) -> None:
    """Count a failed login for its account and its address; forget what is older than the
    longest window."""
    at = now()
    db.session.execute(delete(FailedLogin).where(FailedLogin.at < at - LIMITS[-1][0]))
    db.session.add_all(FailedLogin(key=key, at=at) for key in keys(email, address))
    db.session.commit()
