"""The check every translated interface string passes before it is saved or served.

Flask-Babel hands translations to templates as safe markup and formats each one with `%`,
even without variables. So a translation must keep exactly the source string's `%` parts
(`%(name)s`, `%%`), and may hold no markup or HTML-special character that the source does
not have: otherwise one string breaks every page, or puts a link or an attribute on it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

log = logging.getLogger(__name__)

# A complete %-format directive: %%, %s, %(name)s, %5.2f, ...
PERCENT_DIRECTIVE = re.compile(
    r"%(?:\([^)]*\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
HTML_SPECIAL = ("<", ">", "&", '"')


def percent_parts(text: str) -> Counter[str] | None:
    """Return the %-format parts of a string, or None when a `%` starts none (a lone `%`)."""
    parts = PERCENT_DIRECTIVE.findall(text)
    if PERCENT_DIRECTIVE.sub("", text).count("%"):
        return None
    return Counter(parts)


def fault(source: str, translation: str) -> str | None:
    """Return why a translation of `source` may not be shown ("format" or "markup"), or None."""
    if not translation:
        return None  # untranslated: the source string is shown
    if percent_parts(translation) != percent_parts(source):
        return "format"
    if any(char in translation and char not in source for char in HTML_SPECIAL):
        return "markup"
    return None


def drop_faulty(translations: Any) -> None:
    """Remove from loaded translations every string that fails the check (the source shows).

    A catalog changed outside the editor (by hand, or by `make translations`) is checked
    here, when a worker loads it: a running site never serves a string that fails.
    """
    catalog: dict[Any, str] = getattr(translations, "_catalog", {})
    for key, text in list(catalog.items()):
        source = key[0] if isinstance(key, tuple) else key
        if source and isinstance(text, str) and fault(str(source), text):
            log.error("interface string not shown (it fails the check): %r -> %r", source, text)
            del catalog[key]


class CheckedCatalogs(dict[Any, Any]):
    """Flask-Babel's cache of loaded catalogs: every catalog stored in it is checked first."""

    def __setitem__(self, key: Any, translations: Any) -> None:
        drop_faulty(translations)
        super().__setitem__(key, translations)
