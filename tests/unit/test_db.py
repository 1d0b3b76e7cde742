"""Storage: the database file, its connections, and files that are not ours.

Stories: a facilitator creates a database and nobody else on the machine can
read it; a mistyped --db path never silently starts an empty group; a file
that is not a Peergroup database (or is damaged, or newer) is reported and left
exactly as it was; a backup is a consistent copy that never overwrites.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from peergroup import content, groupfile
from peergroup.db import inspect_database, open_database
from peergroup.errors import DatabaseProblem, InputError, NotFound
from peergroup.models import Group, Member
from peergroup.services import backup as backup_svc
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _companions(path: Path) -> list[str]:
    """The -wal/-shm files SQLite may leave beside ``path``."""
    return [
        p.name
        for p in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        if p.exists()
    ]


def _snapshot(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, _mode(path)


def _make_peergroup_db(path: Path, *, demo: bool = False) -> None:
    """A real, closed Peergroup database (WAL checkpointed into the main file)."""
    database = open_database(path, create=True)
    with database.write() as s:
        if demo:
            groupfile.import_group(s, groupfile.read(content.demo_group_file()))
        else:
            g = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
            membership_svc.add_member(
                s,
                g,
                membership_svc.MemberInput(
                    name="Ada Byron", email="ada@example.org", joined_on="2026-01-13"
                ),
            )
    database.close()
    assert _companions(path) == [], (
        "closing the last connection should checkpoint and remove the WAL"
    )


def _count(database, model) -> int:  # noqa: ANN001
    with database.write() as s:
        return s.exec(select(func.count()).select_from(model)).one()


# --- a new file -----------------------------------------------------------------


def test_a_new_database_and_its_wal_are_readable_only_by_their_owner(db_path: Path):
    old_umask = os.umask(0)  # even a permissive umask must not widen the mode
    try:
        database = open_database(db_path, create=True)
        try:
            assert database.created is True
            assert _mode(db_path) == 0o600
            with database.write() as s:
                groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
            # the pool keeps a connection open, so the WAL files are still there
            wal = db_path.with_name(db_path.name + "-wal")
            shm = db_path.with_name(db_path.name + "-shm")
            assert wal.exists(), "a write in WAL mode should have created the -wal file"
            assert _mode(wal) == 0o600
            assert _mode(shm) == 0o600
        finally:
            database.close()
    finally:
        os.umask(old_umask)


def _pragmas(raw) -> tuple:  # noqa: ANN001
    cur = raw.cursor()
    try:
        return tuple(
            cur.execute(f"pragma {name}").fetchone()[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        )
    finally:
        cur.close()


@pytest.mark.sqlite_only  # SQLite's pragmas; PostgreSQL: the test after this one
def test_every_connection_uses_wal_foreign_keys_and_a_busy_timeout(db):
    # Hold several pooled connections at once so each is a distinct SQLite
    # connection (raw ones: a transaction would BEGIN IMMEDIATE and queue).
    connections = [db.engine.raw_connection() for _ in range(3)]
    try:
        assert len({id(c.dbapi_connection) for c in connections}) == 3
        for raw in connections:
            assert _pragmas(raw) == ("wal", 1, 15_000)
    finally:
        for raw in connections:
            raw.close()

    # Reopening an existing (current) database sets them again.
    db.close()
    again = open_database(db.path)
    try:
        raw = again.engine.raw_connection()
        try:
            assert _pragmas(raw) == ("wal", 1, 15_000)
        finally:
            raw.close()
    finally:
        again.close()


def test_on_a_server_writers_queue_on_one_lock_and_readers_see_a_read_only_snapshot(db):
    """PostgreSQL's counterpart of the pragmas: a write unit waits at most the busy
    timeout (lock_timeout) for the one write lock, and holds it; a read unit is one
    REPEATABLE READ, READ ONLY snapshot. Reopening sets the same again."""
    if not db.is_server:
        pytest.skip("PostgreSQL only (SQLite: the test before this one)")
    from sqlalchemy import text

    from peergroup.server import WRITE_LOCK_KEY

    holds_lock = text(
        "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()"
        " and granted and objid = :key"
    )
    for database in (db, open_database(db.target)):
        try:
            with database.write() as s:
                assert s.execute(text("show lock_timeout")).scalar() == "15s"
                assert s.execute(holds_lock, {"key": WRITE_LOCK_KEY}).scalar() == 1
            with database.read() as s:
                assert s.execute(text("show transaction_isolation")).scalar() == "repeatable read"
                assert s.execute(text("show transaction_read_only")).scalar() == "on"
                assert s.execute(holds_lock, {"key": WRITE_LOCK_KEY}).scalar() == 0
        finally:
            if database is not db:
                database.close()


def test_foreign_keys_are_enforced_so_a_member_cannot_point_at_no_group(db):
    with pytest.raises(IntegrityError), db.write() as s:
        s.add(Member(group_id=999, name="Nobody's Member"))
        s.flush()
    assert _count(db, Member) == 0


def test_a_mistyped_path_is_reported_and_nothing_is_created(tmp_path: Path):
    missing = tmp_path / "typo-folder" / "peergroup.db"
    with pytest.raises(DatabaseProblem) as err:
        open_database(missing, create=False)
    message = str(err.value)
    assert "init" in message
    assert str(missing) in message
    assert not missing.exists()
    assert not missing.parent.exists()


@pytest.mark.sqlite_only  # POSIX locks on the SQLite file and its -wal/-shm
def test_opening_the_database_again_keeps_the_first_connections_locks(db):
    """Closing any descriptor of a file drops all of this process's POSIX locks on it.

    Opening the same database a second time in one process (a test beside the app,
    the CLI's check before the TUI) once read the file's header with open()/close():
    SQLite's locks were gone, and the next program to close its connection deleted
    the -wal and -shm under the open connections (a disk I/O error, or worse).
    """
    import subprocess
    import sys

    with db.write() as s:
        groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
    second = open_database(db.path)
    try:
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys\n"
                "con = sqlite3.connect(sys.argv[1], timeout=10)\n"
                "print(con.execute('select count(*) from \"group\"').fetchone()[0])\n"
                "con.close()\n",
                str(db.path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert other.stdout.strip() == "1"
        assert sorted(_companions(db.path)) == ["peergroup.db-shm", "peergroup.db-wal"]
        with second.write() as s:
            groups_svc.create_group(s, "Second group", timezone="UTC")
        assert _count(db, Group) == 2
    finally:
        second.close()


# --- files that are not ours are reported and left alone -----------------------


def _text_file(path: Path) -> None:
    path.write_text("Meeting notes, not a database.\nSecond line.\n", encoding="utf-8")


def _someone_elses_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("create table recipes (id integer primary key, title text)")
    con.execute("insert into recipes (title) values ('Lemon tart')")
    con.commit()
    con.close()


def _newer_peergroup(path: Path) -> None:
    _make_peergroup_db(path)
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    assert _companions(path) == []


def _damaged_peergroup(path: Path) -> None:
    _make_peergroup_db(path, demo=True)
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // 2) // page * page
    data[middle : middle + 2 * page] = b"\xa5" * (2 * page)
    path.write_bytes(bytes(data))
    # Make sure the damage is real: SQLite itself must notice it (on a copy).
    probe = path.parent / "probe" / path.name
    probe.parent.mkdir()
    shutil.copyfile(path, probe)
    try:
        con = sqlite3.connect(probe)
        try:
            result = con.execute("pragma quick_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        result = "unreadable"
    assert result != "ok", "the test file should be damaged"


BAD_FILES = [
    pytest.param(_text_file, ["not an SQLite file", "untouched"], True, id="text-file"),
    pytest.param(
        _someone_elses_sqlite,
        ["not a Peergroup one", "recipes", "untouched"],
        True,
        id="someone-elses-sqlite",
    ),
    pytest.param(_newer_peergroup, ["newer version", "9999", "untouched"], True, id="newer-schema"),
    pytest.param(_damaged_peergroup, ["damaged", "backup", "untouched"], False, id="damaged"),
]


@pytest.mark.parametrize(("make", "words", "no_companions"), BAD_FILES)
def test_a_file_peergroup_cannot_use_is_reported_and_left_byte_for_byte_unchanged(
    tmp_path: Path,
    make,
    words: list[str],
    no_companions: bool,  # noqa: ANN001
):
    path = tmp_path / "mine" / "peergroup.db"
    path.parent.mkdir()
    make(path)
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    before = _snapshot(path)

    with pytest.raises(DatabaseProblem) as err:
        open_database(path, create=True)  # even when creating is allowed
    message = str(err.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    assert str(path) in message

    assert _snapshot(path) == before
    if no_companions:
        assert _companions(path) == []

    # inspecting alone raises the same way and still changes nothing
    with pytest.raises(DatabaseProblem):
        inspect_database(path)
    assert _snapshot(path) == before


def test_a_folder_given_as_the_database_is_refused(tmp_path: Path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(DatabaseProblem, match="is a folder"):
        open_database(folder, create=True)
    assert list(folder.iterdir()) == []


def test_a_pipe_or_device_given_as_the_database_is_refused_untouched(tmp_path: Path):
    # A FIFO would block an open() forever; /dev/null must never be chmod'ed.
    fifo = tmp_path / "a-pipe"
    os.mkfifo(fifo)
    with pytest.raises(DatabaseProblem, match="not a regular file"):
        open_database(fifo, create=True)
    before = os.stat("/dev/null")
    with pytest.raises(DatabaseProblem, match="not a regular file"):
        open_database(Path("/dev/null"), create=True)
    after = os.stat("/dev/null")
    assert (after.st_mode, after.st_uid) == (before.st_mode, before.st_uid)


# --- one file, several groups --------------------------------------------------


def test_one_database_holds_several_groups_each_with_its_own_members(db):
    with db.write() as s:
        harbour = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        north = groups_svc.create_group(s, "Northbridge Writing Circle", timezone="Europe/London")
        for name in ("Ada Byron", "Ben Okri"):
            membership_svc.add_member(
                s, harbour, membership_svc.MemberInput(name=name, joined_on="2026-01-13")
            )
        membership_svc.add_member(
            s, north, membership_svc.MemberInput(name="Cara Ng", joined_on="2026-02-03")
        )

    db.close()
    reopened = open_database(db.target)
    try:
        with reopened.write() as s:
            assert [g.name for g in groups_svc.list_groups(s)] == [
                "Harbour Lights Peer Group",
                "Northbridge Writing Circle",
            ]
            harbour = groups_svc.find_group(s, "harbour lights peer group")
            north = groups_svc.find_group(s, "NORTHBRIDGE WRITING CIRCLE")
            assert [m.name for m in membership_svc.list_members(s, harbour)] == [
                "Ada Byron",
                "Ben Okri",
            ]
            assert [m.name for m in membership_svc.list_members(s, north)] == ["Cara Ng"]
            assert north.timezone == "Europe/London"
            with pytest.raises(NotFound) as err:
                groups_svc.find_group(s, None)
            assert "several groups" in str(err.value)
            assert "Harbour Lights Peer Group" in str(err.value)
            assert "--group" in str(err.value)
    finally:
        reopened.close()


def test_a_group_can_be_renamed_and_a_new_group_take_the_old_name(db):
    # Step story: last year's cohort is renamed, and this year's cohort starts
    # under the familiar name in the same database.
    with db.write() as s:
        old = groups_svc.create_group(s, "Harbour Lights", timezone="UTC")
        groups_svc.rename_group(s, old, "Harbour Lights 2025 cohort")
    with db.write() as s:
        groups_svc.create_group(s, "Harbour Lights", timezone="UTC")
    with db.write() as s:
        assert sorted(g.name for g in groups_svc.list_groups(s)) == [
            "Harbour Lights",
            "Harbour Lights 2025 cohort",
        ]


def test_group_names_differing_only_in_accented_capitals_are_refused_politely(db):
    with db.write() as s:
        groups_svc.create_group(s, "ÉTUDES CLINIQUES", timezone="UTC")
    with pytest.raises(InputError) as err, db.write() as s:
        groups_svc.create_group(s, "Études cliniques", timezone="UTC")
    assert err.value.field == "name"
    assert "already exists" in err.value.message
    assert _count(db, Group) == 1


# --- backups -------------------------------------------------------------------


def test_a_server_database_is_not_backed_up_as_a_file_but_pointed_to_pg_dump(db, tmp_path: Path):
    if not db.is_server:
        pytest.skip("PostgreSQL only (SQLite: the backup tests after this one)")
    target = tmp_path / "copy.db"
    with pytest.raises(InputError) as err:
        backup_svc.backup_to(db, target)
    assert "pg_dump" in err.value.message and "peergroup copy" in err.value.message
    assert not target.exists()


@pytest.mark.sqlite_only  # a copy of the SQLite file (server: pg_dump, see the test before)
def test_a_backup_is_a_consistent_private_copy_and_never_overwrites(db, tmp_path: Path):
    with db.write() as s:
        g = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        membership_svc.add_member(
            s, g, membership_svc.MemberInput(name="Ada Byron", joined_on="2026-01-13")
        )
    # The committed rows may still sit in the -wal file: the copy must include them.
    assert _companions(db.path)

    target = tmp_path / "copies" / "before-term.db"
    out = backup_svc.backup_to(db, target)
    assert out == target
    assert _mode(target) == 0o600

    con = sqlite3.connect(target)
    try:
        assert con.execute("pragma quick_check").fetchone()[0] == "ok"
        assert con.execute('select name from "group"').fetchall() == [
            ("Harbour Lights Peer Group",)
        ]
        assert con.execute("select name from member").fetchall() == [("Ada Byron",)]
    finally:
        con.close()
    assert inspect_database(target).kind == "current"

    # A second backup to the same name is refused and the first copy is kept as is.
    before = _snapshot(target)
    with pytest.raises(InputError) as err:
        backup_svc.backup_to(db, target)
    assert err.value.field == str(target)
    assert "already exists" in err.value.message
    assert _snapshot(target) == before

    # Nor can the database be "backed up" onto itself.
    db_before = db.path.read_bytes()
    with pytest.raises(InputError):
        backup_svc.backup_to(db, db.path)
    assert db.path.read_bytes() == db_before


@pytest.mark.sqlite_only  # a copy of the SQLite file (server: pg_dump)
def test_a_backup_taken_mid_edit_holds_only_what_was_saved(db, tmp_path: Path):
    with db.write() as s:
        groups_svc.create_group(s, "Saved Group", timezone="UTC")
    editing = db.session()
    try:
        groups_svc.create_group(editing, "Unsaved Group", timezone="UTC")  # flushed, not committed
        target = backup_svc.backup_to(db, tmp_path / "mid-edit.db")
    finally:
        editing.rollback()
        editing.close()
    con = sqlite3.connect(target)
    try:
        assert con.execute('select name from "group"').fetchall() == [("Saved Group",)]
    finally:
        con.close()
