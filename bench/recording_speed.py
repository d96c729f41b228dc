"""How long an editor waits while a recording is converted (portal/audio.py: convert).

The conversion runs in the job worker (portal/conversions.py) while the editor's page shows
a progress bar, within its own time limit (audio.CONVERT_SECONDS). This measures it
in-process for the lengths editors record (30 s, 2 minutes, the 5-minute limit), each as
Ogg Opus, what a browser's recorder sends: a generated tone with pauses, which the
conversion treats like speech (trim, measure, level, encode). Three runs each; the median
counts. The upload itself, over a local network, adds little (2.4 MB for five minutes).

    .venv/bin/python -m bench.recording_speed

rewrites its part of bench/README.md (between the recording-results markers).
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.readme import write_results
from portal.audio import CONVERT_SECONDS, convert
from tests.server.harness import Server, csrf_token, local_path, logged_in

LENGTHS = (30, 120, 295)
RUNS = 3
MAX_BYTES = 6 * 1024 * 1024


def recording(seconds: int, folder: Path) -> bytes:
    """Return `seconds` of a tone that pauses every second, as Ogg Opus at 32 kbit/s."""
    target = folder / f"tone-{seconds}.ogg"
    tone = f"sine=frequency=220:duration={seconds},volume='if(lt(mod(t,1),0.7),0.3,0)':eval=frame"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", tone]
        + ["-c:a", "libopus", "-b:a", "32k", str(target)],
        check=True,
    )
    return target.read_bytes()


def over_http(data: bytes, folder: Path) -> tuple[float, float]:
    """Upload a recording to gunicorn as `make run` starts it; return the medians of the
    seconds until the upload is answered and until the page says the recording is saved."""
    server = Server(folder / "server", {}).prepare(git_content=True)
    server.start()
    try:
        editor = logged_in(server.port, server.account("bench@example.org", "editor"))
        page = "/editor/audio/step/brede-intake/ti"
        answered, saved = [], []
        for _run in range(RUNS):
            token = csrf_token(editor.get(page).text)
            began = time.perf_counter()
            reply = editor.upload(
                page, {"csrf_token": token}, {"audio": ("tone.ogg", data, "audio/ogg")}, 60
            )
            answered.append(time.perf_counter() - began)
            follow = local_path(reply.location, server.port)
            shown = editor.get(follow).text
            while 'http-equiv="refresh"' in shown:
                time.sleep(0.1)  # the page itself looks every second
                shown = editor.get(follow).text
            saved.append(time.perf_counter() - began)
            if 'id="saved"' not in shown:
                raise SystemExit("the recording was not saved")
    finally:
        server.stop()
    return statistics.median(answered), statistics.median(saved)


def main() -> None:
    """Measure, print and write the results into the README."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        longest = recording(LENGTHS[-1], Path(folder))
        answered, saved = over_http(longest, Path(folder))
        print(f"over HTTP, {LENGTHS[-1]} s: answered in {answered:.2f} s, saved in {saved:.2f} s")
        for seconds in LENGTHS:
            data = recording(seconds, Path(folder))
            times = []
            for _run in range(RUNS):
                began = time.perf_counter()
                converted, _length = convert(data, MAX_BYTES)
                times.append(time.perf_counter() - began)
            median = statistics.median(times)
            rows.append((seconds, len(data), len(converted), median))
            print(
                f"{seconds:>4} s: {len(data):>9,} B in, {len(converted):>9,} B out, {median:.2f} s"
            )
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {when} with `.venv/bin/python -m bench.recording_speed` on "
        f"{platform.machine()} ({platform.python_version()}); median of {RUNS} runs.",
        "",
        "| recording | upload (Opus) | converted (AAC) | conversion |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {s} s | {a / 1e6:.2f} MB | {b / 1e6:.2f} MB | {t:.2f} s |" for s, a, b, t in rows),
        "",
        f"Time limit of one conversion: {CONVERT_SECONDS} s, in the job worker: the upload's",
        "request only keeps the file and queues the job. Through HTTP against gunicorn (as",
        f"`make run` starts it), the {LENGTHS[-1]} s recording: the upload answered in "
        f"{answered:.2f} s, the page said it was saved after {saved:.2f} s (polled every 0.1 s;"
        " the page itself looks every second).",
    ]
    write_results("recording-results", "Converting a recording (`recording_speed.py`)", lines)


if __name__ == "__main__":
    main()
