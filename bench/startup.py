#!/usr/bin/env python3
"""Start-up timings, headless, on the demo group.

Prints medians over several runs (each a fresh interpreter), measured in the
same run for comparison (each line says what it measures):
  * `python -c "import textual.app, sqlmodel"`
  * a bare Textual app's first painted frame
  * Peergroup's first painted frame, and the moment the home screen shows data,
    started as `peergroup --db FILE` starts it (cli.run, hooks installed only
    once the command line has done its part): cold (no home snapshot: the first
    run on a file, the first in more than two weeks, or after another program
    wrote to it; the helper
    process of peergroup.home_prefetch works out the home view meanwhile), the
    same with the helper turned off (PEERGROUP_PREFETCH=0), and warm (reopened
    after the app was quit, file unchanged), and opened three days after the
    last quit (the snapshot holds a view for each of the next days)
  * what taking the snapshot costs when the app quits
  * `peergroup search` and `peergroup export ics` as whole commands, beside
    `python -c "import sqlmodel"`
Each floor is shown twice: the whole command (interpreter teardown included,
as `time python -c ...` shows it; peergroup's commands skip that teardown with
os._exit) and the moment its imports are done (the stricter floor).

Bytecode is compiled first (compileall), as pip does when it installs the wheel.

A frame counts as painted when Textual hands it to the terminal driver
(``App._display``; headless, the driver writes nothing, so the hook records
the moment instead). Both apps are measured the same way.

Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FRAMES = r"""
import time
from textual.app import App as _App
_shown = _App._display
def _display(self, screen, renderable):
    if renderable is not None:
        hook = getattr(self, "frame_hook", None)
        if hook is not None:
            hook(screen)
    return _shown(self, screen, renderable)
_App._display = _display
"""

BARE = (
    FRAMES
    + r"""
import sys, time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def frame_hook(self, screen):
        print("first_frame", time.time())
        self.frame_hook = None
        self.call_later(self.exit)
Bare().run(headless=True, size=(80, 24))
"""
)

PEERGROUP = (
    r"""
import sys, time
from peergroup import cli

marks = {}
data_shown = []
_open_tui = cli._open_tui

def hooked(*args, **kwargs):
    # Hooks go in after the command line has run as usual (and started its
    # helper): importing Textual any earlier would change what is measured.
"""
    + "\n".join("    " + line for line in FRAMES.strip().splitlines())
    + r"""
    import screens.home as home

    def mark(name):
        if name not in marks:
            marks[name] = time.time()
            print(name, marks[name], flush=True)

    def frame_hook(self, screen):
        mark("first_frame")
        if data_shown and "home_data" not in marks:
            mark("home_data")
            self.call_later(self.exit)

    _App.frame_hook = frame_hook
    _run = _App.run
    _App.run = lambda self, **kw: _run(self, headless=True, size=(80, 24))
    orig_show = home.HomeScreen._show

    def _show(self, data):
        orig_show(self, data)
        data_shown.append(True)

    home.HomeScreen._show = _show
    return _open_tui(*args, **kwargs)

cli._open_tui = hooked
sys.argv = ["peergroup", "--db", sys.argv[1]]
cli.main()  # as the `peergroup` command runs it (collector off, quick exit)
"""
)

CLI_PHASES = r"""
import gc, sys, time
gc.disable()  # as cli.main runs every command
t0 = time.perf_counter()
import sqlmodel
t1 = time.perf_counter()
import peergroup.models, peergroup.db
for name in sys.argv[2].split(","):  # the command's own modules
    __import__(name)
t2 = time.perf_counter()
from peergroup.cli import run
import io, contextlib
sink = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # has a .buffer, as stdout does
with contextlib.redirect_stdout(sink):
    run(["--db", sys.argv[1], *sys.argv[3:]])
t3 = time.perf_counter()
print("phases", t1 - t0, t2 - t1, t3 - t2)
"""

# The floors, as a command (until the process has exited, its teardown
# included: what `time python -c ...` shows) and until the imports are done.
IMPORTED = "import {}; import time; print('imported', time.time(), flush=True)"

SNAPSHOT = r"""
import datetime as dt, sys
from pathlib import Path
from peergroup.clock import FixedClock
from peergroup.home_snapshot import record_after_exit
day = dt.date.today() - dt.timedelta(days=int(sys.argv[2]))  # quit that many days ago
record_after_exit(Path(sys.argv[1]), None, clock=FixedClock(day))
"""

# What quitting costs for the snapshot (services imported, as in the app at quit):
# one day's view, and the DAYS days it keeps.
QUIT = r"""
import datetime as dt, gc, sys, time
from pathlib import Path
gc.disable()
import peergroup.home_snapshot as hs
import peergroup.export.files  # imported by the app long before it quits
from peergroup.db import open_database
from peergroup.services import groups, home
db = open_database(Path(sys.argv[1]))
with db.read() as s:
    home.home_view(s, groups.opening_group_id(s, None), dt.date.today())
db.close()
out = []
for days in (1, getattr(hs, "DAYS", 1)):  # (older versions kept one day)
    hs.DAYS = days
    t = time.perf_counter()
    hs.record_after_exit(Path(sys.argv[1]), None)
    out.append(time.perf_counter() - t)
print("quit", *out)
"""


def timed(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True, env=env).stdout
    end = time.time()
    marks = {"exit": end - start}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("first_frame", "home_data", "imported"):
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
    # An installed wheel has its bytecode compiled by pip; do the same for this
    # source tree (PYTHONDONTWRITEBYTECODE would otherwise make every run compile).
    subprocess.run([py, "-m", "compileall", "-q", "peergroup", "screens"], cwd=ROOT, check=True)
    keys = (
        "interpreter",
        "imports",
        "imports_done",
        "bare_first_frame",
        "pg_first_frame",
        "pg_home_data",
    )
    keys += ("solo_first_frame", "solo_home_data", "warm_first_frame", "warm_home_data")
    keys += ("later_first_frame", "later_home_data", "quit_one", "quit_all")
    keys += (
        "sqlmodel",
        "sqlmodel_done",
        "cli_search",
        "cli_ics",
        "ph_sqlmodel",
        "ph_ours",
        "ph_work",
    )
    keys += ("ics_sqlmodel", "ics_ours", "ics_work")
    rows: dict[str, list[float]] = {k: [] for k in keys}
    # A user who has not chosen a theme (config kept apart from this machine's).
    os.environ["PEERGROUP_CONFIG"] = str(tmp / "config")
    cold = {**os.environ, "PEERGROUP_CACHE": str(tmp / "cache-cold")}
    solo = {**cold, "PEERGROUP_PREFETCH": "0"}
    warm = {**os.environ, "PEERGROUP_CACHE": str(tmp / "cache-warm")}
    later = {**os.environ, "PEERGROUP_CACHE": str(tmp / "cache-later")}
    quit_env = {**os.environ, "PEERGROUP_CACHE": str(tmp / "cache-quit")}
    subprocess.run([py, "-c", SNAPSHOT, str(db), "0"], check=True, cwd=ROOT, env=warm)
    for _ in range(n):
        rows["interpreter"].append(timed([py, "-c", "pass"])["exit"])
        m = timed([py, "-c", IMPORTED.format("textual.app, sqlmodel")])
        rows["imports"].append(m["exit"])
        rows["imports_done"].append(m["imported"])
        rows["bare_first_frame"].append(timed([py, "-c", BARE])["first_frame"])
        shutil.rmtree(tmp / "cache-cold", ignore_errors=True)  # quitting leaves a snapshot
        m = timed([py, "-c", PEERGROUP, str(db)], env=cold)
        rows["pg_first_frame"].append(m["first_frame"])
        rows["pg_home_data"].append(m["home_data"])
        shutil.rmtree(tmp / "cache-cold", ignore_errors=True)
        m = timed([py, "-c", PEERGROUP, str(db)], env=solo)
        rows["solo_first_frame"].append(m["first_frame"])
        rows["solo_home_data"].append(m["home_data"])
        m = timed([py, "-c", PEERGROUP, str(db)], env=warm)
        rows["warm_first_frame"].append(m["first_frame"])
        rows["warm_home_data"].append(m["home_data"])
        # Quitting records a snapshot from today: put back the one from 3 days ago.
        subprocess.run([py, "-c", SNAPSHOT, str(db), "3"], check=True, cwd=ROOT, env=later)
        m = timed([py, "-c", PEERGROUP, str(db)], env=later)
        rows["later_first_frame"].append(m["first_frame"])
        rows["later_home_data"].append(m["home_data"])
        q = subprocess.run(
            [py, "-c", QUIT, str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            env=quit_env,
        ).stdout.split()
        rows["quit_one"].append(float(q[1]))
        rows["quit_all"].append(float(q[2]))
        m = timed([py, "-c", IMPORTED.format("sqlmodel")])
        rows["sqlmodel"].append(m["exit"])
        rows["sqlmodel_done"].append(m["imported"])
        pg = [py, "-m", "peergroup", "--db", str(db)]
        rows["cli_search"].append(timed([*pg, "search", "feedback"])["exit"])
        rows["cli_ics"].append(timed([*pg, "export", "ics", "-o", "-"])["exit"])
        phases = (
            ("ph", "peergroup.services.search", ["search", "feedback"]),
            ("ics", "peergroup.services.calendar_export,icalendar", ["export", "ics", "-o", "-"]),
        )
        for prefix, modules, command in phases:
            out = subprocess.run(
                [py, "-c", CLI_PHASES, str(db), modules, *command],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            ).stdout.split()
            names = (f"{prefix}_sqlmodel", f"{prefix}_ours", f"{prefix}_work")
            for key, value in zip(names, out[1:4], strict=True):
                rows[key].append(float(value))
    print(f"startup medians over {n} runs (ms), python {sys.version.split()[0]}")
    labels = {
        "interpreter": "python -c pass",
        "imports": 'python -c "import textual.app, sqlmodel"',
        "imports_done": "  the same, until the imports are done",
        "bare_first_frame": "bare Textual app: first frame",
        "pg_first_frame": "peergroup, cold: first frame",
        "pg_home_data": "peergroup, cold: home shows data",
        "solo_first_frame": "  cold, one process (PEERGROUP_PREFETCH=0)",
        "solo_home_data": "  cold, one process: home shows data",
        "warm_first_frame": "peergroup, reopened: first frame",
        "warm_home_data": "peergroup, reopened: home shows data",
        "later_first_frame": "peergroup, 3 days after the last quit: first frame",
        "later_home_data": "  3 days after: home shows data",
        "quit_one": "at quit: the snapshot of today only",
        "quit_all": "at quit: the snapshot of the next DAYS days",
        "sqlmodel": 'python -c "import sqlmodel"',
        "sqlmodel_done": "  the same, until the import is done",
        "cli_search": "peergroup search feedback",
        "cli_ics": "peergroup export ics -o -",
        "ph_sqlmodel": "  of search: import sqlmodel",
        "ph_ours": "  of search: import peergroup's tables",
        "ph_work": "  of search: open, query, print",
        "ics_sqlmodel": "  of export ics: import sqlmodel",
        "ics_ours": "  of export ics: tables, calendar code, icalendar",
        "ics_work": "  of export ics: open, query, write",
    }
    for key, label in labels.items():
        vals = rows[key]
        print(
            f"  {label:<44} {statistics.median(vals) * 1000:7.0f}   (min {min(vals) * 1000:.0f}, max {max(vals) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
