"""XLIFF 1.2 export of what a language still needs, and a checked import of the translation.

XLIFF 1.2 is what CAT tools (OmegaT, memoQ, Trados) read. Each one-line setting, label and
segment of the body (heading, paragraph, list item) is one trans-unit, named
`<kind>/<slug>/<field>` (title, summary, subject, label.<name>, body.<n>), with what the
translation memory offers for it as <alt-trans>. An import also takes a whole `body` (files
exported before bodies were split). It is checked as a whole (unknown ids, broken
placeholders, empty targets, missing segments) before anything is written: a broken file
writes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 - writing only

from defusedxml import ElementTree as SafeElementTree
from flask_babel import gettext as _

from .memory import matches, memory_of, texts_by_segment
from .segments import split_segments, with_texts
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


def item_units(
    item: TranslatedItem, lang: str, fields: TextFields, dutch: TextFields
) -> list[Unit]:
    """Return the units of one text: its settings, each label, and each segment of its body."""
    prefix = f"{item.kind}/{item.slug}"
    units = [
        Unit(f"{prefix}/{name}", dutch[name], fields[name])  # type: ignore[literal-required]
        for name in item.kind_info.required
    ]
    units += [
        Unit(
            f"{prefix}/label.{name}", dutch["labels"].get(name, ""), fields["labels"].get(name, "")
        )
        for name in item.label_names
    ]
    source_parts = split_segments(dutch["body"])
    target_texts = texts_by_segment(item, lang, fields["body"])
    units += [
        Unit(f"{prefix}/body.{number}", source.text, target)
        for number, (source, target) in enumerate(
            zip(source_parts, target_texts, strict=True), start=1
        )
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
    memory = memory_of(content, lang)
    for item in content.translated():
        state = item.status(lang)
        if state not in NEEDS_WORK:
            continue
        dutch = read_fields(item.source.path)
        fields = read_fields(item.path_for(lang))
        for unit in item_units(item, lang, fields, dutch):
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
            for match in matches(memory, unit.source, skip=unit.target):
                offered = SubElement(
                    element,
                    "alt-trans",
                    {"match-quality": str(match.quality), "origin": f"wegwijs: {match.origin}"},
                )
                SubElement(offered, "source").text = match.source
                SubElement(offered, "target", {"xml:lang": lang}).text = match.target
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


def unit_source(item: TranslatedItem, dutch: TextFields, field: str) -> str | None:
    """Return the Dutch text of one unit of a text, or None if the text has no such unit."""
    if field in unit_fields(item):
        return str(dutch[field])  # type: ignore[literal-required]
    label = field.removeprefix("label.")
    if field.startswith("label.") and label in item.label_names:
        return dutch["labels"].get(label, "")
    number = field.removeprefix("body.")
    parts = split_segments(dutch["body"])
    if field.startswith("body.") and number.isdigit() and 1 <= int(number) <= len(parts):
        return parts[int(number) - 1].text
    return None


def check_targets(
    content: Content, targets: dict[str, str], lang: str
) -> tuple[list[tuple[TranslatedItem, TextFields]], list[str]]:
    """Match targets to texts and check them; return each changed text's new fields in `lang`,
    or every problem found."""
    items = {(i.kind, i.slug): i for i in content.translated()}
    problems: list[str] = []
    changed: dict[tuple[str, str], tuple[TranslatedItem, TextFields]] = {}
    body_parts: dict[tuple[str, str], dict[int, str]] = {}
    whole: set[tuple[str, str]] = set()  # texts whose body came as one unit
    for unit_id, target in targets.items():
        parts = unit_id.split("/")
        item = items.get((parts[0], parts[1])) if len(parts) == 3 else None
        field = parts[2] if len(parts) == 3 else ""
        dutch = read_fields(item.source.path) if item is not None else None
        source = unit_source(item, dutch, field) if item and dutch else None
        if item is None or source is None:
            problems.append(_("Unknown id: %(id)s", id=unit_id))
            continue
        if not target.strip():
            problems.append(_("Empty translation: %(id)s", id=unit_id))
            continue
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            problems.append(_("The placeholders differ from the Dutch text: %(id)s", id=unit_id))
            continue
        key = (item.kind, item.slug)
        if key not in changed:
            changed[key] = (item, read_fields(item.path_for(lang)))
        fields = changed[key][1]
        if field == "body" and key in body_parts or field.startswith("body.") and key in whole:
            problems.append(_("Give the body whole or in parts, not both: %(id)s", id=unit_id))
            continue
        if field == "body":
            whole.add(key)
        if field.startswith("body."):
            text = " ".join(target.split())
            if [part.kind for part in split_segments(text)] != ["paragraph"]:
                problems.append(
                    _(
                        "Keep one heading, paragraph or list item, without # or -: %(id)s",
                        id=unit_id,
                    )
                )
            body_parts.setdefault(key, {})[int(field.removeprefix("body."))] = text
        elif field.startswith("label."):
            fields["labels"] = fields["labels"] | {field.removeprefix("label."): target.strip()}
        else:
            value = target.strip() if field != "body" else target.strip() + "\n"
            fields[field] = value  # type: ignore[literal-required]
    for key, texts in body_parts.items():
        item, fields = changed[key]
        dutch_parts = split_segments(read_fields(item.source.path)["body"])
        missing = [n for n in range(1, len(dutch_parts) + 1) if n not in texts]
        if missing:
            unit_id = f"{item.kind}/{item.slug}/body.{missing[0]}"
            problems.append(_("Missing translation: %(id)s", id=unit_id))
            continue
        fields["body"] = with_texts(dutch_parts, [texts[n] for n in sorted(texts)])
    return list(changed.values()), problems
