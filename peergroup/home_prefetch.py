"""Work out the home screen in a second process while the first one loads Textual.

Opening Peergroup pays twice before the roadmap can show: Textual's import and
first frame (about 0.2 s), and SQLAlchemy's import, the tables and the
roadmap's first queries (about 0.6 s). One after the other in one process,
that is 0.8 s or more. When no home snapshot fits (the first start on a file,
the first in more than two weeks, or after something else wrote to the file),
``peergroup`` starts a helper (a
second Python running ``main`` here) before it imports Textual: the helper
works out the home view (``home_snapshot.compute``) and prints it as JSON,
while the app loads Textual and paints. With two cores the two run side by
side; the home screen shows the helper's view when it arrives, and the app's
own live view replaces it a moment later, as after a snapshot.

The helper only reads: SQLite opens the file read-only for it (no journal mode
set, no checkpoint), and a file that is not already at this version gives no
view (nothing is upgraded, created or made private: the app does that, and
says so). It imports the app's own copy of Peergroup, never one in the current
folder, and gives up if the versions differ. It runs only for a local file,
never for a server database, never with one core, not from a frozen build, and
not when ``PEERGROUP_PREFETCH=0``. Its input and errors go to /dev/null; the
app ends it when it closes. Anything that goes wrong only means no early view:
the home screen loads the ordinary way.
This module is imported at start-up: it must not import SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

from . import __version__
from .home_snapshot import HomeView

ENV = "PEERGROUP_PREFETCH"


class Prefetch:
    """The app's end: the helper process and the pipe its view comes through."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc: subprocess.Popen[bytes] | None = proc
        self._lock = threading.Lock()

    def result(self) -> tuple[str, int, HomeView] | None:
        """(today, group id, view) once the helper is done; None if it found nothing.

        Blocks until the helper closes the pipe (it ends within a second or so,
        or at once when ``discard`` ends it): call it from a thread worker,
        never the UI thread. The answer comes once; later calls give None.
        """
        import json

        from .home_snapshot import view_from

        with self._lock:
            proc = self._proc
        if proc is None or proc.stdout is None:
            return None
        try:
            raw = proc.stdout.read()  # not under the lock: discard must reach the helper
        except (OSError, ValueError):
            raw = b""
        self._reap(proc)
        try:
            data = json.loads(raw)
            return str(data["today"]), int(data["group_id"]), view_from(data["view"])
        except Exception:  # noqa: BLE001 - nothing sent, or something unexpected: no early view
            return None

    def discard(self) -> None:
        """Stop waiting: end the helper if it still runs, and reap it."""
        with self._lock:
            proc = self._proc
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.terminate()  # it only reads: nothing to tidy
            self._reap(proc)

    def _reap(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            if self._proc is not proc:
                return  # reaped already
            self._proc = None
        proc.wait()
        if proc.stdout is not None:
            with contextlib.suppress(OSError):
                proc.stdout.close()


def start(db_path: Path | str, requested: str | None, kind: str | None = None) -> Prefetch | None:
    """Start the helper that works out the home view, if that is safe and can help.

    ``kind`` is the state ``dbfile.inspect_database`` found ("current" is the
    only one that qualifies), or None when the file has not been looked at yet:
    the command line starts the helper before it inspects the file, and
    discards it unless the file is current. The helper checks for itself too.
    """
    if os.environ.get(ENV, "") == "0" or getattr(sys, "frozen", False):
        return None  # turned off; or a frozen build, where sys.executable is the app
    if kind not in (None, "current") or "://" in str(db_path) or _cores() < 2:
        return None
    # The helper imports this very copy of Peergroup (never one in the current
    # folder: -P keeps that off sys.path) and checks the version it was given.
    root = str(Path(__file__).resolve().parent.parent)
    launch = (
        "import os, sys; root = sys.argv.pop(1)\n"
        "if root not in sys.path: sys.path.insert(0, root)\n"
        "import peergroup\n"
        "if not peergroup.__file__.startswith(os.path.join(root, '')): raise SystemExit(1)\n"
        "from peergroup.home_prefetch import main; main(sys.argv[1:])"
    )
    try:
        proc = subprocess.Popen(
            [sys.executable, "-P", "-c", launch, root, __version__, str(db_path), requested or ""],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    return Prefetch(proc)


def _cores() -> int:
    """The cores this process may use (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def main(argv: list[str]) -> None:
    """The helper: VERSION DB GROUP on the command line; writes the view as JSON."""
    code = 1
    try:
        import gc
        import json
        from dataclasses import asdict

        # A short-lived reader that leaves with os._exit: collecting garbage
        # would only slow its imports.
        gc.disable()
        version, db, group = argv
        if version != __version__:
            return  # another copy of Peergroup than the app's: not ours to read with
        from .home_snapshot import compute

        today, group_id, views = compute(Path(db), group or None, read_only=True)
        if group_id is not None and views:
            payload = json.dumps(
                {"today": today.isoformat(), "group_id": group_id, "view": asdict(views[0])},
                ensure_ascii=False,
            ).encode("utf-8")
            while payload:
                payload = payload[os.write(1, payload) :]
            code = 0
    except BaseException:  # noqa: BLE001, S110 - the app loads the home screen itself
        pass
    finally:
        os._exit(code)  # nothing to tidy: it only read
