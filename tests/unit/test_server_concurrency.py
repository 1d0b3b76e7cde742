"""A PostgreSQL database shared by several copies of Peergroup, for real.

Stories: two facilitators on two machines save the same meeting's minutes at
the same moment, both from the revision they opened: one save wins, the other
text is kept as a copy, nothing is lost. The server restarts (or an
administrator ends every session) in the middle of the work: the app says the
server is away and tries again, and the next save works. A password in the
address never shows up in any message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from peergroup.db import open_database
from peergroup.errors import PeergroupError
from peergroup.models import Meeting, Minutes, MinutesConflict
from peergroup.server import WRITE_LOCK_KEY, DatabaseUnavailable
from peergroup.services import minutes as minutes_svc

ROOT = Path(__file__).resolve().parents[2]

# One copy of the app: open the database, save the minutes from ``base`` (one unit
# of work, as MinutesSaver does), print the outcome.
_SAVE = """
import json, sys
from peergroup.db import open_database
from peergroup.services import minutes as minutes_svc
target, meeting_id, text, base = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
db = open_database(target)
print("ready", flush=True)
with db.write() as s:
    r = minutes_svc.save_minutes(s, meeting_id, text, base)
db.close()
print(json.dumps({"saved": r.saved, "conflict": r.conflict, "revision": r.revision}), flush=True)
"""

pytestmark = pytest.mark.server  # CI's faketime run leaves these out


@pytest.fixture
def server_db(demo_db):
    if not demo_db.is_server:
        pytest.skip("PostgreSQL only: SQLite's copies are tested in test_minutes/test_two_copies")
    return demo_db


def _meeting(db) -> int:  # noqa: ANN001
    """The demo group's next meeting: no minutes yet."""
    with db.read() as s:
        meeting = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        assert s.exec(select(Minutes).where(Minutes.meeting_id == meeting.id)).first() is None
        return meeting.id


def _admin(db):  # noqa: ANN001, ANN202
    import psycopg

    return psycopg.connect(db.target, autocommit=True)


def _copy(db, meeting_id: int, words: str, base: int) -> subprocess.Popen:  # noqa: ANN001
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SAVE, db.target, str(meeting_id), words, str(base)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return proc


@pytest.mark.parametrize("first_save", [True, False], ids=["first-minutes", "existing-row"])
def test_two_processes_saving_from_the_same_revision_at_once_lose_nothing(
    server_db, first_save: bool
):
    db = server_db
    meeting_id = _meeting(db)
    base = 0
    if not first_save:
        with db.write() as s:
            base = minutes_svc.save_minutes(s, meeting_id, "Agreed agenda", 0).revision
    words = {"ada": "Ada's notes from the laptop", "ben": "Ben's notes from the desktop"}
    with _admin(db) as gate:
        # Hold the write lock while both copies start their save, so both are queued
        # on it with the same base revision, then let them go at the same moment.
        gate.autocommit = False
        gate.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        copies = {who: _copy(db, meeting_id, words[who], base) for who in words}
        deadline = time.monotonic() + 30
        with _admin(db) as watch:
            while True:
                waiting = watch.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND objid = %s AND database = (SELECT oid FROM pg_database WHERE datname ="
                    " current_database())",
                    (WRITE_LOCK_KEY,),
                ).fetchone()[0]
                if waiting == 2:
                    break
                assert time.monotonic() < deadline, "the two copies never queued on the lock"
                time.sleep(0.05)
        gate.commit()  # both race for the lock now
    results = {}
    for who, proc in copies.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results[who] = json.loads(out.strip().splitlines()[-1])
    assert sorted((r["saved"], r["conflict"]) for r in results.values()) == [
        (False, True),
        (True, False),
    ], results
    winner = next(who for who, r in results.items() if r["saved"])
    loser = next(who for who in words if who != winner)
    with db.read() as s:
        minutes = s.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).one()
        kept = [c.text for c in s.exec(select(MinutesConflict))]
    assert minutes.text == words[winner]
    assert minutes.revision == base + 1 == results[winner]["revision"]
    assert kept == [words[loser]]  # never overwritten, never lost


def _end_other_sessions(db) -> None:  # noqa: ANN001
    with _admin(db) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for _ in range(200):
            left = admin.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            if left == 0:
                return
            time.sleep(0.05)
    raise AssertionError("the sessions were not ended")


def test_sessions_ended_by_the_server_between_saves_are_replaced_unseen(server_db):
    from peergroup.services.minutes_saver import MinutesSaver

    db = server_db
    meeting_id = _meeting(db)
    saver = MinutesSaver(db, meeting_id)
    saver.loaded(0, "")
    assert saver.save("Before the restart").kind == "saved"
    _end_other_sessions(db)  # every pooled connection is dead now
    assert saver.save("Before the restart, and after").kind == "saved"  # pool_pre_ping
    with db.read() as s:
        assert minutes_svc.open_meeting(s, meeting_id).text == "Before the restart, and after"


def test_the_server_going_away_mid_save_is_a_retry_not_a_traceback(server_db):
    db = server_db
    meeting_id = _meeting(db)
    with pytest.raises(DatabaseUnavailable) as err, db.write() as s:
        minutes_svc.save_minutes(s, meeting_id, "Typed as the server went away", 0)
        s.flush()
        _end_other_sessions(db)  # returns once this open transaction's session is gone
        s.execute(text("select 1"))
    assert "cannot be reached right now" in str(err.value)
    assert "Traceback" not in str(err.value)
    with db.read() as s:  # nothing half-written
        assert minutes_svc.open_meeting(s, meeting_id).revision == 0
    with db.write() as s:  # the next save works
        assert minutes_svc.save_minutes(s, meeting_id, "Typed again", 0).saved
    with db.read() as s:
        assert minutes_svc.open_meeting(s, meeting_id).text == "Typed again"

    # The app's saver goes on from there.
    from peergroup.services.minutes_saver import MinutesSaver

    saver = MinutesSaver(db, meeting_id)
    saver.loaded(1, "Typed again")
    assert saver.save("Typed again, and more").kind == "saved"


# --- passwords ---------------------------------------------------------------------

PASSWORD = "S3cretPW"


def _chain(exc: BaseException) -> list[str]:
    seen: list[str] = []
    while exc is not None and len(seen) < 20:
        seen += [str(exc), repr(exc)]
        exc = exc.__cause__ or exc.__context__
    return seen


def _socket_dir(db) -> str:  # noqa: ANN001
    return db.engine.url.query["host"]


def test_no_message_shows_the_password_of_an_address(server_db, capsys):
    from peergroup.cli import run

    address = f"postgresql://user:{PASSWORD}@/nodb?host={_socket_dir(server_db)}"
    with pytest.raises(PeergroupError) as err:
        open_database(address)
    assert "nodb" in str(err.value)  # the message does name the database
    for shown in _chain(err.value):
        assert PASSWORD not in shown
    assert run(["--db", address, "groups"]) == 2
    out = capsys.readouterr()
    assert PASSWORD not in out.err + out.out and "nodb" in out.err


class _PasswordRefusingServer:
    """Enough of PostgreSQL's protocol to ask for a password and refuse it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / ".s.PGSQL.5432"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(self.path))
        self.sock.listen(8)
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                con, _ = self.sock.accept()
            except OSError:
                return
            with con:
                try:
                    (length,) = struct.unpack("!i", con.recv(4))
                    con.recv(length - 4)  # the startup message
                    con.sendall(b"R" + struct.pack("!ii", 8, 3))  # cleartext password, please
                    kind, length = con.recv(1), struct.unpack("!i", con.recv(4))[0]
                    self.received.append(kind + con.recv(length - 4))
                    fields = b"".join(
                        code + value + b"\0"
                        for code, value in (
                            (b"S", b"FATAL"),
                            (b"V", b"FATAL"),
                            (b"C", b"28P01"),
                            (b"M", b'password authentication failed for user "ada"'),
                        )
                    )
                    body = fields + b"\0"
                    con.sendall(b"E" + struct.pack("!i", len(body) + 4) + body)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def test_a_wrong_password_is_reported_without_showing_it(tmp_path, capsys):
    pytest.importorskip("psycopg")
    from peergroup.cli import run

    folder = tmp_path / "sock"
    folder.mkdir()
    server = _PasswordRefusingServer(folder)
    try:
        address = f"postgresql://ada:{PASSWORD}@/peers?host={folder}"
        with pytest.raises(PeergroupError) as err:
            open_database(address)
        assert any(PASSWORD.encode() in got for got in server.received)  # it was really sent
        assert "refused the login" in str(err.value)
        assert "postgresql://ada@/peers" in str(err.value)
        for shown in _chain(err.value):
            assert PASSWORD not in shown
        assert run(["--db", address, "groups"]) == 2
        out = capsys.readouterr()
        assert "refused the login" in out.err
        assert PASSWORD not in out.err + out.out
    finally:
        server.close()


# --- scrubbing private text ----------------------------------------------------------


def test_scrubbing_never_queues_behind_another_copys_open_transaction(server_db, monkeypatch):
    """VACUUM FULL needs the private tables to itself: while another copy keeps a
    transaction on them open it gives up quickly (False) instead of making every
    other reader queue behind it; once that ends, it finishes."""
    from peergroup.services import journal as journal_svc

    monkeypatch.setattr(journal_svc, "VACUUM_LOCK_TIMEOUT_MS", 100)
    with _admin(server_db) as other:
        other.autocommit = False
        other.execute("SELECT count(*) FROM reflection")  # holds its lock until it ends
        started = time.monotonic()
        assert journal_svc.scrub(server_db) is False
        assert time.monotonic() - started < 10
        other.rollback()
    assert journal_svc.scrub(server_db) is True
