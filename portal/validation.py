"""Typed values as staff type or upload them: one registry that every check goes through.

The staff forms, the mail merge and the letters all check a value with `check_value(type,
text)`. Each parser returns the typed value or raises ValueError with a message for the person
who typed it (a lazy gettext string, shown in their language).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .i18n import language_like, language_named

DATE_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"),  # <input type=date>
    re.compile(r"^(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})$"),  # 3-12-2026
)
TIME_PATTERN = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]+$")
POSTCODE_PATTERN = re.compile(r"^(?P<digits>[1-9]\d{3}) ?(?P<letters>[A-Za-z]{2})$")


def parse_date(text: str) -> dt.date:
    """Read a date as 2026-12-03, 3-12-2026 or 03/12/2026."""
    value = text.strip()
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            try:
                return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                raise ValueError(_l("This date does not exist.")) from None
    raise ValueError(_l("Write the date as day-month-year, for example 3-12-2026."))


def parse_time(text: str) -> dt.time:
    """Read a time as 9:30, 09:30 or 9.30."""
    match = TIME_PATTERN.match(text.strip())
    if not match:
        raise ValueError(_l("Write the time as hours:minutes, for example 9:30."))
    try:
        return dt.time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        raise ValueError(_l("This time does not exist.")) from None


def check_phone(text: str) -> str:
    """Return a phone number as typed, if it has only digits, spaces and + - ( )."""
    value = " ".join(text.split())
    if not PHONE_PATTERN.match(value):
        raise ValueError(_l("A phone number has only digits, spaces and + - ( )."))
    if not 6 <= sum(char.isdigit() for char in value) <= 15:
        raise ValueError(_l("A phone number has 6 to 15 digits."))
    return value


def check_email(text: str) -> str:
    """Return an e-mail address (as typed, its domain in lower case) if it is one."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(_l("Write an e-mail address, for example naam@gemeente.nl.")) from None


def normalise_postcode(text: str) -> str:
    """Return a Dutch postcode as '1234 AB'."""
    match = POSTCODE_PATTERN.match(text.strip())
    if not match:
        raise ValueError(_l("A Dutch postcode is 4 digits and 2 letters, for example 5038 AA."))
    return f"{match['digits']} {match['letters'].upper()}"


def parse_language(text: str) -> str:
    """Return the code of a language named by code or name ('ar', 'Arabisch', 'العربية')."""
    found = language_named(text)
    if found is None:
        suggestion = language_like(text)
        if suggestion is not None:
            raise ValueError(
                _l("This language is unknown. Did you mean %(name)s?", name=suggestion.dutch_name)
            )
        raise ValueError(_l("This language is unknown."))
    return found.tag


YES = {"ja", "j", "yes", "y", "1", "x", "waar", "true"}
NO = {"nee", "n", "no", "0", "onwaar", "false"}


def parse_yes_no(text: str) -> bool:
    """Read ja or nee (also yes/no, 1/0, x, and Excel's WAAR/ONWAAR or TRUE/FALSE)."""
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(_l("Write ja or nee."))


def as_text(text: str) -> str:
    """Return text as it is: any words are fine, only the length is checked."""
    return text


@dataclass(frozen=True)
class FieldType:
    """How a value of one type is read from what someone typed."""

    parse: Callable[[str], Any]  # the typed value, or ValueError with a message
    max_length: int = 200  # characters, after runs of spaces are made one


FIELD_TYPES: dict[str, FieldType] = {
    "text": FieldType(as_text),
    "name": FieldType(as_text),
    "place": FieldType(as_text),
    "choice": FieldType(as_text),  # found in its list by letters.check_person
    "email": FieldType(check_email),
    "textarea": FieldType(as_text, max_length=2000),
    "checkbox": FieldType(as_text),
    "signature": FieldType(as_text),
    "date": FieldType(parse_date),
    "time": FieldType(parse_time),
    "phone": FieldType(check_phone),
    "postcode": FieldType(normalise_postcode),
    "language": FieldType(parse_language),
    "yesno": FieldType(parse_yes_no),
}


def check_value(type_name: str, text: str) -> Any:
    """Return the typed value of a non-empty text, or raise ValueError saying what is wrong."""
    field_type = FIELD_TYPES[type_name]
    if len(text) > field_type.max_length:
        raise ValueError(
            _l("This is too long: at most %(count)s characters.", count=field_type.max_length)
        )
    return field_type.parse(text)
