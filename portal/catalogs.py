"""The interface texts (UI catalogs) that editors translate, and adding a language.

A catalog is saved as .po and compiled to .mo in one go; every worker notices the new .mo
within seconds (i18n.CatalogWatcher). A new language is a row in languages.yml plus a catalog.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import current_app
from flask_babel import gettext as _

from . import content, uistrings
from .history import commit
from .i18n import DIRECTIONS, SCRIPTS, catalog_path, languages
from .textfiles import write_atomically

LANGUAGE_FIELDS = ("code", "name", "dutch_name", "native_name", "direction", "script")


def string_problem(msgid: str, text: str) -> str | None:
    """Say what is wrong with a translated interface string, or None when it may be saved."""
    found = uistrings.fault(msgid, text)
    if found == "format":
        return _(
            "Keep the %%(...)s parts exactly, and write no other %% sign: %(text)s", text=msgid
        )
    if found == "markup":
        return _(
            'Do not add HTML or the signs < > & " that the English text does not have: %(text)s',
            text=msgid,
        )
    return None


def save_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog and its compiled form, each in one step."""
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, catalog, width=0)
    write_mo(mo, catalog)
    write_atomically(path, po.getvalue())
    write_atomically(path.with_suffix(".mo"), mo.getvalue())


def language_problems(values: dict[str, str]) -> list[str]:
    """Check a new language before anything is written."""
    problems = []
    code = values["code"]
    if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?", code):
        problems.append(_("The code is 2 or 3 lower-case letters, for example fa or prs."))
    elif code in languages():
        problems.append(_("This language is already there."))
    else:
        try:
            Locale.parse(code.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            problems.append(_("This code is not a language code that dates and numbers know."))
    for name in ("name", "dutch_name", "native_name"):
        if not values[name]:
            problems.append(_("Fill in: %(field)s", field=name))
    if values["direction"] not in DIRECTIONS:
        problems.append(_("Choose the writing direction."))
    if values["script"] not in SCRIPTS:
        problems.append(_("Choose the script."))
    return problems


def create_language(values: dict[str, str], author_email: str) -> None:
    """Add the row to languages.yml and make the language's catalog from the template."""
    path = Path(current_app.config["CONTENT_DIR"]) / "languages.yml"
    row = yaml.safe_dump(
        [{"code": values["code"], **{k: values[k] for k in LANGUAGE_FIELDS[1:]}}],
        allow_unicode=True,
        sort_keys=False,
    )
    write_atomically(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row)
    catalogs = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    with (catalogs / "messages.pot").open("rb") as file:
        template = read_po(file)
    catalog = Catalog(locale=values["code"].replace("-", "_"), project="Wegwijs")
    for message in template:
        if message.id:
            catalog.add(message.id, "", auto_comments=message.auto_comments)
    catalog_file = catalog_path(catalogs, values["code"])
    catalog_file.parent.mkdir(parents=True, exist_ok=True)
    save_catalog(catalog, catalog_file)
    commit(path, f"language {values['code']} added", author_email)
    content.store().reload_now()
