"""What a database keeps, on either backend, for tests about private text.

``stored_bytes(db)``: every byte the database holds for its data. SQLite: the
file and its write-ahead log. PostgreSQL: every page of every table, TOAST
table and index in the database, read through ``pageinspect`` (dead row
versions included, which SQL never shows), so "the text is gone from the
database" means the same on both.

``contents(db)``: every row of every table, for "nothing was changed" (page
bytes on PostgreSQL also change when a read sets hint bits).

``hold_write_lock(db)``: another *process* holding the database's write lock,
as a second copy of Peergroup (or a backup tool) would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_HOLD_ADVISORY_LOCK = """
import sys, psycopg
con = psycopg.connect(sys.argv[1])
con.execute("SELECT pg_advisory_xact_lock(%s)" % int(sys.argv[2]))
print("locked", flush=True)
sys.stdin.read()
"""


def _conninfo(db) -> str:  # noqa: ANN001
    return db.target


def stored_bytes(db) -> bytes:  # noqa: ANN001
    if not db.is_server:
        wal = Path(f"{db.path}-wal")
        return db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    import psycopg

    with psycopg.connect(_conninfo(db), autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        rels = con.execute(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / current_setting("
            "'block_size')::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 't', 'i') AND n.nspname IN ('public', 'pg_toast') "
            "AND c.relpersistence = 'p' AND (n.nspname = 'public' OR c.oid IN (SELECT "
            "reltoastrelid FROM pg_class k JOIN pg_namespace kn ON kn.oid = k.relnamespace "
            "WHERE kn.nspname = 'public') OR c.oid IN (SELECT indexrelid FROM pg_index WHERE "
            "indrelid IN (SELECT reltoastrelid FROM pg_class)))"
        ).fetchall()
        pages = [
            con.execute("SELECT get_raw_page(%s, %s)", (name, block)).fetchone()[0]
            for name, blocks in rels
            for block in range(int(blocks))
        ]
    return b"".join(bytes(p) for p in pages)


def contents(db) -> object:  # noqa: ANN001
    """Every row of every table (as text), in a stable order."""
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        return {
            t: sorted(tuple(map(str, row)) for row in conn.execute(text(f'select * from "{t}"')))
            for t in tables
        }


class hold_write_lock:  # noqa: N801 - used like a function: with hold_write_lock(db):
    """Another process holding the write lock until the block ends."""

    def __init__(self, db) -> None:  # noqa: ANN001
        if not db.is_server:
            from tests.process.terminal import WriteLock

            self._lock: WriteLock | None = WriteLock(db.path)
            self.proc = None
            return
        from peergroup.server import WRITE_LOCK_KEY

        self._lock = None
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD_ADVISORY_LOCK, _conninfo(db), str(WRITE_LOCK_KEY)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else b""
        if line.strip() != b"locked":
            self.proc.kill()
            raise AssertionError(f"the lock holder did not start: {line!r}")

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()
        elif self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()  # its session ends: the transaction lock goes with it
            self.proc.wait(timeout=10)

    def __enter__(self) -> hold_write_lock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
