"""Step pages per second under gunicorn, measured with wrk.

wrk requests the step pages of every language round robin (bench/steps.lua) with
`Accept-Encoding: gzip`, so every response is rendered and compressed as for a browser.
A short warm-up run is thrown away; then several runs of the same length give req/s each,
and the median of those is the result.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import resource
import statistics
import subprocess
import time
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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_seconds(pid: int) -> float:
    """Return the CPU seconds (user + system) a process has used, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _server_seconds(server_pid: int) -> float:
    """Return the CPU seconds of gunicorn's master and its workers (its children)."""
    total = _process_seconds(server_pid)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == server_pid:
            total += _process_seconds(int(entry.name))
    return total


def machine_seconds() -> tuple[float, float, float]:
    """Return CPU seconds of all cores since boot (/proc/stat): busy in processes, busy in
    the kernel's interrupt handling (loopback traffic lands there), and stolen by the host."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (
        (user + nice + system) / CLOCK_TICKS,
        (irq + softirq) / CLOCK_TICKS,
        steal / CLOCK_TICKS,
    )


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(base_url: str, paths: list[str], seconds: int, server_pid: int) -> dict[str, Any]:
    """Run wrk once over the paths; return req/s, the numbers of the script's done() and
    where the CPU time went meanwhile (gunicorn, wrk, everything else on the machine)."""
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
    busy_before, irq_before, steal_before = machine_seconds()
    server_before = _server_seconds(server_pid)
    wrk_before = _children_seconds()
    wall_before = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    wall = time.monotonic() - wall_before
    wrk_cpu = _children_seconds() - wrk_before
    server_cpu = _server_seconds(server_pid) - server_before
    busy_after, irq_after, steal_after = machine_seconds()
    other_cpu = max(busy_after - busy_before - server_cpu - wrk_cpu, 0.0)
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
        "latency_ms": {name: numbers[f"{name}_us"] / 1000 for name in ("p50", "p90", "p99", "max")},
        # CPU use in cores (CPU seconds per wall second) while wrk ran.
        "cpu_cores": {
            "gunicorn": server_cpu / wall,
            "wrk": wrk_cpu / wall,
            "irq": (irq_after - irq_before) / wall,
            "other": other_cpu / wall,
            "steal": (steal_after - steal_before) / wall,
        },
        "pages_per_gunicorn_cpu_second": numbers["requests"] / server_cpu if server_cpu else 0,
        "command": " ".join(command[: command.index("--")]) + f" -- <{len(paths)} step paths>",
        "output": result.stdout,
    }


def measure(host: str, port: int, langs: list[str], server_pid: int) -> dict[str, Any]:
    """Warm up, then run wrk RUNS times; return every run and the median req/s."""
    base_url = f"http://{host}:{port}"
    paths = step_paths(host, port, langs)
    warmup = run_wrk(base_url, paths, WARMUP_SECONDS, server_pid)
    runs = [run_wrk(base_url, paths, RUN_SECONDS, server_pid) for _ in range(RUNS)]
    return {
        "wrk_version": wrk_version(),
        "paths": paths,
        "warmup": warmup,
        "runs": runs,
        "median_requests_per_second": statistics.median(r["requests_per_second"] for r in runs),
        "median_pages_per_gunicorn_cpu_second": statistics.median(
            r["pages_per_gunicorn_cpu_second"] for r in runs
        ),
        "threads": THREADS,
        "connections": CONNECTIONS,
        "run_seconds": RUN_SECONDS,
        "warmup_seconds": WARMUP_SECONDS,
    }
