"""Content files as editors write them: the front-matter parser, the kinds table, writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.textfiles import (
    KINDS,
    ContentError,
    empty_fields,
    fields_from_text,
    file_text,
    read_fields,
    source_hash,
    split_front_matter,
    with_setting,
    write_atomically,
)
from tests.conftest import CONTENT


def test_settings_and_body_are_split_with_the_line_the_body_starts_on() -> None:
    meta, body, line = split_front_matter(Path("x.md"), "---\ntitle: A\nsummary: B\n---\n## Kop\n")
    assert meta == {"title": "A", "summary": "B"}
    assert body == "## Kop\n"
    assert line == 5


def test_windows_line_ends_and_a_byte_order_mark_are_read_as_plain_text() -> None:
    meta, body, _line = split_front_matter(Path("x.md"), "\ufeff---\r\ntitle: A\r\n---\r\nB\r\n")
    assert meta == {"title": "A"}
    assert body == "B\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: A\n", 1, "must start with a line '---'"),
        ("---\ntitle: A\n", 1, "not closed"),
        ("---\ntitle: A\n\tsummary: B\n---\n", 3, "not valid YAML"),
        ("---\n- a list\n---\n", 2, "'name: value' lines"),
    ],
)
def test_a_broken_file_is_named_with_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ContentError, match=words) as broken:
        split_front_matter(Path("plan/x/ar.md"), text)
    assert broken.value.line == line
    assert str(broken.value).startswith(f"plan/x/ar.md:{line}: ")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_file_written_from_its_fields_reads_back_the_same(kind: str) -> None:
    fields = empty_fields() | {
        "title": "Titel: met dubbele punt",
        "summary": "Kort",
        "subject": "Uitnodiging",
        "labels": {"naam": "Naam"} if KINDS[kind].has_labels else {},
        "body": "## Kop\n\nTekst met ((voornaam)).\n",
    }
    text = file_text(KINDS[kind], fields, {"review": "draft"})  # type: ignore[arg-type]
    read = fields_from_text(Path("x.md"), text)
    for name in (*KINDS[kind].settings, "body"):
        assert read[name] == fields[name]  # type: ignore[literal-required]
    assert read["review"] == "draft"


def test_every_bundled_translation_records_the_hash_of_its_dutch_text() -> None:
    """The hash of the kinds table is the one the translations on disk were stamped with."""
    checked = 0
    for kind in KINDS.values():
        for source in sorted((CONTENT / kind.folder).glob("*/nl.md")):
            code = source_hash(kind, read_fields(source))
            for translation in sorted(source.parent.glob("*.md")):
                if translation.name != "nl.md":
                    meta, _body, _line = split_front_matter(translation, translation.read_text())
                    assert meta["translated_from"] == code, translation
                    checked += 1
    assert checked >= 40


def test_one_setting_is_set_and_the_rest_of_the_file_is_kept_as_written(tmp_path: Path) -> None:
    text = "---\ntitle: A  # a comment\ntranslated_from: old\n---\nBody\n"
    changed = with_setting(tmp_path / "x.md", text, "translated_from", "new")
    assert changed == "---\ntitle: A  # a comment\ntranslated_from: new\n---\nBody\n"
    added = with_setting(tmp_path / "x.md", "---\ntitle: A\n---\nB\n", "review", "draft")
    assert added == "---\ntitle: A\nreview: draft\n---\nB\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ar.md"
    path.write_text("old", encoding="utf-8")

    def disk_full(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_atomically(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ar.md"]


def test_a_write_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    path = tmp_path / "messages.mo"
    write_atomically(path, b"\x00\x01")
    write_atomically(path, b"\x02")
    assert path.read_bytes() == b"\x02"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messages.mo"]
