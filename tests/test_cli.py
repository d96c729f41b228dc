"""`flask content check` and `flask content stamp`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from portal.loading import load_content
from tests.conftest import LANGUAGES, STATIC


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
