#!/usr/bin/env python3
"""How much typed text a killed app loses: repeated SIGKILL/SIGTERM/SIGHUP runs.

Each run starts `peergroup meeting DATE` in a pseudo-terminal, types words
steadily for a few seconds, ends the process, and compares the database with
what was typed. Prints, per signal, the runs and the worst loss (characters,
and seconds of typing).

Usage: python bench/kill.py [--runs N]
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.process.terminal import MEETING_DAY, AppInTerminal, demo_database, minutes_text  # noqa: E402


def one(sig: int, seconds: float) -> tuple[int, float, bool]:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        db = demo_database(folder)
        app = AppInTerminal(
            ["--db", str(db), "meeting", MEETING_DAY], env={"PEERGROUP_HOME": str(folder / "home")}
        )
        try:
            app.wait_for(b"Type the minutes here")
            start = time.monotonic()
            typed, marks = app.type_steadily(seconds, gap=0.03)
            killed = time.monotonic()
            app.proc.send_signal(sig)
            app.proc.wait(timeout=15)
        finally:
            app.close()
        saved = minutes_text(db, MEETING_DAY)
    intact = typed.startswith(saved)
    lost_chars = len(typed) - len(saved)
    # seconds of typing lost: time between the last saved character's keystroke and the kill
    saved_at = max((t for t, k in marks if k <= len(saved)), default=start)
    return lost_chars, (killed - saved_at) if lost_chars else 0.0, intact


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP):
        rows = [one(sig, a.seconds) for _ in range(a.runs)]
        worst_chars = max(r[0] for r in rows)
        worst_secs = max(r[1] for r in rows)
        intact = all(r[2] for r in rows)
        print(
            f"{signal.Signals(sig).name:<8} runs {a.runs:>3}  worst loss {worst_chars:>4} chars = {worst_secs:.2f} s of typing"
            f"  saved text always a prefix of typed: {intact}"
        )


if __name__ == "__main__":
    main()
