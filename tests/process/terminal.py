"""Run the real app in a pseudo-terminal, type into it, and kill it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path


class AppInTerminal:
    def __init__(
        self, args: list[str], env: dict[str, str] | None = None, size: tuple[int, int] = (80, 24)
    ) -> None:
        master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(cols),
            "LINES": str(rows),
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "peergroup", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        # select with a timeout, never a blocking read: a read in progress keeps
        # the terminal open in the kernel even after close(), so hang_up() must
        # be able to stop this thread first.
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, needle: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"app exited ({self.proc.returncode}) before showing {needle!r}: {bytes(self.output[-2000:])!r}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"app did not show {needle!r} within {timeout}s")
            time.sleep(0.05)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode("utf-8"))

    def type_steadily(
        self, seconds: float, gap: float = 0.04
    ) -> tuple[str, list[tuple[float, int]]]:
        """Type numbered words for ``seconds``, like a scribe keeping up with the talk.

        Returns everything typed and (time, characters typed so far) marks.
        """
        typed, marks = "", []
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < seconds:
            word = f"w{n:04d} "
            self.type(word)
            typed += word
            marks.append((time.monotonic(), len(typed)))
            n += 1
            time.sleep(gap)
        return typed, marks

    def hang_up(self) -> None:
        """Close our end of the terminal, as a terminal emulator that died would."""
        self._stop.set()
        self._reader.join(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self.master)

    def close(self) -> None:
        """Kill (if still running) and reap the app, whatever state the test left it in."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck kernel, not the app
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 9)
            self.proc.wait(timeout=10)
        self._stop.set()
        self._reader.join(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self.master)

    def __enter__(self) -> AppInTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def minutes_text(db: Path, on: str) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute(
            'select minutes.text from minutes join meeting on meeting.id = minutes.meeting_id where meeting."on" = ?',
            (on,),
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else ""


def demo_database(folder: Path) -> Path:
    from peergroup import content, groupfile
    from peergroup.db import open_database

    path = folder / "meeting.db"
    db = open_database(path, create=True)
    with db.write() as session:
        groupfile.import_group(session, groupfile.read(content.demo_group_file()))
    db.close()
    return path


MEETING_DAY = "2026-12-08"


_HOLD_THE_LOCK = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=20)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(600)  # until killed
"""


class WriteLock:
    """Another *process* holding the database's write lock, as a second copy of
    Peergroup or a backup tool would (a thread would share our own locks)."""

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD_THE_LOCK, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else b""
        if line.strip() != b"locked":
            self.proc.kill()
            raise AssertionError(f"the lock holder did not start: {line!r}")

    def release(self) -> None:
        # Killed, not closed: its transaction wrote nothing, and a clean close of
        # what SQLite may take for the last connection would checkpoint and delete
        # the -wal/-shm (a process that opened the file twice has lost its POSIX
        # locks; see peergroup.dbfile).
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)

    def __enter__(self) -> WriteLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
