"""The interface texts (UI catalogs) that editors translate, and adding a language.

A catalog is saved as .po and compiled to .mo in one go; every worker notices the new .mo
within seconds (i18n.CatalogWatcher). A new language is a row in languages.yml plus a catalog.
"""

from __future__ import annotations

import io
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import current_app
from flask_babel import gettext as _

from . import content, uistrings
from .history import save_files, saving
from .i18n import (
    DIRECTIONS,
    SCRIPTS,
    catalog_path,
    language_code_problem,
    languages,
    load_languages,
)

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


def catalog_files(catalog: Catalog, path: Path) -> dict[Path, bytes]:
    """Return the files of a catalog to save: the .po, and its compiled .mo beside it."""
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, catalog, width=0)
    write_mo(mo, catalog)
    return {path: po.getvalue(), path.with_suffix(".mo"): mo.getvalue()}


def language_problems(values: dict[str, str]) -> list[str]:
    """Check a new language before anything is written."""
    problems = []
    code = values["code"]
    if code in languages():
        problems.append(_("This language is already there."))
    elif language_code_problem(code) == "shape":
        problems.append(_("The code is 2 or 3 lower-case letters, for example fa or prs."))
    elif language_code_problem(code):
        problems.append(_("This code is not a language code that dates and numbers know."))
    for name in ("name", "dutch_name", "native_name"):
        if not values[name]:
            problems.append(_("Fill in: %(field)s", field=name))
    if values["direction"] not in DIRECTIONS:
        problems.append(_("Choose the writing direction."))
    if values["script"] not in SCRIPTS:
        problems.append(_("Choose the script."))
    return problems


def create_language(values: dict[str, str], author_email: str) -> bool:
    """Add the row to languages.yml and an empty catalog; False when it was already added."""
    path = Path(current_app.config["CONTENT_DIR"]) / "languages.yml"
    row = yaml.safe_dump(
        [{"code": values["code"], **{k: values[k] for k in LANGUAGE_FIELDS[1:]}}],
        allow_unicode=True,
        sort_keys=False,
    )
    catalogs = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    with (catalogs / "messages.pot").open("rb") as file:
        template = read_po(file)
    catalog = Catalog(locale=values["code"], project="Wegwijs")
    for message in template:
        if message.id:
            catalog.add(message.id, "", auto_comments=message.auto_comments)
    catalog_file = catalog_path(catalogs, values["code"])
    with saving():
        if values["code"] in load_languages(path, []):
            return False  # another admin added it a moment ago
        catalog_file.parent.mkdir(parents=True, exist_ok=True)
        files: dict[Path, str | bytes] = {
            path: path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row,
            **catalog_files(catalog, catalog_file),
        }
        save_files(
            files,
            f"language {values['code']} added",
            author_email,
        )
    content.store().reload_now()
    return True
