"""Command line: `flask content check` and `flask content stamp`."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import content, jobs
from .checks import check_all, recording_rows, status_rows
from .database import db
from .export import site_cli
from .i18n import languages
from .loading import load_content
from .prebuild import prints_cli
from .textfiles import SOURCE_LANGUAGE, read_text, with_setting, write_atomically

STATES = ("missing", "outdated", "draft", "reviewed")
content_cli = AppGroup("content", help="Check and maintain the texts in content/.")


@content_cli.command("check")
def check() -> None:
    """Check every content file and catalog; name each problem; exit 1 if there are errors."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    findings = check_all(app, list(languages()))
    for finding in findings:
        click.echo(str(finding), err=finding.error)
    errors = sum(finding.error for finding in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} errors, {warnings} warnings")
    if errors:
        sys.exit(1)


@content_cli.command("status")
@click.option("--lang", "only", multiple=True, help="only this language (repeat for more)")
@click.option("--json", "as_json", is_flag=True, help="print JSON for other tools")
def status(only: tuple[str, ...], as_json: bool) -> None:
    """Show every text by language: missing, outdated, draft or reviewed."""
    wanted = [code for code in languages() if not only or code in only]
    unknown = sorted(set(only) - set(languages()))
    if unknown:
        raise click.UsageError(f"unknown language: {', '.join(unknown)}")
    rows = status_rows(content.current(), wanted)
    recordings = recording_rows(content.current(), wanted)
    if as_json:
        every = [asdict(row) for row in [*rows, *recordings]]
        click.echo(json.dumps(every, ensure_ascii=False, indent=1))
        return
    width = max(len(f"{row.kind} {row.slug}") for row in [*rows, *recordings])
    for row in [*rows, *recordings]:
        click.echo(
            f"{row.kind + ' ' + row.slug:<{width}}  {row.lang:<4} {row.status:<9} {row.path}"
        )
    if recordings:
        counts = {state: sum(row.status == state for row in recordings) for state in STATES[1:]}
        click.echo("recordings: " + ", ".join(f"{n} {state}" for state, n in counts.items()))
    counts = {state: sum(row.status == state for row in rows) for state in STATES}
    click.echo(", ".join(f"{count} {state}" for state, count in counts.items()))


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
    write_atomically(path, with_setting(path, read_text(path), "translated_from", code))
    return code


@content_cli.command("stamp")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def stamp(paths: tuple[Path, ...]) -> None:
    """Record that translations were made from the current Dutch text (after checking them)."""
    for path in paths:
        if path.name == f"{SOURCE_LANGUAGE}.md":
            raise click.UsageError(f"{path} is the Dutch source; stamp its translations")
        click.echo(f"{path}: translated_from {stamp_file(path)}")


jobs_cli = AppGroup("jobs", help="Run the jobs: lists of letters to print.")
# A job worker that dies is started again, but not more often than this (seconds).
RESTART_PAUSE = 5.0


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="jobs at the same time")
def jobs_worker(workers: int) -> None:
    """Take jobs from the queue and run them until stopped (SIGTERM or SIGINT).

    This process watches the one that runs the jobs, and starts it again if it dies (a job
    it was running is then marked failed by its page). Each job prints with a process per
    core, so one job at a time already uses the machine.
    """
    supervise_jobs(workers)


def supervise_jobs(workers: int) -> None:
    """Run the queue's consumer in a forked process, starting it again when it dies, until
    this process gets SIGTERM or SIGINT. Needs the app context.

    `flask jobs worker` runs this; so does the process gunicorn.conf.py forks for `make run`.
    """
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child:
            os.kill(child, signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    db.engine.dispose()  # a forked process must not share the parent's database connections
    click.echo(f"job worker: {type(jobs.queue().storage).__name__}, {workers} at a time")
    child = 0
    while not stopping:
        started = time.monotonic()
        child = os.fork()
        if child == 0:
            run_consumer(workers)
        _pid, status = os.waitpid(child, 0)
        if stopping or status == 0:
            return
        click.echo(f"job worker stopped ({status}); starting it again", err=True)
        time.sleep(max(0.0, RESTART_PAUSE - (time.monotonic() - started)))


def end_with_parent() -> None:
    """Have this (forked) process get SIGTERM when its parent dies, however it dies: a job
    worker left behind by a killed server would go on taking jobs with the old code."""
    parent = os.getppid()
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # died before that took effect
        os.kill(os.getpid(), signal.SIGTERM)


def run_consumer(workers: int) -> NoReturn:
    """Run the queue's consumer in this (forked) process until it is stopped, then exit."""
    from huey.consumer import Consumer

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    end_with_parent()
    # Periodic: the public PDFs are rendered ahead every minute (prebuild.py). An idle
    # consumer looks at the queue at least once a second (huey's default backs off to ten):
    # someone waits on the page of every job.
    consumer = Consumer(
        jobs.queue(), workers=workers, worker_type="thread", periodic=True, max_delay=1.0
    )
    try:
        consumer.run()
    finally:
        os._exit(0)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(content_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(prints_cli)
    app.cli.add_command(site_cli)
