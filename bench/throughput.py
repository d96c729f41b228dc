"""Step pages per second under gunicorn, measured with wrk.

wrk requests the step pages of every language round robin (bench/steps.lua) with
`Accept-Encoding: gzip`, so every response is rendered and compressed as for a browser.
A short warm-up run is thrown away; then several runs of the same length give req/s each,
and the median of those is the result.
"""

from __future__ import annotations

import gzip
import http.client
import re
import statistics
import subprocess
from pathlib import Path
from typing import Any

WRK = "wrk"
SCRIPT = Path(__file__).resolve().parent / "steps.lua"
THREADS = 2
CONNECTIONS = 16
WARMUP_SECONDS = 3
RUN_SECONDS = 10
RUNS = 5


def _get(host: str, port: int, path: str) -> tuple[int, str | None, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Encoding"), response.read()
    finally:
        conn.close()


def step_paths(host: str, port: int, langs: list[str]) -> list[str]:
    """Return the step pages each language's plan page links to, checked to answer gzip."""
    paths: list[str] = []
    for lang in langs:
        status, encoding, body = _get(host, port, f"/{lang}/plan/")
        if status != 200:
            raise RuntimeError(f"/{lang}/plan/ answered {status}")
        html = (gzip.decompress(body) if encoding == "gzip" else body).decode()
        found = sorted(set(re.findall(rf'href="(/{lang}/plan/[a-z0-9-]+/)"', html)))
        if not found:
            raise RuntimeError(f"/{lang}/plan/ links to no step page")
        paths.extend(found)
    for path in paths:
        status, encoding, _ = _get(host, port, path)
        if status != 200 or encoding != "gzip":
            raise RuntimeError(f"{path} answered {status}, Content-Encoding {encoding}")
    return paths


def wrk_version() -> str:
    """Return wrk's version line."""
    result = subprocess.run([WRK, "-v"], capture_output=True, text=True, timeout=10)
    return (result.stdout + result.stderr).splitlines()[0].split(" Copyright")[0].strip()


def run_wrk(base_url: str, paths: list[str], seconds: int) -> dict[str, Any]:
    """Run wrk once over the paths; return req/s and the numbers of the script's done()."""
    command = [
        WRK,
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(SCRIPT),
        base_url + "/",
        "--",
        *paths,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    line = re.search(r"^WEGWIJS (.*)$", result.stdout, re.M)
    if not rate or not line:
        raise RuntimeError(f"cannot read wrk output:\n{result.stdout}\n{result.stderr}")
    numbers = {k: int(v) for k, v in (item.split("=") for item in line.group(1).split())}
    errors = sum(numbers[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests_per_second": float(rate.group(1)),
        "requests": numbers["requests"],
        "bytes_per_response": numbers["bytes"] / max(numbers["requests"], 1),
        "errors": errors,
        "non_2xx_3xx": numbers["status"],
        "latency_ms": {
            name: numbers[f"{name}_us"] / 1000 for name in ("p50", "p90", "p99", "max")
        },
        "command": " ".join(command[: command.index("--")]) + f" -- <{len(paths)} step paths>",
        "output": result.stdout,
    }


def measure(host: str, port: int, langs: list[str]) -> dict[str, Any]:
    """Warm up, then run wrk RUNS times; return every run and the median req/s."""
    base_url = f"http://{host}:{port}"
    paths = step_paths(host, port, langs)
    warmup = run_wrk(base_url, paths, WARMUP_SECONDS)
    runs = [run_wrk(base_url, paths, RUN_SECONDS) for _ in range(RUNS)]
    return {
        "wrk_version": wrk_version(),
        "paths": paths,
        "warmup": warmup,
        "runs": runs,
        "median_requests_per_second": statistics.median(r["requests_per_second"] for r in runs),
        "threads": THREADS,
        "connections": CONNECTIONS,
        "run_seconds": RUN_SECONDS,
        "warmup_seconds": WARMUP_SECONDS,
    }
