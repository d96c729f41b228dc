"""Translation memory: Dutch segments that were translated before, to offer again.

The memory of a language is every pair (Dutch segment, its translation) in the texts of that
language: titles, summaries, subjects, labels, and each heading, paragraph and list item of a
body whose translation has the same parts as its Dutch text. An outdated translation pairs
with the Dutch text it was made from (found in git), so after a change to the Dutch text its
unchanged segments come back as exact matches. Nothing here is stored: the memory is read
from the content files, so it is always as current as they are.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .history import dutch_version
from .segments import aligned_texts, same_shape, split_segments
from .textfiles import TextFields, fields_from_text, read_fields
from .texts import Content, TranslatedItem

MIN_QUALITY = 70  # percent alike: below this a match costs more to correct than to write
MAX_MATCHES = 3


@dataclass(frozen=True)
class Pair:
    """A Dutch segment and its translation, and which text it comes from."""

    source: str
    target: str
    origin: str  # e.g. "step pip", or "step pip (before the change)"


@dataclass(frozen=True)
class Match:
    """A translation offered for a Dutch segment, and how alike the two Dutch segments are."""

    source: str
    target: str
    origin: str
    quality: int  # 100: the same Dutch words


def field_pairs(
    item: TranslatedItem, dutch: TextFields, translated: TextFields
) -> list[tuple[str, str]]:
    """Return the (Dutch, translation) pairs of one text: settings, labels and body segments."""
    pairs = [
        (dutch[name], translated[name])  # type: ignore[literal-required]
        for name in item.kind_info.required
    ]
    pairs += [
        (dutch["labels"].get(name, ""), label) for name, label in translated["labels"].items()
    ]
    source_parts = split_segments(dutch["body"])
    target_parts = split_segments(translated["body"])
    if same_shape(source_parts, target_parts):
        pairs += [(s.text, t.text) for s, t in zip(source_parts, target_parts, strict=True)]
    return [(source.strip(), target.strip()) for source, target in pairs if source and target]


def memory_of(content: Content, lang: str) -> list[Pair]:
    """Return every translated segment of a language, with the Dutch segment it translates."""
    pairs: list[Pair] = []
    for item in content.translated():
        state = item.status(lang)
        if state == "missing":
            continue
        translated = read_fields(item.path_for(lang))
        origin = f"{item.kind} {item.slug}"
        if state == "outdated":
            old = dutch_version(item, lang)
            if old is None:
                continue  # which Dutch words it translates is not known
            dutch = fields_from_text(item.source.path, old)
            origin += " (before the change)"
        else:
            dutch = read_fields(item.source.path)
        pairs += [Pair(s, t, origin) for s, t in field_pairs(item, dutch, translated)]
    return pairs


def matches(memory: list[Pair], dutch: str, skip: str = "") -> list[Match]:
    """Return the best translations in memory for a Dutch segment, best first; a translation
    equal to `skip` (what the field holds already) is not offered."""
    wanted = dutch.strip()
    if not wanted:
        return []
    found: dict[str, Match] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for pair in memory:
        if pair.target == skip.strip():
            continue
        if pair.source == wanted:
            quality = 100
        else:
            matcher.set_seq1(pair.source)
            if matcher.real_quick_ratio() * 100 < MIN_QUALITY:
                continue
            if matcher.quick_ratio() * 100 < MIN_QUALITY:
                continue
            quality = int(matcher.ratio() * 100)
            if quality < MIN_QUALITY:
                continue
        known = found.get(pair.target)
        if known is None or known.quality < quality:
            found[pair.target] = Match(pair.source, pair.target, pair.origin, quality)
    return sorted(found.values(), key=lambda m: -m.quality)[:MAX_MATCHES]


def texts_by_segment(item: TranslatedItem, lang: str, translated_body: str) -> list[str]:
    """Return the translation of each segment of the Dutch text as it is now ("" where it
    has none yet), using the Dutch text the translation was made from when git knows it."""
    dutch = split_segments(read_fields(item.source.path)["body"])
    old = dutch_version(item, lang)
    old_parts = split_segments(fields_from_text(item.source.path, old)["body"]) if old else None
    return aligned_texts(dutch, split_segments(translated_body), old_parts)
