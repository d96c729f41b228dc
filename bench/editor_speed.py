"""How long an editor waits on the editor pages, measured over HTTP against gunicorn as
`make run` starts it (content/ a git repository, as on a server where editors save).

The part-by-part editor reads the translation memory of its language (every text file, and
from git the Dutch text an outdated translation was made from); a Dutch save checks the whole
content on a copy before it writes. Both happen inside the request, so both must stay well
within a few seconds. Tigrinya PIP is removed (a missing text: every segment asks the memory)
and the Dutch reminder letter changed (an outdated text: git is asked). Five runs each; the
median counts.

    .venv/bin/python -m bench.editor_speed

rewrites its part of bench/README.md (between the editor-results markers).
"""

from __future__ import annotations

import datetime as dt
import html
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.readme import write_results
from tests.server.harness import Browser, Server, csrf_token, logged_in

RUNS = 5
DUTCH_STEP = "/editor/step/brede-intake/nl"


def timed(action: Callable[[], object]) -> float:
    """Return the median seconds of RUNS runs of `action`."""
    times = []
    for _run in range(RUNS):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def expect(reply: object, status: int) -> None:
    """Stop the benchmark when a page did not answer as it should."""
    if getattr(reply, "status", None) != status:
        raise SystemExit(f"unexpected answer: {reply}")


def dutch_save(editor: Browser, turn: list[int]) -> None:
    """Save the Dutch step with one sentence more or less than before (a real change)."""
    page = editor.get(DUTCH_STEP)
    body = page.text.split('name="body"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    body = html.unescape(body)
    turn[0] += 1
    extra = "\nDit is een extra zin.\n" if turn[0] % 2 else ""
    fields = {
        "csrf_token": csrf_token(page.text),
        "base": re.search(r'name="base" value="(\w+)"', page.text).group(1),  # type: ignore[union-attr]
        "action": "save",
        "title": "Brede intake",
        "summary": "U praat met de gemeente over uw leven.",
        "body": body.replace("\nDit is een extra zin.\n", "") + extra,
    }
    expect(editor.post(DUTCH_STEP, fields), 302)


def main() -> None:
    """Measure, print and write the results into the README."""
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder) / "server", {}).prepare(git_content=True)
        server.start()
        try:
            (server.content / "plan/05-pip/ti.md").unlink()
            letter = server.content / "letters/herinnering-afspraak/nl.md"
            letter.write_text(
                letter.read_text(encoding="utf-8").replace("Kom op tijd.", "Kom altijd op tijd."),
                encoding="utf-8",
            )
            time.sleep(3)  # every worker reads the changed content
            editor = logged_in(server.port, server.account("bench@example.org", "editor"))
            form = editor.get("/editor/step/pip/ti")
            token = csrf_token(form.text)
            turn = [0]
            rows = [
                ("Part by part, a missing step (Tigrinya PIP)", "/editor/step/pip/ti", 200),
                ("Part by part, an outdated letter", "/editor/letter/herinnering-afspraak/ti", 200),
                ("Plain text, the same step", "/editor/step/pip/ti?mode=text", 200),
                ("XLIFF export with memory matches (Tigrinya)", "/editor/xliff/ti.xlf", 200),
                ("Dutch editor page with live advice", DUTCH_STEP, 200),
                (
                    "Status table: every text in every language, who saved and reviewed",
                    "/editor/",
                    200,
                ),
                ("Facts to check: every open fact of every text", "/editor/facts", 200),
            ]
            results = [
                (name, timed(lambda path=path, status=status: expect(editor.get(path), status)))
                for name, path, status in rows
            ]
            results.append(
                (
                    "Live readability advice (one request while typing)",
                    timed(
                        lambda: expect(
                            editor.post(
                                "/editor/readability",
                                {"csrf_token": token, "text": "Dit is een zin. " * 200},
                            ),
                            200,
                        )
                    ),
                )
            )
            results.append(
                (
                    "Dutch save, checked on a copy of content/",
                    timed(lambda: dutch_save(editor, turn)),
                )
            )
        finally:
            server.stop()
    for name, seconds in results:
        print(f"{name}: {seconds * 1000:.0f} ms")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {when} with `.venv/bin/python -m bench.editor_speed` on "
        f"{platform.machine()} ({platform.python_version()}); gunicorn as `make run` starts it; "
        f"median of {RUNS} runs, over HTTP on 127.0.0.1.",
        "",
        "| what the editor does | waits |",
        "| --- | ---: |",
        *(f"| {name} | {seconds * 1000:.0f} ms |" for name, seconds in results),
    ]
    write_results("editor-results", "The editor pages (`editor_speed.py`)", lines)


if __name__ == "__main__":
    main()
