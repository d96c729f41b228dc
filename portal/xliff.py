"""XLIFF 1.2 export of what a language still needs, and a checked import of the translation.

XLIFF 1.2 is what CAT tools (OmegaT, memoQ, Trados) read. Each text field is one trans-unit,
named `<kind>/<slug>/<field>` (title, summary, subject, body, label.<name>). An import is
checked as a whole (unknown ids, broken placeholders, empty targets) before anything is
written: a broken file writes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 - writing only

from defusedxml import ElementTree as SafeElementTree
from flask_babel import gettext as _

from .textfiles import SOURCE_LANGUAGE, TextFields, read_fields
from .texts import PLACEHOLDER, Content, TranslatedItem

NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
NEEDS_WORK = ("missing", "outdated")


@dataclass(frozen=True)
class Unit:
    """One text to translate: where it belongs, the Dutch source, the translation if any."""

    id: str
    source: str
    target: str


def unit_fields(item: TranslatedItem) -> tuple[str, ...]:
    """Return the fields of a text that are one unit each: its one-line settings and body."""
    return (*item.kind_info.required, "body")


def item_units(item: TranslatedItem, fields: TextFields, dutch: TextFields) -> list[Unit]:
    """Return the units of one text: its fields, and each label (a form's, a choice list's)."""
    units = [
        Unit(f"{item.kind}/{item.slug}/{name}", dutch[name], fields[name])  # type: ignore[literal-required]
        for name in unit_fields(item)
    ]
    units += [
        Unit(
            f"{item.kind}/{item.slug}/label.{name}",
            dutch["labels"].get(name, ""),
            fields["labels"].get(name, ""),
        )
        for name in item.label_names
    ]
    return units


def export(content: Content, lang: str) -> bytes:
    """Return an XLIFF 1.2 file with every missing or outdated text of `lang`."""
    root = Element("xliff", {"version": "1.2", "xmlns": NAMESPACE})
    file = SubElement(
        root,
        "file",
        {
            "original": "wegwijs",
            "source-language": SOURCE_LANGUAGE,
            "target-language": lang,
            "datatype": "plaintext",
        },
    )
    body = SubElement(file, "body")
    for item in content.translated():
        state = item.status(lang)
        if state not in NEEDS_WORK:
            continue
        dutch = read_fields(item.source.path)
        fields = read_fields(item.path_for(lang))
        for unit in item_units(item, fields, dutch):
            element = SubElement(body, "trans-unit", {"id": unit.id, "xml:space": "preserve"})
            SubElement(element, "source").text = unit.source
            target = SubElement(
                element,
                "target",
                {"state": "needs-review-translation" if unit.target else "needs-translation"},
            )
            target.text = unit.target
            note = SubElement(element, "note")
            note.text = f"{item.name} ({state}). Keep every ((placeholder)) and the Markdown marks."
    output = io.BytesIO()
    output.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    output.write(tostring(root, encoding="unicode").encode("utf-8"))
    return output.getvalue()


def read_units(data: bytes, lang: str) -> tuple[dict[str, str], list[str]]:
    """Read the targets of an XLIFF file; return them by id, or the problems found."""
    try:
        root = SafeElementTree.fromstring(data)
    except Exception:  # noqa: BLE001 - any parse failure is the same message to an editor
        return {}, [_("This is not an XLIFF file that can be read.")]
    file = root.find(f"{{{NAMESPACE}}}file")
    if root.tag != f"{{{NAMESPACE}}}xliff" or file is None:
        return {}, [_("This is not an XLIFF 1.2 file.")]
    if file.get("target-language", "").lower().split("-")[0] != lang:
        return {}, [
            _(
                "This file is for another language: %(found)s.",
                found=file.get("target-language", "?"),
            )
        ]
    targets: dict[str, str] = {}
    for unit in file.iter(f"{{{NAMESPACE}}}trans-unit"):
        target = unit.find(f"{{{NAMESPACE}}}target")
        targets[unit.get("id", "")] = "".join(target.itertext()) if target is not None else ""
    return targets, []


def check_targets(
    content: Content, targets: dict[str, str], lang: str
) -> tuple[list[tuple[TranslatedItem, TextFields]], list[str]]:
    """Match targets to texts and check them; return each changed text's new fields in `lang`,
    or every problem found."""
    items = {(i.kind, i.slug): i for i in content.translated()}
    problems: list[str] = []
    changed: dict[tuple[str, str], tuple[TranslatedItem, TextFields]] = {}
    for unit_id, target in targets.items():
        parts = unit_id.split("/")
        item = items.get((parts[0], parts[1])) if len(parts) == 3 else None
        field = parts[2] if len(parts) == 3 else ""
        label = field.removeprefix("label.")
        known = item is not None and (
            field in unit_fields(item) or (label in item.label_names and field.startswith("label."))
        )
        if item is None or not known:
            problems.append(_("Unknown id: %(id)s", id=unit_id))
            continue
        if not target.strip():
            problems.append(_("Empty translation: %(id)s", id=unit_id))
            continue
        dutch = read_fields(item.source.path)
        if field.startswith("label."):
            source = dutch["labels"].get(label, "")
        else:
            source = dutch[field]  # type: ignore[literal-required]
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            problems.append(_("The placeholders differ from the Dutch text: %(id)s", id=unit_id))
            continue
        key = (item.kind, item.slug)
        if key not in changed:
            changed[key] = (item, read_fields(item.path_for(lang)))
        fields = changed[key][1]
        if field.startswith("label."):
            fields["labels"] = fields["labels"] | {label: target.strip()}
        else:
            value = target.strip() if field != "body" else target.strip() + "\n"
            fields[field] = value  # type: ignore[literal-required]
    return list(changed.values()), problems
