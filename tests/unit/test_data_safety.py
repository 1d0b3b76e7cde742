"""Nothing lost, nothing overwritten, never a traceback (issue 8).

Stories: a scribe exports the minutes with `-o` pointing at the database by
mistake; a backup is killed half-way; the database lives on a read-only share
or a full disk; someone points --db at an empty file, a dangling link or a
server address. Each gets a clear message, and nothing is lost or changed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peergroup import content
from peergroup.cli import run
from peergroup.db import open_database
from peergroup.errors import DatabaseReadOnly, InputError
from peergroup.export.files import database_files, write_file
from peergroup.services import groups as groups_svc

DEMO = str(content.demo_group_file())


def _demo(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    assert run(["--db", str(path), "import", DEMO]) == 0
    return path


def _snapshot(path: Path) -> bytes:
    return path.read_bytes()


# --- 1. an export never destroys data ------------------------------------------


@pytest.mark.parametrize("what", ["minutes", "ics", "list"])
def test_an_export_onto_the_database_is_refused_and_the_database_is_untouched(
    tmp_path, capsys, what
):
    db = _demo(tmp_path)
    before = _snapshot(db)
    assert run(["--db", str(db), "export", what, "-o", str(db)]) == 2
    assert _snapshot(db) == before
    assert "is the database" in capsys.readouterr().err
    # Also with --force: the database is never a target.
    assert run(["--db", str(db), "export", what, "-o", str(db), "--force"]) == 2
    assert _snapshot(db) == before


def test_an_export_onto_a_companion_or_an_upgrade_copy_or_another_database_is_refused(tmp_path):
    db = _demo(tmp_path)
    other = tmp_path / "other.db"
    assert run(["--db", str(other), "init"]) == 0
    bak = db.with_name(db.name + ".before-0003-20260101-000000.bak")
    bak.write_bytes(b"old copy")
    for target in (db.with_name(db.name + "-wal"), bak, other):
        before = target.read_bytes() if target.exists() else None
        assert run(["--db", str(db), "export", "minutes", "-o", str(target), "--force"]) == 2
        assert (target.read_bytes() if target.exists() else None) == before


def test_an_existing_file_needs_force_and_a_symlink_needs_follow_symlinks(tmp_path, capsys):
    db = _demo(tmp_path)
    out = tmp_path / "minutes.md"
    out.write_text("keep me")
    assert run(["--db", str(db), "export", "minutes", "-o", str(out)]) == 2
    assert out.read_text() == "keep me"
    assert "already exists" in capsys.readouterr().err
    assert run(["--db", str(db), "export", "minutes", "-o", str(out), "--force"]) == 0
    assert out.read_text().startswith("# ")

    real = tmp_path / "real.md"
    real.write_text("real")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert run(["--db", str(db), "export", "list", "-o", str(link), "--force"]) == 2
    assert real.read_text() == "real" and link.is_symlink()
    args = ["--db", str(db), "export", "list", "-o", str(link), "--force", "--follow-symlinks"]
    assert run(args) == 0
    assert link.is_symlink() and real.read_text().startswith("# ")


def test_a_link_into_the_database_is_refused_even_when_following_links(tmp_path):
    db = _demo(tmp_path)
    before = _snapshot(db)
    link = tmp_path / "innocent.md"
    link.symlink_to(db)
    args = ["--db", str(db), "export", "minutes", "-o", str(link), "--force", "--follow-symlinks"]
    assert run(args) == 2
    assert _snapshot(db) == before


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old")

    def broken_replace(*_a, **_k):  # noqa: ANN002, ANN003
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="No space left"):
        write_file(target, "new", replace=True)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_database_files_names_the_companions(tmp_path):
    names = [p.name for p in database_files(tmp_path / "x.db")]
    assert names == ["x.db", "x.db-wal", "x.db-shm", "x.db-journal"]


# --- 4. backups and upgrade copies are complete or absent -----------------------

BACKUP_THEN_REPORT = r"""
import sys
from pathlib import Path
from peergroup.db import open_database
from peergroup.services.backup import backup_to
db = open_database(Path(sys.argv[1]))
print("start", flush=True)
backup_to(db, Path(sys.argv[2]))
print("done", flush=True)
"""


def _big_database(tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    db = open_database(path, create=True)
    with db.write() as s:
        group = groups_svc.create_group(s, "Big", timezone="UTC")
        group.peer_note = "x" * 1000
    db.close()
    con = sqlite3.connect(path)
    con.execute("create table if not exists padding (body text)")  # only to make it large
    con.executemany("insert into padding values (?)", [("y" * 4000,)] * 6000)
    con.commit()
    con.close()
    return path


def test_a_killed_backup_leaves_no_partial_file(tmp_path):
    source = _big_database(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    outcomes = set()
    for i, delay in enumerate((0.0, 0.05, 0.1, 0.2, 0.4)):
        target = tmp_path / f"copy-{i}.db"
        proc = subprocess.Popen(
            [sys.executable, "-c", BACKUP_THEN_REPORT, str(source), str(target)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "start"
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
        # A kill can leave the hidden temporary copy (never the target's name);
        # the next backup to that name clears it.
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(f".copy-{i}")]
        assert all(".partial" in n for n in leftovers)
        if target.exists():
            outcomes.add("complete")
            con = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
            try:
                assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
                assert con.execute("select count(*) from padding").fetchone()[0] == 6000
            finally:
                con.close()
        else:
            outcomes.add("absent")
        for p in tmp_path.glob(f".copy-{i}*"):
            p.unlink()
    assert "absent" in outcomes  # at least one kill landed mid-copy


# --- 5. durability and privacy ---------------------------------------------------


def test_every_connection_is_durable_and_overwrites_deleted_text(db):
    if db.is_server:
        # PostgreSQL: a commit waits for its WAL to be written, even where the
        # server's default is synchronous_commit=off (as the test cluster's is);
        # foreign keys are always on; deleted private text is vacuumed away by
        # journal.scrub (tests/unit/test_journal.py reads every page for it).
        for scope in (db.read, db.write):
            with scope() as s:
                con = s.connection()
                assert con.exec_driver_sql("show synchronous_commit").scalar() != "off"
        return
    for scope in (db.read, db.write):
        with scope() as s:
            con = s.connection()
            assert con.exec_driver_sql("pragma synchronous").scalar() == 2  # FULL
            assert con.exec_driver_sql("pragma secure_delete").scalar() == 1
            assert con.exec_driver_sql("pragma foreign_keys").scalar() == 1
            assert con.exec_driver_sql("pragma journal_mode").scalar() == "wal"


def test_a_database_readable_by_others_is_made_private_on_open(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("PEERGROUP_HOME", str(home))
    path = home / "peergroup.db"
    open_database(path, create=True).close()
    os.chmod(path, 0o644)
    os.chmod(home, 0o755)
    db = open_database(path)
    db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert len(db.notices) == 2 and "now private" in db.notices[0]


def test_the_cli_says_so_when_it_tightens_permissions(tmp_path, capsys):
    db = _demo(tmp_path)
    os.chmod(db, 0o640)
    assert run(["--db", str(db), "groups"]) == 0
    assert "now private" in capsys.readouterr().err
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# --- 6. odd targets ----------------------------------------------------------------


def test_an_empty_file_is_not_silently_made_a_database(tmp_path, capsys):
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (["groups"], ["export", "list", "-o", str(tmp_path / "l.md")], ["search", "x"]):
        assert run(["--db", str(empty), *args]) == 2
        assert empty.read_bytes() == b""
    assert "the file is empty" in capsys.readouterr().err
    assert run(["--db", str(empty), "init"]) == 0  # init may
    assert empty.stat().st_size > 0


def test_a_dangling_link_as_the_database_is_a_message(tmp_path, capsys):
    link = tmp_path / "gone.db"
    link.symlink_to(tmp_path / "nowhere.db")
    for args in (["groups"], ["init"], ["import", DEMO]):
        assert run(["--db", str(link), *args]) == 2
    err = capsys.readouterr().err
    assert "link to" in err and "Traceback" not in err
    assert not (tmp_path / "nowhere.db").exists()


def test_a_server_address_is_not_made_into_folders(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(["--db", "postgresql://ada@localhost/peers", "groups"]) == 2
    assert run(["--db", "postgresql://ada@localhost/peers", "init"]) == 2
    assert list(tmp_path.iterdir()) == []
    # A server address is a database on that server, not a path: here no server
    # answers, and the message says so (without a traceback).
    err = capsys.readouterr().err
    assert "postgresql://ada@localhost/peers cannot be reached" in err
    assert "Traceback" not in err


# --- 3. a database that cannot be written --------------------------------------


@contextlib.contextmanager
def _read_only_folder(tmp_path: Path):
    """A folder that really cannot be written, also for root (a read-only tmpfs)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        try:
            yield folder, lambda: os.chmod(folder, 0o555)
        finally:
            os.chmod(folder, 0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("running as root without permission to mount a read-only folder")

    def seal() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    try:
        yield folder, seal
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_cli_writers_on_a_read_only_folder_say_so_in_one_line(tmp_path, capsys):
    with _read_only_folder(tmp_path) as (folder, seal):
        db = folder / "g.db"
        assert run(["--db", str(db), "import", DEMO]) == 0
        seal()
        capsys.readouterr()
        assert run(["--db", str(folder / "new.db"), "init"]) == 2
        assert run(["--db", str(folder / "new.db"), "import", DEMO]) == 2
        assert run(["--db", str(db), "import", DEMO]) == 2
        assert run(["--db", str(db), "backup", "-o", str(folder / "copy.db")]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and "OperationalError" not in err
        assert all(line.startswith("peergroup: ") for line in err.splitlines())
        assert "read-only" in err or "Read-only" in err
        # Reading still works.
        assert run(["--db", str(db), "groups"]) == 0
        assert "Northbridge" in capsys.readouterr().out


def test_writing_to_a_read_only_database_raises_a_clear_error(tmp_path):
    with _read_only_folder(tmp_path) as (folder, seal):
        path = folder / "g.db"
        open_database(path, create=True).close()
        seal()
        db = open_database(path)
        try:
            assert db.read_only
            with db.read() as s:
                assert groups_svc.list_groups(s) == []
            with pytest.raises(DatabaseReadOnly, match="read-only"), db.write() as s:
                groups_svc.create_group(s, "Nope", timezone="UTC")
        finally:
            db.close()


@contextlib.contextmanager
def _tiny_disk(tmp_path: Path, size: str = "700k"):
    """A real, nearly full disk: a small tmpfs (needs root and mount, as in CI)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a tiny disk needs root to mount a tmpfs")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("no permission to mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_cli_writers_on_a_full_disk_say_so_in_one_line(tmp_path, capsys):
    second = tmp_path / "second.toml"
    second.write_text(
        Path(DEMO)
        .read_text(encoding="utf-8")
        .replace(
            'name = "Northbridge GIM Clinician-Educator Peer Group"', 'name = "Second Group"', 1
        ),
        encoding="utf-8",
    )
    with _tiny_disk(tmp_path, "1150k") as disk:
        db = disk / "g.db"
        assert run(["--db", str(db), "import", DEMO]) == 0
        capsys.readouterr()
        assert run(["--db", str(db), "import", str(second)]) == 2
        assert run(["--db", str(db), "backup", "-o", str(disk / "copy.db")]) == 2
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line]
        assert len(lines) == 2 and all(line.startswith("peergroup: ") for line in lines)
        assert all("disk is full" in line for line in lines)
        assert "Traceback" not in err
        assert not (disk / "copy.db").exists()
        # What was there before is intact.
        assert run(["--db", str(db), "groups"]) == 0
        assert capsys.readouterr().out.strip().splitlines() == [
            "Northbridge GIM Clinician-Educator Peer Group"
        ]
