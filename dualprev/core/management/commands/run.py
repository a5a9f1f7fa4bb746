"""``dualprev run``: the whole system in one foreground command.

Starts three child processes — the web server (granian, WSGI), the background worker
(``dualprev db_worker``) and the scheduler (``dualprev scheduler``) — and supervises them: on
Ctrl-C or SIGTERM it stops all three; when one dies on its own it stops the others and exits
non-zero naming it. For production run the three as separate services (docs/operations.md).

Each child leads its own process group, so a signal sent to the group also reaches what the
child started (granian's worker processes), and a terminal's Ctrl-C reaches only this command,
which then stops the children exactly once (a second SIGINT would make ``db_worker`` abandon the
task it is running). On Linux the children are also told to receive SIGTERM should this process
die without cleaning up (even by SIGKILL), so they are never left behind as orphans.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

POLL_SECONDS = 0.1


@dataclass
class Child:
    """One supervised child process."""

    name: str
    description: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def _die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to SIGTERM the child when this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl() took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in a process group."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel whether the group still exists
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command name: state ppid pgrp ...
        state, _ppid, pgrp = stat.rpartition(")")[2].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _describe_exit(child: Child) -> str:
    code = child.process.returncode if child.process is not None else None
    if code is not None and code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with status {code}"


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _probe_host(host: str) -> str:
    """Where to reach a server bound to ``host`` from this machine."""
    return {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)


def _answers_http(host: str, port: int) -> bool:
    """Whether the web server answers an HTTP request (any status: Django is up)."""
    conn = http.client.HTTPConnection(host, port, timeout=1)
    try:
        conn.request("GET", "/healthz")
        conn.getresponse().read()
    except OSError:
        return False
    finally:
        conn.close()
    return True


class Command(BaseCommand):
    help = (
        "Run the web server, the background worker and the scheduler together in the "
        "foreground; Ctrl-C stops all three. Does not migrate: run `dualprev migrate` first."
    )
    # Warn (don't fail) about unapplied migrations before starting, as runserver does.
    requires_migrations_checks = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to bind (8000).")
        parser.add_argument(
            "--workers", type=int, default=1, help="Web server worker processes (1)."
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=10.0,
            help="Seconds to wait for the children to stop before killing them (10).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        workers: int = options["workers"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        self.stop_timeout: float = max(0.0, options["stop_timeout"])
        self.warn_about_static_files()

        python = sys.executable
        children = [
            Child(
                "web server",
                f"granian WSGI, {workers} worker process{'es' if workers > 1 else ''}",
                [
                    *(python, "-m", "granian", "--interface", "wsgi", "--no-ws"),
                    *("--host", host, "--port", str(port), "--workers", str(workers)),
                    # Each blocking thread may hold a database connection: keep the pool well
                    # under PostgreSQL's max_connections (GRANIAN_BLOCKING_THREADS overrides).
                    *("--blocking-threads", os.environ.get("GRANIAN_BLOCKING_THREADS", "16")),
                    "dualprev.wsgi:application",
                ],
            ),
            Child(
                "worker",
                "dualprev db_worker, all queues",
                # All queues: in the all-in-one set-up nothing else would run the others.
                [python, "-m", "dualprev.cli", "db_worker", "--no-reload", "--queue-name", "*"],
            ),
            Child("scheduler", "dualprev scheduler", [python, "-m", "dualprev.cli", "scheduler"]),
        ]

        self.stop_requested = threading.Event()
        self.stop_signals: list[int] = []
        previous = {
            sig: signal.signal(sig, self.request_stop)
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        }
        try:
            self.start(children)
            url = f"http://{_display_host(_probe_host(host))}:{port}/"
            self.print_banner(children, url, host, port)
            died = self.supervise(children, _probe_host(host), port, url)
        finally:
            self.stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if died is not None:
            others = ", ".join(c.name for c in children if c is not died)
            raise CommandError(
                f"The {died.name} ({died.description}, pid {died.pid}) "
                f"{_describe_exit(died)} unexpectedly; stopped the others ({others}).",
                returncode=1,
            )
        self.stdout.write("dualprev stopped.")

    def warn_about_static_files(self) -> None:
        """With DEBUG off, pages need ``collectstatic``'s manifest; say so before starting."""
        from django.contrib.staticfiles.storage import ManifestFilesMixin
        from django.core.files.storage import storages

        storage = storages["staticfiles"]
        if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
            return
        manifest = storage.manifest_storage or storage
        if not manifest.exists(storage.manifest_name):
            self.stderr.write(
                self.style.WARNING(
                    f"No static files manifest in {settings.STATIC_ROOT}: with DEBUG off, pages "
                    "will fail until you run `dualprev collectstatic --noinput`."
                )
            )

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signals.append(signum)
        self.stop_requested.set()

    def start(self, children: list[Child]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        preexec = _die_with_parent(os.getpid())
        for child in children:
            child.process = subprocess.Popen(
                child.argv,
                env=env,
                stdin=subprocess.DEVNULL,
                process_group=0,
                preexec_fn=preexec,
            )

    def print_banner(self, children: list[Child], url: str, host: str, port: int) -> None:
        db = settings.DATABASES["default"]
        engine = str(db["ENGINE"]).rsplit(".", 1)[-1]
        database = " ".join(str(part) for part in (engine, db.get("HOST"), db["NAME"]) if part)
        self.stdout.write(
            self.style.SUCCESS(f"dualprev ({settings.ENVIRONMENT}) starting at {url}")
        )
        if host in ("0.0.0.0", "::"):
            self.stdout.write(f"  listening on all interfaces ({host}), port {port}")
        self.stdout.write(f"  {'database':<11} {database}")
        for child in children:
            self.stdout.write(f"  {child.name:<11} pid {child.pid:<7} {child.description}")
        self.stdout.write("Press Ctrl-C to stop all three.")

    def supervise(
        self, children: list[Child], probe_host: str, port: int, url: str
    ) -> Child | None:
        """Wait until a stop signal (return None) or a child's death (return that child)."""
        started = time.monotonic()
        ready = False
        while not self.stop_requested.is_set():
            for child in children:
                assert child.process is not None
                if child.process.poll() is not None:
                    return child
            if not ready and _answers_http(probe_host, port):
                ready = True
                elapsed = time.monotonic() - started
                self.stdout.write(self.style.SUCCESS(f"Ready: {url} (after {elapsed:.1f} s)"))
            self.stop_requested.wait(POLL_SECONDS)
        name = signal.Signals(self.stop_signals[0]).name
        self.stdout.write(f"Received {name}; stopping web, worker and scheduler...")
        return None

    def stop(self, children: list[Child]) -> None:
        """SIGTERM every child's process group, wait up to the timeout, then SIGKILL."""
        started = [c for c in children if c.process is not None]
        signals_seen = len(self.stop_signals)
        for child in started:
            _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        # Wait for the leaders and for whatever they started (granian's workers) to go.
        while time.monotonic() < deadline and len(self.stop_signals) <= signals_seen:
            for child in started:
                assert child.process is not None
                child.process.poll()  # reap the leader so it stops counting as a member
            if not any(_group_members(child.pid) for child in started):
                return
            time.sleep(POLL_SECONDS)
        for child in started:
            if _group_members(child.pid):
                self.stderr.write(f"The {child.name} did not stop in time; killing it.")
                _signal_group(child.pid, signal.SIGKILL)
        for child in started:
            assert child.process is not None
            child.process.wait()
