"""Real Redis and PostgreSQL servers for the tests of a whole region's set-up.

Each starts from Debian's packages (installed by `make test`) on a free port in a temporary
folder, and is stopped after the tests that use it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import redis

START_SECONDS = 30.0


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: object, what: str) -> None:
    """Call `check` until it stops raising; fail after START_SECONDS."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            check()  # type: ignore[operator]
            return
        except Exception as error:  # noqa: BLE001 - not up yet, whatever the error says
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {error}") from error
            time.sleep(0.1)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run redis-server on a free port with nothing saved to disk; yield its URL."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        shutil.which("redis-server") or "/usr/bin/redis-server",
        "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(folder),
    ]  # fmt: skip
    with (folder / "redis.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_until(lambda: redis.Redis.from_url(url).ping(), "redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def postgres_bin(program: str) -> str:
    """Return a PostgreSQL program of Debian's newest installed version."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs it")
    return str(found[-1])


def as_postgres_user(command: list[str]) -> list[str]:
    """Run a PostgreSQL program as the postgres user when we are root (it refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Run a throwaway PostgreSQL cluster on a free port; yield the URL of a new database.

    Its folder is a temporary one of its own: the postgres user (PostgreSQL refuses to run as
    root) cannot enter the test's own temporary folders.
    """
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="wegwijs-postgres-"))
    data = folder / "data"
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    subprocess.run(
        as_postgres_user(
            [postgres_bin("initdb"), "-D", str(data), "-U", "wegwijs", "--auth=trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_postgres_user(
            [postgres_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
             "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        admin = f"postgresql://wegwijs@127.0.0.1:{port}/postgres"
        wait_until(lambda: psycopg.connect(admin).close(), "PostgreSQL")
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("CREATE DATABASE portal")
        yield f"postgresql+psycopg://wegwijs@127.0.0.1:{port}/portal"
    finally:
        subprocess.run(
            as_postgres_user([postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
