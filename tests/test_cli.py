"""`flask content check` and `flask content stamp`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from portal import create_app
from portal.http import fetch_through_app
from portal.loading import load_content
from portal.prebuild import prebuild, public_pdf_paths
from tests.conftest import LANGUAGES, STATIC, content_of


def test_check_passes_on_the_bundled_content(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_check_names_the_broken_file_and_fails(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    app = app_on()
    path = content_copy / "plan" / "04-brede-intake" / "nl.md"
    path.write_text("---\ntitle: x\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert f"error: {path}:1: " in result.output


def test_stamp_makes_an_outdated_translation_current_again(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    app = app_on()
    source = content_copy / "plan" / "05-pip" / "nl.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    step = load_content(content_copy, STATIC, LANGUAGES).step("pip")
    assert step is not None
    assert step.status("en") == "outdated"
    translation = content_copy / "plan" / "05-pip" / "en.md"
    result = app.test_cli_runner().invoke(args=["content", "stamp", str(translation)])
    assert result.exit_code == 0, result.output
    step = load_content(content_copy, STATIC, LANGUAGES).step("pip")
    assert step is not None
    assert step.status("en") == "draft"
    assert translation.read_text(encoding="utf-8").count("translated_from:") == 1


def test_stamp_refuses_the_dutch_source(content_copy: Path, app_on: Callable[..., Flask]) -> None:
    app = app_on()
    source = content_copy / "plan" / "05-pip" / "nl.md"
    result = app.test_cli_runner().invoke(args=["content", "stamp", str(source)])
    assert result.exit_code != 0
    assert "Dutch source" in result.output


def test_prints_build_needs_the_public_address(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["prints", "build"])
    assert result.exit_code != 0
    assert "PORTAL_PUBLIC_BASE_URL" in result.output
    assert not list(tmp_path.rglob("*.pdf"))


def test_every_public_pdf_is_named_once_and_prebuilt_into_the_cache(tmp_path: Path) -> None:
    config = {"TESTING": True, "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)}
    app = create_app(config | {"PUBLIC_BASE_URL": "https://wegwijs.example.nl"})
    loaded = content_of(app)
    with app.test_request_context():
        paths = public_pdf_paths()
    places = 1 + len(loaded.municipalities)
    variants = 1 + 2 * (len(LANGUAGES) - 1)  # Dutch has no bilingual print
    # The plan, each step and the questions booklet.
    assert len(paths) == len(set(paths)) == places * (1 + len(loaded.steps) + 1) * variants
    assert "/ti/gemeente/tilburg/plan/pip-bilingual.pdf" in paths
    assert "/ar/gemeente/goirle/vragen-bilingual.pdf" in paths
    # A round with no time left still asks for one PDF: the cache fills a little every round.
    asked, left = prebuild(app, seconds=0)
    assert (asked, left) == (1, len(paths) - 1)
    (made,) = (tmp_path / "pdf-cache").rglob("*.pdf")
    assert made.read_bytes().startswith(b"%PDF")


def test_pages_fetched_one_after_another_in_a_command_each_speak_their_own_language(
    tmp_path: Path,
) -> None:
    # A command (prints build, site freeze) and the job worker run inside one app context;
    # Flask-Babel keeps the locale in its `g`, so without a context per page every page (and
    # every PDF made ahead) would speak the first page's language.
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        for lang in ("ar", "nl", "ti", "en"):
            page = fetch_through_app(app, f"/{lang}/plan/", "https://wegwijs.example.nl")
            assert f'<html lang="{lang}"' in page.get_data(as_text=True)
