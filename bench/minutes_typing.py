#!/usr/bin/env python3
"""Keystroke-to-screen latency in the minutes editor, in a real pseudo-terminal.

Starts `peergroup meeting DATE` in a pty (80x24) on a meeting whose minutes
hold about 50 KB, moves to the end of the text, then types a character at a
time and measures from writing the key to the pty until the app has written
that character back to the terminal. Compared with the same on empty minutes.
Also times one autosave of the 50 KB text (write + search re-index).

Usage: python bench/minutes_typing.py [--keys N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import select as sql_select  # noqa: E402

from peergroup import content, groupfile  # noqa: E402
from peergroup.db import open_database  # noqa: E402
from peergroup.models import Meeting  # noqa: E402
from peergroup.services import minutes as minutes_svc  # noqa: E402
from tests.process.terminal import AppInTerminal  # noqa: E402

DAY = dt.date(2026, 12, 8)
WORDS = [
    "the",
    "group",
    "discussed",
    "promotion",
    "portfolios",
    "teaching",
    "awards",
    "feedback",
    "from",
    "residents",
]


def build(folder: Path, size: int) -> Path:
    path = folder / f"typing-{size}.db"
    db = open_database(path, create=True)
    with db.write() as s:
        groupfile.import_group(s, groupfile.read(content.demo_group_file()))
    text, i = "", 0
    while len(text) < size:
        text += WORDS[i % len(WORDS)] + (" " if i % 12 else ".\n")
        i += 1
    with db.write() as s:
        meeting = s.exec(sql_select(Meeting).where(Meeting.on == DAY)).one()
        minutes_svc.open_meeting(s, meeting)
        minutes_svc.save_minutes(s, meeting.id, text, 0)
    db.close()
    return path


class Terminal(AppInTerminal):
    """Same pty launcher, but reading is done here to timestamp the echo."""

    def _drain(self) -> None:  # the base class would read in a thread
        return

    def read_until(self, needle: bytes, timeout: float = 5.0) -> float:
        deadline = time.perf_counter() + timeout
        buf = b""
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                buf += os.read(self.master, 65536)
                if needle in buf:
                    return time.perf_counter()
        raise TimeoutError(needle)

    def drain_for(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                os.read(self.master, 65536)


def measure(db: Path, keys: int, home: Path) -> list[float]:
    term = Terminal(
        ["--db", str(db), "meeting", DAY.isoformat()], env={"PEERGROUP_HOME": str(home)}
    )
    try:
        term.drain_for(3.0)  # start-up: let the first screens paint
        term.type("\x1b[1;5F")  # ctrl+end: to the end of the minutes
        term.drain_for(1.0)
        times = []
        for _ in range(keys):
            t = time.perf_counter()
            term.type("q")
            times.append(term.read_until(b"q") - t)
            term.drain_for(0.03)
        return times
    finally:
        term.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=200)
    keys = ap.parse_args().keys
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        big, small = build(folder, 50_000), build(folder, 0)
        t_big = measure(big, keys, folder / "home")
        t_small = measure(small, keys, folder / "home")
        db = open_database(big)
        with db.write() as s:
            meeting = s.exec(sql_select(Meeting).where(Meeting.on == DAY)).one()
            m = minutes_svc.open_meeting(s, meeting)
        saves, text, rev = [], m.text, m.revision
        for i in range(20):
            text += f" more {i}"
            t = time.perf_counter()
            with db.write() as s:
                rev = minutes_svc.save_minutes(s, meeting.id, text, rev).revision
            saves.append(time.perf_counter() - t)
        db.close()

    def row(label: str, vals: list[float]) -> None:
        vals = sorted(vals)
        p95 = vals[max(0, int(len(vals) * 0.95) - 1)]
        print(
            f"  {label:<42} median {statistics.median(vals) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   max {vals[-1] * 1000:6.1f} ms"
        )

    print(
        f"minutes editor in an 80x24 pty, {keys} keystrokes each (key written -> character drawn)"
    )
    row("50 KB of minutes, typing at the end", t_big)
    row("empty minutes", t_small)
    row("one autosave of 50 KB (write + re-index)", saves)


if __name__ == "__main__":
    main()
