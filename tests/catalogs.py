"""What the UI catalogs say, for tests that check a message appears in the reader's language."""

from __future__ import annotations

from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.config import PROJECT_ROOT


def catalog_text(lang: str, msgid: str) -> str:
    """Return the translation of `msgid` in translations/<lang>/.../messages.po ('' if none)."""
    path = PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        message = read_po(file, locale=lang).get(msgid)
    assert message is not None, f"{msgid!r} is not in {path}"
    return str(message.string or "")


def shown_text(lang: str, msgid: str) -> str:
    """Return what gettext shows: the translation, or the English source when there is none."""
    return catalog_text(lang, msgid) or msgid


def app_message(app: Flask, msgid: str, lang: str = "nl", **variables: object) -> str:
    """Return a message as the app shows it in `lang`: from its compiled catalog, filled in."""
    with app.test_request_context(), force_locale(lang):
        return str(_(msgid, **variables))
