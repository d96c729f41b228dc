"""Content files as editors write them: front matter, the fields of each kind of text, writes.

Every text file is YAML front matter between two `---` lines, then Markdown. This module is
the one place that parses and writes that format, and the one table (KINDS) of which fields
each kind of text has: the loader, the editor, XLIFF and the source hash all read it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import yaml

SOURCE_LANGUAGE = "nl"


class ContentError(ValueError):
    """A content file is missing, unreadable or incomplete; the message names the file."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Kind:
    """A kind of text that is written in Dutch and translated: its folder and its fields."""

    name: str  # step | letter | form | choices: how editors and XLIFF ids name it
    folder: str  # its folder in content/
    # The settings of a text besides its Markdown body, in file order. "labels" is a mapping
    # (one label per form field); every other setting is one line of text.
    settings: tuple[str, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """Return the one-line settings that a text of this kind must fill in."""
        return tuple(name for name in self.settings if name != "labels")

    @property
    def has_labels(self) -> bool:
        """Say whether a text of this kind labels fields (a form)."""
        return "labels" in self.settings


KINDS = {
    kind.name: kind
    for kind in (
        Kind("step", "plan", ("title", "summary")),
        Kind("letter", "letters", ("subject",)),
        Kind("form", "forms", ("title", "labels")),
        Kind("choices", "choices", ("title", "labels")),
        Kind("question", "questions", ("title", "summary")),
    )
}


class TextFields(TypedDict):
    """What an editor can change in one text file, as the file holds it."""

    title: str
    summary: str
    subject: str
    labels: dict[str, str]
    body: str
    review: str
    reviewed_by: str
    saved_by: str  # who last saved the translation (four eyes: someone else reviews it)


def empty_fields() -> TextFields:
    """Return the fields of a text that does not exist yet."""
    return TextFields(
        title="",
        summary="",
        subject="",
        labels={},
        body="",
        review="draft",
        reviewed_by="",
        saved_by="",
    )


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int]:
    """Split the text of a content file (named by `path` in errors) into settings and body.

    Returns the settings, the Markdown body and the line number the body starts on.
    """
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    if not text.startswith("---\n"):
        raise ContentError(path, "must start with a line '---' and the settings", 1)
    end = text.find("\n---\n", 3)
    if end == -1:
        raise ContentError(path, "the settings are not closed by a line '---'", 1)
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(path, f"the settings are not valid YAML: {problem}", line) from error
    if not isinstance(meta, dict):
        raise ContentError(path, "the settings must be 'name: value' lines", 2)
    body_line = text.count("\n", 0, end) + 3
    return meta, text[end + 5 :], body_line


def read_text(path: Path) -> str:
    """Return a content file's text, or raise ContentError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(path, "is not UTF-8 text; save it as UTF-8") from error
    except OSError as error:
        raise ContentError(path, f"cannot be read: {error.strerror}") from error


def read_front_matter(path: Path) -> tuple[dict[str, Any], str, int]:
    """Split a content file into its settings, its Markdown body and the body's first line."""
    return split_front_matter(path, read_text(path))


def with_setting(path: Path, text: str, key: str, value: str) -> str:
    """Return a file's text with one one-line setting set, the other lines kept as written."""
    split_front_matter(path, text)  # refuse a broken file before changing it
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    head, _separator, rest = text[4:].partition("\n---\n")
    line = f"{key}: {value}"
    pattern = re.compile(rf"^{re.escape(key)}:.*$", flags=re.M)
    head = (
        pattern.sub(lambda _found: line, head, count=1)
        if pattern.search(head)
        else f"{head}\n{line}"
    )
    return f"---\n{head}\n---\n{rest}"


def fields_from_text(path: Path, text: str) -> TextFields:
    """Return the editable fields of a content file's text."""
    meta, body, _line = split_front_matter(path, text)
    labels = meta.get("labels") or {}
    return TextFields(
        title=str(meta.get("title", "")),
        summary=str(meta.get("summary", "")),
        subject=str(meta.get("subject", "")),
        labels={str(name): str(label) for name, label in dict(labels).items()},
        body=body,
        review=str(meta.get("review", "draft")),
        reviewed_by=str(meta.get("reviewed_by", "")),
        saved_by=str(meta.get("saved_by", "")),
    )


def read_fields(path: Path) -> TextFields:
    """Return the editable fields of a text file, or empty ones when it does not exist."""
    if not path.is_file():
        return empty_fields()
    return fields_from_text(path, read_text(path))


def file_text(kind: Kind, fields: TextFields, extra: dict[str, Any]) -> str:
    """Return the text of a content file: the kind's settings and `extra`, then the body."""
    meta: dict[str, Any] = {name: fields[name] for name in kind.settings}  # type: ignore[literal-required]
    head = yaml.safe_dump(meta | extra, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n{fields['body']}"


def source_hash(kind: Kind, fields: TextFields) -> str:
    """Return the code of a Dutch text that its translations record as `translated_from`."""
    parts = []
    for name in kind.settings:
        if name == "labels":
            parts.append("\n".join(f"{k}: {v.strip()}" for k, v in fields["labels"].items()))
        else:
            parts.append(fields[name])  # type: ignore[literal-required]
    # Always two setting slots: every translation on disk records a code made this way, and
    # another formula would mark them all outdated at once.
    parts += [""] * (2 - len(parts))
    normalised = "\n".join(part.strip() for part in (*parts, fields["body"]))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:8]


def source_hash_of(kind: Kind, path: Path, text: str) -> str:
    """Return the code of a Dutch text from the text of its file (e.g. an old git version)."""
    return source_hash(kind, fields_from_text(path, text))


def write_atomically(path: Path, data: str | bytes) -> None:
    """Replace a file in one step, so a reader never sees half a file.

    On any failure (a full disk) the temporary file is removed and the old file stays.
    """
    temporary = path.with_name(f".{path.name}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(temporary, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
