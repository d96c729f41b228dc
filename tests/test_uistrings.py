"""The check of translated interface strings: their % parts, and no markup of their own."""

from __future__ import annotations

import pytest
from babel.support import Translations

from portal.uistrings import CheckedCatalogs, drop_faulty, fault

SOURCE = "Step %(number)s of %(total)s"


@pytest.mark.parametrize(
    "translation",
    [
        "",
        "Stap %(number)s van %(total)s",
        "%(total)s خطوات، الخطوة %(number)s",
        "Stap %(number)s/%(total)s – 100%% zeker",
    ],
)
def test_a_translation_with_the_same_parts_may_be_shown(translation: str) -> None:
    assert fault(SOURCE + (" 100%%" if "%%" in translation else ""), translation) is None


@pytest.mark.parametrize(
    ("source", "translation", "found"),
    [
        ("Save", "Save 100%", "format"),
        ("Save", "{0} %x", "format"),
        (SOURCE, "Stap %(number)s", "format"),
        (SOURCE, "Stap %(nummer)s van %(total)s", "format"),
        (SOURCE, "Stap %(number)d van %(total)s", "format"),
        ("Save", '<a href="https://evil.example">Save</a>', "markup"),
        ("Language", 'Taal" onmouseover="alert(1)', "markup"),
        ("Print", 'Print <img src="x">', "markup"),
        ("Print", "Print &amp; go", "markup"),
    ],
)
def test_a_translation_that_breaks_pages_is_found(
    source: str, translation: str, found: str
) -> None:
    assert fault(source, translation) == found


def test_faulty_strings_are_dropped_when_a_catalog_is_loaded() -> None:
    translations = Translations()
    translations._catalog = {  # type: ignore[attr-defined]
        "Save": "Save 100%",
        "Print": "Afdrukken",
        ("%(count)s step", 0): "%(count)s stap",
        ("%(count)s step", 1): "<b>%(count)s</b> stappen",
    }
    cache = CheckedCatalogs()
    cache["en", "messages"] = translations
    assert translations._catalog == {  # type: ignore[attr-defined]
        "Print": "Afdrukken",
        ("%(count)s step", 0): "%(count)s stap",
    }
    drop_faulty(translations)  # checking again changes nothing
    assert len(translations._catalog) == 2  # type: ignore[attr-defined]
