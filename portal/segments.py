"""Segments: a Markdown text split into its headings, paragraphs and list items.

Translators edit one segment at a time beside the Dutch one, without Markdown marks; the
translation file is put together again from the Dutch text's marks and spacing with the
translated words, so it has exactly the format it has when written by hand.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

# What starts a heading or a list item; anything else starts a paragraph.
MARK = re.compile(r"(?:#{1,6}|[-*+]|\d{1,3}[.)])[ \t]+")


@dataclass(frozen=True)
class Segment:
    """One heading, paragraph or list item: its Markdown mark and its words."""

    mark: str  # "## ", "- ", "1. ", or "" for a paragraph
    text: str  # the words, with inline marks (**, links, ((placeholders)))
    before: str = ""  # the line ends (and blank lines) between it and the segment before

    @property
    def kind(self) -> str:
        """Return heading, item or paragraph."""
        if self.mark.startswith("#"):
            return "heading"
        return "item" if self.mark else "paragraph"


def split_segments(body: str) -> list[Segment]:
    """Split a Markdown body into segments; join_segments puts it together again."""
    segments: list[Segment] = []
    line_ends = 0  # line ends since the last line with words
    for line in body.rstrip("\n").split("\n"):
        if not line.strip():
            line_ends += 1
            continue
        mark = MARK.match(line)
        last = segments[-1] if segments else None
        if last is not None and not mark and line_ends == 0 and last.kind != "heading":
            # A line that goes on with the paragraph or list item above it.
            segments[-1] = replace(last, text=f"{last.text}\n{line}")
        else:
            before = "\n" * (line_ends + 1 if segments else line_ends)
            found = mark.group(0) if mark else ""
            segments.append(Segment(found, line[len(found) :], before))
        line_ends = 0
    return segments


def join_segments(segments: list[Segment]) -> str:
    """Return the Markdown body of segments, ending in one line end."""
    return "".join(s.before + s.mark + s.text for s in segments) + "\n"


def with_texts(dutch: list[Segment], texts: list[str]) -> str:
    """Return a translation's body: the Dutch marks and spacing around the translated words."""
    return join_segments(
        [replace(segment, text=text) for segment, text in zip(dutch, texts, strict=True)]
    )


def same_shape(first: list[Segment], second: list[Segment]) -> bool:
    """Say whether two texts have the same headings, paragraphs and list items in order."""
    return [s.kind for s in first] == [s.kind for s in second]


def aligned_texts(
    dutch: list[Segment], translated: list[Segment], old_dutch: list[Segment] | None = None
) -> list[str]:
    """Return, for each Dutch segment, the translated segment that belongs to it ("" for none).

    A translation with the parts of the Dutch text pairs up one to one. After the Dutch text
    changed, the Dutch text the translation was made from (`old_dutch`, when known) tells
    which segments stayed the same: only those keep their translation. Without it, the
    order of headings, paragraphs and list items is matched.
    """
    if same_shape(dutch, translated):
        return [segment.text for segment in translated]
    texts = [""] * len(dutch)
    if old_dutch is not None and same_shape(old_dutch, translated):
        now, before = [s.text for s in dutch], [s.text for s in old_dutch]
    else:
        now, before = [s.kind for s in dutch], [s.kind for s in translated]
    matcher = difflib.SequenceMatcher(None, now, before, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            texts[block.a + offset] = translated[block.b + offset].text
    return texts
