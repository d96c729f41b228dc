"""The one registry of typed values that staff forms, lists and letters check with."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from portal.validation import FIELD_TYPES, check_value
from tests.catalogs import shown_text


@pytest.mark.parametrize(
    ("type_name", "typed", "expected"),
    [
        ("date", "3-12-2026", dt.date(2026, 12, 3)),
        ("date", "2026-12-03", dt.date(2026, 12, 3)),
        ("date", "03/12/2026", dt.date(2026, 12, 3)),
        ("time", "9.30", dt.time(9, 30)),
        ("time", "09:30", dt.time(9, 30)),
        ("phone", "013  542 00 00", "013 542 00 00"),
        ("postcode", "5038aa", "5038 AA"),
        ("text", "Gesprek", "Gesprek"),
    ],
)
def test_a_value_is_read_as_its_type(type_name: str, typed: str, expected: object) -> None:
    assert check_value(type_name, typed) == expected


@pytest.mark.parametrize(
    ("type_name", "typed"),
    [
        ("date", "31-2-2026"),
        ("date", "tomorrow"),
        ("time", "25:00"),
        ("phone", "call me"),
        ("phone", "12"),
        ("postcode", "0123 AB"),
    ],
)
def test_an_impossible_value_is_refused_with_a_message(type_name: str, typed: str) -> None:
    with pytest.raises(ValueError, match=r"\w") as refused:
        check_value(type_name, typed)
    assert str(refused.value.args[0])


@pytest.mark.parametrize(("type_name", "limit"), [("text", 200), ("textarea", 2000)])
def test_every_type_has_a_length_limit_that_its_message_names(
    app: Flask, type_name: str, limit: int
) -> None:
    assert check_value(type_name, "x" * limit) == "x" * limit
    with app.test_request_context(), pytest.raises(ValueError, match=str(limit)):
        check_value(type_name, "x" * (limit + 1))


@pytest.mark.parametrize("name", ["ar", "Arabisch", "Arabic", "العربية", " arabic "])
def test_a_language_is_found_by_code_or_any_name(app: Flask, name: str) -> None:
    with app.app_context():
        assert check_value("language", " ".join(name.split())) == "ar"


def test_an_unknown_language_is_refused(app: Flask) -> None:
    with app.test_request_context():
        message = shown_text("nl", "This language is unknown.")
        with pytest.raises(ValueError, match=message):
            check_value("language", "Klingon")


def test_every_field_type_that_content_may_declare_is_in_the_registry() -> None:
    from portal.loading import FORM_FIELD_TYPES, PLACEHOLDER_TYPES

    assert set(PLACEHOLDER_TYPES) | set(FORM_FIELD_TYPES) <= set(FIELD_TYPES)
