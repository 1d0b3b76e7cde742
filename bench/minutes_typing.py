#!/usr/bin/env python3
"""Keystroke-to-screen latency in the minutes editor, headless.

Opens a meeting whose minutes hold about 50 KB, puts the cursor at the end,
and times each key press until the screen has been updated (the press, the
TextArea edit, and the repaint). Compared with the same on empty minutes.
Also times one autosave of the 50 KB text (write + search re-index).

Usage: python bench/typing.py [--keys N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import select

from peergroup import content, groupfile
from peergroup.db import open_database
from peergroup.models import Meeting
from peergroup.services import minutes as minutes_svc
from screens.app import make_app

DAY = dt.date(2026, 12, 8)
WORDS = ["the", "group", "discussed", "promotion", "portfolios", "teaching", "awards", "feedback", "from", "residents", "and", "curricula"]


def build(folder: Path, size: int) -> Path:
    path = folder / f"typing-{size}.db"
    db = open_database(path, create=True)
    with db.scope() as s:
        groupfile.import_group(s, groupfile.read(content.demo_group_file()))
    text = ""
    i = 0
    while len(text) < size:
        text += WORDS[i % len(WORDS)] + (" " if i % 12 else ".\n")
        i += 1
    with db.scope() as s:
        meeting = s.exec(select(Meeting).where(Meeting.on == DAY)).one()
        minutes_svc.open_meeting(s, meeting)
        minutes_svc.save_minutes(s, meeting.id, text, 0)
    db.close()
    return path


async def measure(path: Path, keys: int) -> list[float]:
    app = make_app(path, start_meeting=DAY.isoformat())
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        editor = app.screen.editor
        editor.move_cursor(editor.document.end)
        await pilot.pause()
        for i in range(keys):
            key = "a" if i % 7 else "space"
            t = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()  # until the update is processed and painted
            times.append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=200)
    keys = ap.parse_args().keys
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        big = build(folder, 50_000)
        small = build(folder, 0)
        t_big = asyncio.run(measure(big, keys))
        t_small = asyncio.run(measure(small, keys))
        db = open_database(big)
        with db.scope() as s:
            meeting = s.exec(select(Meeting).where(Meeting.on == DAY)).one()
            m = minutes_svc.open_meeting(s, meeting)
        saves = []
        text, rev = m.text, m.revision
        for i in range(20):
            text += f" more {i}"
            t = time.perf_counter()
            with db.scope() as s:
                rev = minutes_svc.save_minutes(s, meeting.id, text, rev).revision
            saves.append(time.perf_counter() - t)
        db.close()

    def row(label: str, vals: list[float]) -> None:
        vals = sorted(vals)
        p95 = vals[int(len(vals) * 0.95) - 1]
        print(f"  {label:<40} median {statistics.median(vals) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   max {vals[-1] * 1000:6.1f} ms")

    print(f"minutes editor, {keys} key presses each, 80x24 headless")
    row("keystroke to screen, 50 KB minutes", t_big)
    row("keystroke to screen, empty minutes", t_small)
    row("one autosave of 50 KB (write + index)", saves)


if __name__ == "__main__":
    main()
