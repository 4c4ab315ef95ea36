"""A MariaDB server of the test's own, on a free loopback port, that it may really stop, freeze and start again.

The shared MariaDB (README "Tests") is never stopped; this one lives in a temporary directory and dies with
the test, whatever happens.
"""
from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
SMALL_FOOTPRINT = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


class PrivateMariaDB:
    """The server process on a fixed port, which the test can stop and start again on the same port."""

    def __init__(self, command: list[str], port: int, log_path: Path) -> None:
        self.port = port
        self._command = command
        self._log_path = log_path
        self._process: subprocess.Popen | None = None

    def start(self) -> PrivateMariaDB:
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(self._command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _accepts(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                pytest.fail(f"the private MariaDB did not start on port {self.port}:\n{self._log_tail()}")
            time.sleep(0.05)
        return self

    def stop(self, how: signal.Signals = signal.SIGTERM) -> None:
        """Stops the server the way an outage would (SIGTERM: a clean shutdown; SIGKILL: a crash)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(how)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_S)

    def freeze(self) -> None:
        """SIGSTOP: the server keeps its connections and port but answers nothing, as a hung host would."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def _log_tail(self) -> str:
        return self._log_path.read_text(errors="replace")[-2000:] if self._log_path.exists() else ""


def _require_program(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/local/sbin:/usr/local/bin")
    if found is None:
        pytest.fail(f"{program} is not installed; the fault tests start a private server with it")
    return found


@contextmanager
def private_mariadb(database: str) -> Iterator[tuple[PrivateMariaDB, str]]:
    """A MariaDB of this test's own (a fresh data directory, grant tables skipped) with `database` created
    in utf8mb4; yields the server and the database's SQLAlchemy async URL."""
    with tempfile.TemporaryDirectory(prefix="huitong-mariadb-") as directory:
        data, log_path = Path(directory) / "data", Path(directory) / "mariadb.log"
        with log_path.open("wb") as log:
            installed = subprocess.run([_require_program("mariadb-install-db"), "--no-defaults", f"--datadir={data}",
                                        "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db",
                                        *SMALL_FOOTPRINT],
                                       stdout=log, stderr=subprocess.STDOUT, timeout=START_TIMEOUT_S, check=False)
        if installed.returncode != 0:
            pytest.fail(f"mariadb-install-db failed:\n{log_path.read_text(errors='replace')[-2000:]}")
        port = _free_port()
        command = [_require_program("mariadbd"), "--no-defaults", f"--datadir={data}", f"--port={port}",
                   "--bind-address=127.0.0.1", f"--socket={directory}/mariadb.sock", f"--pid-file={directory}/pid",
                   "--user=root", "--skip-grant-tables", "--skip-networking=0", *SMALL_FOOTPRINT,
                   f"--log-error={log_path}"]
        server = PrivateMariaDB(command, port, log_path).start()
        try:
            root = f"mysql+asyncmy://root@127.0.0.1:{port}"
            asyncio.run(_create_database(f"{root}/mysql?charset=utf8mb4", database))
            yield server, f"{root}/{database}?charset=utf8mb4"
        finally:
            server.stop(signal.SIGKILL)


async def _create_database(admin_url: str, name: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    finally:
        await engine.dispose()
