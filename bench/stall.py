#!/usr/bin/env python3
"""How long does the UI thread stall while another process holds the database's write lock?

Drives the app headless on the demo group through a fixed script of keys (open
the members screen, make a prospective member active with `j`, move around, open
the calendar, the goals, the roadmap again) twice in one run:

  * baseline: nobody else uses the database;
  * locked:   a second *process* holds the write lock (BEGIN IMMEDIATE) for the
              first few seconds of the script, then lets go.

A probe task in the app's event loop sleeps 5 ms at a time and records how late
it wakes up: the longest delay is the longest stretch the UI could not answer a
key. The goal is under 50 ms with the lock held, as without it.

Usage: python bench/stall.py [--hold SECONDS] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOLDER = r"""
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
print("released", flush=True)
"""

PROBE_EVERY = 0.005


async def _probe(delays: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t0 = loop.time()
        await asyncio.sleep(PROBE_EVERY)
        delays.append(max(0.0, loop.time() - t0 - PROBE_EVERY))


async def drive(db: Path, lock_for: float) -> tuple[list[float], float, bool]:
    """Run the key script; return the probe's delays, the wall time, and whether `j` saved."""
    from peergroup.clock import FixedClock
    from screens.app import make_app

    holder = None
    if lock_for:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db), str(lock_for)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
    import datetime as dt

    app = make_app(db, clock=FixedClock(dt.date(2026, 11, 25)))
    delays: list[float] = []
    stop = asyncio.Event()
    started = time.monotonic()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            probe = asyncio.create_task(_probe(delays, stop))
            await app.workers.wait_for_complete()
            await pilot.pause()
            # Members are listed active first (7 in the demo), then the recruitment
            # list: seven downs reach Aisha Karim, a prospective member.
            script = ["2", *["down"] * 7, "j", "up", "down", "f1", "escape", "escape", "4", "down"]
            script += ["escape", "3", "escape", "1", "escape", "down", "up"]
            for key in script:
                await pilot.press(key)
                await pilot.pause(0.05)
            # Wait (the UI stays live) until the lock is gone and `j` went in.
            await app.workers.wait_for_complete()
            await pilot.pause()
            stop.set()
            await probe
    finally:
        if holder is not None:
            holder.wait(timeout=60)
    from peergroup.db import open_database
    from peergroup.services import groups as groups_svc
    from peergroup.services import membership as membership_svc

    check = open_database(db)
    with check.read() as s:
        group = groups_svc.list_groups(s)[0]
        active = {m.name for m in membership_svc.list_members(s, group, ("active",))}
    check.close()
    return delays, time.monotonic() - started, "Aisha Karim" in active


def fresh_demo(folder: Path) -> Path:
    db = folder / "demo.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "peergroup",
            "--db",
            str(db),
            "import",
            str(ROOT / "data" / "demo.toml"),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--hold", type=float, default=3.0, help="seconds the other process holds the lock"
    )
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    rows = []
    for label, hold in (("no lock (baseline)", 0.0), (f"lock held {args.hold:g} s", args.hold)):
        worst, p99, wall, ok = [], [], [], []
        for _ in range(args.runs):
            folder = Path(tempfile.mkdtemp(prefix="pg-stall-"))
            # The user's own theme and home snapshots stay out of the figures.
            os.environ["PEERGROUP_CONFIG"] = str(folder / "config")
            os.environ["PEERGROUP_CACHE"] = str(folder / "cache")
            try:
                db = fresh_demo(folder)
                delays, seconds, saved = asyncio.run(drive(db, hold))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            delays.sort()
            worst.append(delays[-1] * 1000)
            p99.append(delays[int(len(delays) * 0.99)] * 1000)
            wall.append(seconds)
            ok.append(saved)
        rows.append(
            (
                label,
                statistics.median(worst),
                max(worst),
                statistics.median(p99),
                statistics.median(wall),
                all(ok),
            )
        )
    print(
        f"{'':22} {'longest stall':>14} {'worst run':>10} {'p99 delay':>10} {'script':>8}  j saved"
    )
    for label, med, mx, q, w, ok in rows:
        print(
            f"{label:22} {med:11.1f} ms {mx:7.1f} ms {q:7.1f} ms {w:6.1f} s  {'yes' if ok else 'NO'}"
        )


if __name__ == "__main__":
    main()
