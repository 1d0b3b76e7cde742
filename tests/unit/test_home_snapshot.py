"""The home snapshot: shown in the first frame only while the database is exactly as left."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import asdict

import pytest

from peergroup import home_snapshot
from peergroup.clock import FixedClock, using
from peergroup.services import groups as groups_svc
from peergroup.services import home as home_svc

TODAY = dt.date(2026, 11, 25)
pytestmark = pytest.mark.sqlite_only  # a fingerprint of the file: SQLite only


def _live(db):  # noqa: ANN001, ANN202
    with db.read() as s:
        gid = groups_svc.opening_group_id(s, None)
        return gid, home_svc.home_view(s, gid, TODAY)


def _closed(demo_db):  # noqa: ANN001, ANN202
    gid, view = _live(demo_db)
    demo_db.close()  # as the app does on exit, before the snapshot is taken
    home_snapshot.record_after_exit(demo_db.path, None, clock=FixedClock(TODAY))
    return gid, view


def test_an_unchanged_database_gives_back_the_home_view_it_left(demo_db):
    gid, view = _closed(demo_db)
    snap = home_snapshot.load(demo_db.path, None, TODAY)
    assert snap is not None
    assert snap.group_id == gid
    assert asdict(snap.view) == asdict(view)
    assert snap.view.statuses and snap.view.group_name == view.group_name
    assert oct(os.stat(home_snapshot.snapshot_path(demo_db.path)).st_mode & 0o777) == "0o600"


def test_a_write_by_another_process_makes_the_snapshot_unusable(demo_db):
    _closed(demo_db)
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "c.execute('update \"group\" set name = name || 1'); c.commit(); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(demo_db.path)], check=True)
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


def test_a_write_by_this_app_makes_it_unusable_too(demo_db):
    from peergroup.models import Member

    _closed(demo_db)
    from peergroup.db import open_database

    db = open_database(demo_db.path, clock=FixedClock(TODAY))
    with db.write() as s:
        gid = groups_svc.opening_group_id(s, None)
        s.add(Member(group_id=gid, name="New Person", status="active"))
    assert home_snapshot.load(demo_db.path, None, TODAY) is None  # while still open
    db.close()
    assert home_snapshot.load(demo_db.path, None, TODAY) is None  # and after


def test_each_of_the_next_days_gets_the_view_that_day_would_show(demo_db):
    """Quit on one day, open on a later one with the file unchanged: that day's own view."""
    first = dt.date(2026, 12, 1)  # the demo group meets on 9 Dec; a check falls due on the 10th
    last = first + dt.timedelta(days=home_snapshot.DAYS - 1)
    with demo_db.read() as s:
        gid = groups_svc.opening_group_id(s, None)
        live = {}
        for n in range(home_snapshot.DAYS):
            day = first + dt.timedelta(days=n)
            with using(FixedClock(day)):  # as the app shows it on that day
                live[day] = asdict(home_svc.home_view(s, gid, day))
    assert live[first] != live[last]  # the window holds a change, or this test proves little
    demo_db.close()
    home_snapshot.record_after_exit(demo_db.path, None, clock=FixedClock(first))
    for day, view in live.items():
        snap = home_snapshot.load(demo_db.path, None, day)
        assert snap is not None and asdict(snap.view) == view, day
    data = json.loads(home_snapshot.snapshot_path(demo_db.path).read_text())
    assert len(data["views"]) < home_snapshot.DAYS  # a view several days share is kept once
    assert home_snapshot.load(demo_db.path, None, first - dt.timedelta(days=1)) is None
    assert home_snapshot.load(demo_db.path, None, last + dt.timedelta(days=1)) is None


def test_another_group_or_a_damaged_file_means_no_snapshot(demo_db):
    _closed(demo_db)
    assert home_snapshot.load(demo_db.path, "Some other group", TODAY) is None
    assert home_snapshot.load(demo_db.path, None, TODAY) is not None
    path = home_snapshot.snapshot_path(demo_db.path)
    data = json.loads(path.read_text())
    data["views"][0]["statuses"] = "not a list"
    path.write_text(json.dumps(data))
    assert home_snapshot.load(demo_db.path, None, TODAY) is None
    path.write_text("{not json")
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


@pytest.mark.parametrize("index", [-1, 1, True, 0.0, "0", None, 10**30])
def test_a_day_pointing_at_no_view_means_no_snapshot(demo_db, index):
    _closed(demo_db)
    path = home_snapshot.snapshot_path(demo_db.path)
    data = json.loads(path.read_text())
    data["views"] = data["views"][:1]  # one view, kept for every day
    assert home_snapshot.load(demo_db.path, None, TODAY) is not None
    data["days"][0] = index
    path.write_text(json.dumps(data))
    assert home_snapshot.load(demo_db.path, None, TODAY) is None
    data["days"] = "0" * home_snapshot.DAYS  # not a list
    path.write_text(json.dumps(data))
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("state", "blocked"),  # a state another build may have, this one cannot show
        ("number", "1"),
        ("missing", "text, not a list"),
        ("title", 7),
        ("key", "duplicate"),
    ],
)
def test_a_view_this_version_cannot_show_means_no_snapshot(demo_db, field, value):
    _closed(demo_db)
    path = home_snapshot.snapshot_path(demo_db.path)
    data = json.loads(path.read_text())
    statuses = data["views"][0]["statuses"]
    if field == "key":
        statuses[1]["key"] = statuses[0]["key"]
    else:
        statuses[0][field] = value
    path.write_text(json.dumps(data))
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


def test_a_symlink_loop_means_no_snapshot_and_no_error(tmp_path):
    loop = tmp_path / "loop.db"
    loop.symlink_to(loop)
    assert home_snapshot.load(loop, None, TODAY) is None
    assert home_snapshot.load(tmp_path / "loop.db" / "x.db", None, TODAY) is None


def test_a_missing_or_unopenable_database_leaves_no_snapshot(tmp_path):
    missing = tmp_path / "gone.db"
    home_snapshot.record_after_exit(missing, None, clock=FixedClock(TODAY))
    assert not missing.exists()  # looking for a snapshot never creates a database
    assert not home_snapshot.snapshot_path(missing).exists()
    assert home_snapshot.load(missing, None, TODAY) is None


def test_the_snapshot_module_does_not_load_sqlalchemy():
    code = (
        "import sys, peergroup.home_snapshot;"
        "sys.exit(1 if any(m.startswith(('sqlalchemy', 'sqlmodel')) for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_a_snapshot_file_that_is_not_an_object_is_ignored(demo_db):
    _closed(demo_db)
    home_snapshot.snapshot_path(demo_db.path).write_text("[]")
    assert home_snapshot.load(demo_db.path, None, TODAY) is None
    home_snapshot.snapshot_path(demo_db.path).write_text('"text"')
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


def test_through_a_symlink_the_wal_beside_the_real_file_counts(demo_db, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(demo_db.path)
    demo_db.close()
    home_snapshot.record_after_exit(link, None, clock=FixedClock(TODAY))
    assert home_snapshot.load(link, None, TODAY) is not None
    from peergroup.db import open_database

    other = open_database(demo_db.path, clock=FixedClock(TODAY))  # another copy, still open
    with other.write() as s:
        from peergroup.models import Group

        group = s.get(Group, groups_svc.opening_group_id(s, None))
        group.name = "Renamed by the other copy"
        s.add(group)
    try:
        assert home_snapshot.load(link, None, TODAY) is None
    finally:
        other.close()


def test_a_write_while_the_snapshot_is_being_taken_means_no_snapshot(demo_db, monkeypatch):
    demo_db.close()
    real = home_svc.home_view

    def and_another_copy_writes(session, group_id, today):  # noqa: ANN001, ANN202
        view = real(session, group_id, today)
        code = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
            "c.execute('update \"group\" set name = name || 2'); c.commit(); c.close()"
        )
        subprocess.run([sys.executable, "-c", code, str(demo_db.path)], check=True)
        return view

    monkeypatch.setattr(home_svc, "home_view", and_another_copy_writes)
    home_snapshot.record_after_exit(demo_db.path, None, clock=FixedClock(TODAY))
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


def test_a_cache_folder_that_cannot_be_written_changes_nothing_for_the_user(
    demo_db, tmp_path, monkeypatch
):
    demo_db.close()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("PEERGROUP_CACHE", str(blocked))
    home_snapshot.record_after_exit(demo_db.path, None, clock=FixedClock(TODAY))  # no raise
    assert home_snapshot.load(demo_db.path, None, TODAY) is None


def test_a_server_database_never_has_a_snapshot():
    assert home_snapshot.load("postgresql://u@h/db", None, TODAY) is None
