#!/usr/bin/env python3
"""Start-up timings, headless, on the demo group.

Prints medians over several runs (each a fresh interpreter), measured in the
same run for comparison:
  * `python -c "import textual.app, sqlmodel"`
  * a bare Textual app's first painted frame
  * Peergroup's first painted frame, and the moment the home screen shows data

Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = r"""
import sys, time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        print("first_frame", time.time())
        self.exit()
Bare().run(headless=True, size=(80, 24))
"""

PEERGROUP = r"""
import sys, time
from pathlib import Path
import screens.home as home
from screens.app import make_app

app = make_app(Path(sys.argv[1]))
marks = {}
orig_mount = type(app).on_mount
def on_mount(self):
    orig_mount(self)
    self.call_after_refresh(lambda: marks.setdefault("first_frame", time.time()))
type(app).on_mount = on_mount
orig_show = home.HomeScreen._show
def _show(self, data):
    orig_show(self, data)
    def painted():
        marks["home_data"] = time.time()
        self.app.exit()
    self.call_after_refresh(painted)
home.HomeScreen._show = _show
app.run(headless=True, size=(80, 24))
for k, v in marks.items():
    print(k, v)
"""


def timed(args: list[str]) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    end = time.time()
    marks = {"exit": end - start}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("first_frame", "home_data"):
            marks[parts[0]] = float(parts[1]) - start
    return marks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    n = ap.parse_args().runs
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "demo.db"
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
    )
    py = sys.executable
    rows: dict[str, list[float]] = {
        k: []
        for k in ("interpreter", "imports", "bare_first_frame", "pg_first_frame", "pg_home_data")
    }
    for _ in range(n):
        rows["interpreter"].append(timed([py, "-c", "pass"])["exit"])
        rows["imports"].append(timed([py, "-c", "import textual.app, sqlmodel"])["exit"])
        rows["bare_first_frame"].append(timed([py, "-c", BARE])["first_frame"])
        m = timed([py, "-c", PEERGROUP, str(db)])
        rows["pg_first_frame"].append(m["first_frame"])
        rows["pg_home_data"].append(m["home_data"])
    print(f"startup medians over {n} runs (ms), python {sys.version.split()[0]}")
    labels = {
        "interpreter": "python -c pass",
        "imports": 'python -c "import textual.app, sqlmodel"',
        "bare_first_frame": "bare Textual app: first frame",
        "pg_first_frame": "peergroup (demo): first frame",
        "pg_home_data": "peergroup (demo): home shows data",
    }
    for key, label in labels.items():
        vals = rows[key]
        print(
            f"  {label:<44} {statistics.median(vals) * 1000:7.0f}   (min {min(vals) * 1000:.0f}, max {max(vals) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
