"""Command line: `flask content check` and `flask content stamp`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .content import (
    SOURCE_LANGUAGE,
    ContentError,
    load_content,
    write_atomically,
)
from .i18n import languages

content_cli = AppGroup("content", help="Check and maintain the texts in content/.")


@content_cli.command("check")
def check() -> None:
    """Load all content as the portal does; name the broken file and exit 1 on an error."""
    try:
        loaded = load_content(
            Path(current_app.config["CONTENT_DIR"]),
            Path(current_app.config["STATIC_DIR"]),
            list(languages()),
        )
    except ContentError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(loaded.steps)} steps, {len(loaded.municipalities)} municipalities")


def source_hash_for(translation: Path) -> str:
    """Return the code of the Dutch text (step, letter or form) next to a translation file."""
    loaded = load_content(
        Path(current_app.config["CONTENT_DIR"]),
        Path(current_app.config["STATIC_DIR"]),
        list(languages()),
    )
    folder = translation.resolve().parent
    for item in loaded.translated():
        if item.source.path.resolve().parent == folder:
            return item.source_hash
    raise click.UsageError(f"{translation} is not next to a Dutch step, letter or form text")


def stamp_file(path: Path) -> str:
    """Write the current Dutch text's code into a translation's `translated_from`."""
    code = source_hash_for(path)
    text = path.read_text(encoding="utf-8")
    head, separator, rest = text[4:].partition("\n---\n")
    if not text.startswith("---\n") or not separator:
        raise ContentError(path, "has no settings block between '---' lines")
    line = f"translated_from: {code}"
    if re.search(r"^translated_from:.*$", head, flags=re.M):
        head = re.sub(r"^translated_from:.*$", line, head, count=1, flags=re.M)
    else:
        head = f"{head}\n{line}"
    write_atomically(path, f"---\n{head}\n---\n{rest}")
    return code


@content_cli.command("stamp")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def stamp(paths: tuple[Path, ...]) -> None:
    """Record that translations were made from the current Dutch text (after checking them)."""
    for path in paths:
        if path.name == f"{SOURCE_LANGUAGE}.md":
            raise click.UsageError(f"{path} is the Dutch source; stamp its translations")
        click.echo(f"{path}: translated_from {stamp_file(path)}")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(content_cli)
