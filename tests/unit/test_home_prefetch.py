"""The start-up helper: a second process that works out the home view while the
app loads Textual (peergroup.home_prefetch). It must send what the app would
show, only read, and never run where it could change something."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from peergroup import home_prefetch, home_snapshot
from peergroup.clock import FixedClock

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(autouse=True)
def helper_allowed(monkeypatch):
    """Whatever machine runs the tests: two cores, and the helper not turned off."""
    monkeypatch.delenv(home_prefetch.ENV, raising=False)
    monkeypatch.setattr(home_prefetch, "_cores", lambda: 2)


def _demo(folder: Path) -> Path:
    from peergroup import content, groupfile
    from peergroup.db import open_database

    path = folder / "demo.db"
    db = open_database(path, create=True)
    with db.write() as session:
        groupfile.import_group(session, groupfile.read(content.demo_group_file()))
    db.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_helper_sends_the_view_the_app_would_show_and_writes_nothing(tmp_path):
    db = _demo(tmp_path)
    before = _digest(db)
    helper = home_prefetch.start(db, None, "current")
    assert helper is not None
    found = helper.result()
    assert found is not None
    today, group_id, view = found
    _, expected_group, expected = home_snapshot.compute(
        db, None, FixedClock(dt.date.fromisoformat(today))
    )
    assert group_id == expected_group
    assert len(expected) == 1 and asdict(view) == asdict(expected[0])
    assert _digest(db) == before  # it only read
    assert helper.result() is None  # one answer, then the pipe is closed


def test_a_named_group_is_the_one_worked_out(tmp_path):
    from peergroup.db import open_database
    from peergroup.services import groups as groups_svc

    db = _demo(tmp_path)
    con = sqlite3.connect(db)
    name = con.execute('select name from "group"').fetchone()[0]
    con.close()
    other_db = open_database(db)
    with other_db.write() as session:
        groups_svc.create_group(session, "Aardvark Early Group")  # first by name
    other_db.close()
    first = home_prefetch.start(db, None, "current").result()  # type: ignore[union-attr]
    assert first is not None and first[2].group_name == "Aardvark Early Group"
    found = home_prefetch.start(db, name.upper(), "current").result()  # type: ignore[union-attr]
    assert found is not None and found[2].group_name == name
    # An unknown name opens on the first group, as the app itself does.
    other = home_prefetch.start(db, "No such group", "current").result()  # type: ignore[union-attr]
    assert other is not None and other[2].group_name == "Aardvark Early Group"


def test_an_empty_database_sends_nothing(tmp_path):
    from peergroup.db import open_database

    path = tmp_path / "empty.db"
    open_database(path, create=True).close()
    helper = home_prefetch.start(path, None, "current")
    assert helper is not None and helper.result() is None


def test_no_helper_where_it_could_change_something_or_gain_nothing(tmp_path, monkeypatch):
    db = _demo(tmp_path)
    assert home_prefetch.start("postgresql://u@h/db", None, "current") is None
    for kind in ("missing", "empty", "older"):  # it would create or upgrade the file
        assert home_prefetch.start(db, None, kind) is None
    monkeypatch.setenv(home_prefetch.ENV, "0")
    assert home_prefetch.start(db, None, "current") is None
    monkeypatch.delenv(home_prefetch.ENV)
    monkeypatch.setattr(home_prefetch, "_cores", lambda: 1)  # one core: they would take turns
    assert home_prefetch.start(db, None, "current") is None
    monkeypatch.setattr(home_prefetch, "_cores", lambda: 2)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # sys.executable is the app
    assert home_prefetch.start(db, None, "current") is None


def test_discarding_ends_and_reaps_the_helper(tmp_path):
    db = _demo(tmp_path)
    helper = home_prefetch.start(db, None, "current")
    assert helper is not None
    pid = helper._proc.pid  # noqa: SLF001
    helper.discard()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left
    assert helper.result() is None
    helper.discard()  # twice is harmless


def test_a_database_gone_before_the_helper_opens_it_gives_nothing_and_stays_gone(tmp_path):
    db = _demo(tmp_path)
    db.unlink()
    helper = home_prefetch.start(db, None, "current")
    assert helper is not None and helper.result() is None
    assert not db.exists() and not list(tmp_path.glob("demo.db*"))  # nothing was created


def test_the_helper_changes_nothing_in_a_file_it_could_have_changed(tmp_path):
    """A database in rollback-journal mode (a restored backup copy), made readable
    by others, at this version: a normal open would switch it to WAL and make it
    private. The helper reads it as SQLite's read-only, and the app does the rest."""
    db = _demo(tmp_path)
    con = sqlite3.connect(db)
    con.execute("pragma journal_mode=DELETE")
    con.close()
    os.chmod(db, 0o644)
    before = (_digest(db), os.stat(db).st_mode, sorted(p.name for p in tmp_path.iterdir()))
    found = home_prefetch.start(db, None, "current").result()  # type: ignore[union-attr]
    assert found is not None and found[2].group_name
    after = (_digest(db), os.stat(db).st_mode, sorted(p.name for p in tmp_path.iterdir()))
    assert after == before


def test_a_file_at_another_version_gives_nothing_and_is_not_upgraded(tmp_path):
    db = _demo(tmp_path)
    con = sqlite3.connect(db)
    con.execute("update alembic_version set version_num = '0001'")  # an older file
    con.commit()
    con.close()
    before = _digest(db)
    assert home_prefetch.start(db, None, "current").result() is None  # type: ignore[union-attr]
    assert _digest(db) == before and not list(tmp_path.glob("*.bak"))


def test_a_helper_of_another_version_gives_nothing(tmp_path):
    db = _demo(tmp_path)
    code = (
        "import sys; from peergroup.home_prefetch import main; "
        "main(['0.0.0-other', sys.argv[1], ''])"
    )
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True)
    assert done.returncode == 1 and done.stdout == b""


def test_the_snapshot_after_exit_never_upgrades_or_tightens_a_file(tmp_path):
    """When the user quit before the app opened the file, recording the snapshot
    must not do what the app would have done and said (upgrade, make private)."""
    db = _demo(tmp_path)
    day = FixedClock(dt.date(2026, 11, 25))
    os.chmod(db, 0o644)
    home_snapshot.record_after_exit(db, None, clock=day, opened=False)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o644
    assert not home_snapshot.snapshot_path(db).exists()
    os.chmod(db, 0o600)
    home_snapshot.record_after_exit(db, None, clock=day, opened=False)
    assert home_snapshot.snapshot_path(db).exists()  # the control: a private, current file


def test_after_a_quick_quit_a_linked_database_never_gets_its_data_folder_tightened(
    tmp_path, monkeypatch
):
    """The data folder (0755) holds a link to the database elsewhere: opening
    through the link would make the data folder private, so no snapshot then."""
    from peergroup import paths

    db = _demo(tmp_path)
    home = tmp_path / "data-home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    monkeypatch.setattr(paths, "data_home", lambda: home)
    link = home / "peergroup.db"
    link.symlink_to(db)
    day = FixedClock(dt.date(2026, 11, 25))
    home_snapshot.record_after_exit(link, None, clock=day, opened=False)
    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    assert not home_snapshot.snapshot_path(link).exists()
    os.chmod(home, 0o700)
    home_snapshot.record_after_exit(link, None, clock=day, opened=False)
    assert home_snapshot.snapshot_path(link).exists()  # nothing to tighten: kept


def test_the_helper_never_imports_a_peergroup_from_the_current_folder(tmp_path, monkeypatch):
    db = _demo(tmp_path)
    planted = tmp_path / "here" / "peergroup"
    planted.mkdir(parents=True)
    marker = tmp_path / "planted-code-ran"
    (planted / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (tmp_path / "here" / "json.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path / "here")
    found = home_prefetch.start(db, None, "current").result()  # type: ignore[union-attr]
    assert found is not None and found[2].group_name
    assert not marker.exists()
