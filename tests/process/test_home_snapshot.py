"""The real app, quit with ctrl+q, leaves a home snapshot that the next start uses."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from peergroup import home_snapshot

from .terminal import AppInTerminal, demo_database


def _open_and_quit(db, tmp_path) -> bytes:  # noqa: ANN001
    with AppInTerminal(["--db", str(db)], env={"PEERGROUP_HOME": str(tmp_path / "home")}) as app:
        app.wait_for(b"Group:")
        app.wait_for(b"done")  # the roadmap's statuses are on screen
        app.type("\x11")  # ctrl+q
        app.proc.wait(timeout=30)
        return bytes(app.output)


def _apps_today() -> dt.date:
    """Today as the app sees it (its TZ is the tests' zone, not this process's)."""
    code = "import datetime; print(datetime.date.today())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dt.date.fromisoformat(out.stdout.strip())


def test_quitting_leaves_a_snapshot_for_an_unchanged_file_only(tmp_path):
    db = demo_database(tmp_path)
    assert home_snapshot.load(db, None, _apps_today()) is None
    _open_and_quit(db, tmp_path)
    snap = home_snapshot.load(db, None, _apps_today())
    assert snap is not None and snap.view.group_name
    _open_and_quit(db, tmp_path)  # opened from the snapshot, then live: still usable after
    assert home_snapshot.load(db, None, _apps_today()) is not None
    from peergroup.db import open_database

    other = open_database(db)
    with other.write() as session:
        from peergroup.models import Group

        group = session.get(Group, snap.group_id)
        group.name = group.name + " renamed"
        session.add(group)
    other.close()
    assert home_snapshot.load(db, None, _apps_today()) is None
