"""``dualprev run`` as a user runs it: a real process tree against a temporary SQLite file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="inspects the process tree through /proc"
)

START_TIMEOUT = 60
STOP_TIMEOUT = 20


def proc_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, start time) for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its start time (to tell a reused pid apart)."""
    table = proc_table()
    found: dict[int, str] = {}
    parents = {pid}
    while parents:
        children = {p for p, (ppid, _, _) in table.items() if ppid in parents and p not in found}
        found.update({p: table[p][2] for p in children})
        parents = children
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    table = proc_table()
    return [
        pid
        for pid, started in processes.items()
        if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    ]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def run_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for a development instance on a freshly migrated temporary database."""
    tmp = tmp_path_factory.mktemp("dualprev-run")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DUALPREV_ENV": "development",
        "DUALPREV_VAR_DIR": str(tmp / "var"),
    }
    env.pop("DJANGO_DEBUG", None)
    subprocess.run(
        [sys.executable, "-m", "dualprev.cli", "migrate", "--noinput", "-v0"],
        env=env,
        check=True,
        timeout=120,
    )
    return env


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    started_in: float

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def running(run_env: dict[str, str], tmp_path: Path) -> Iterator[Running]:
    """``dualprev run`` started and answering /healthz; killed with its tree if a test fails."""
    port = free_port()
    log = tmp_path / "run.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dualprev.cli", "run", "--port", str(port)],
            env=run_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    run = Running(process, port, log, 0.0)
    try:
        run.started_in = wait_until_healthy(run, started)
        yield run
    finally:
        leftovers = descendants(process.pid)
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in still_running(leftovers):
            os.kill(pid, signal.SIGKILL)


def wait_until_healthy(run: Running, started: float) -> float:
    url = f"http://127.0.0.1:{run.port}/healthz"
    while time.monotonic() - started < START_TIMEOUT:
        if run.process.poll() is not None:
            pytest.fail(f"dualprev run exited with {run.process.returncode}:\n{run.output()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"/healthz did not answer within {START_TIMEOUT} s:\n{run.output()}")


def children_by_role(pid: int) -> dict[str, int]:
    table = proc_table()
    roles = {}
    for child, (ppid, _, _) in table.items():
        if ppid != pid:
            continue
        line = cmdline(child)
        for role, marker in (
            ("web", "granian"),
            ("worker", "db_worker"),
            ("scheduler", "scheduler"),
        ):
            if marker in line:
                roles[role] = child
    return roles


def wait_for_exit(run: Running) -> int:
    try:
        return run.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dualprev run did not stop within {STOP_TIMEOUT} s:\n{run.output()}")


def test_ctrl_c_stops_the_web_server_worker_and_scheduler(running: Running) -> None:
    roles = children_by_role(running.process.pid)
    assert set(roles) == {"web", "worker", "scheduler"}, running.output()
    tree = descendants(running.process.pid)
    assert f"http://127.0.0.1:{running.port}/" in running.output()

    running.process.send_signal(signal.SIGINT)

    assert wait_for_exit(running) == 0, running.output()
    assert "dualprev stopped." in running.output()
    assert still_running(tree) == []
    print(f"dualprev run answered /healthz after {running.started_in:.2f} s")


def test_a_child_dying_stops_the_others_and_fails_naming_it(running: Running) -> None:
    roles = children_by_role(running.process.pid)
    tree = descendants(running.process.pid)

    os.kill(roles["worker"], signal.SIGKILL)

    assert wait_for_exit(running) == 1, running.output()
    assert "The worker (dualprev db_worker" in running.output()
    assert "was killed by SIGKILL" in running.output()
    assert still_running(tree) == []
