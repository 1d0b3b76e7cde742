"""What a test database holds, for the controls of the privacy tests on both backends."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import SQLModel

from peergroup.db import Database


def stored(db: Database) -> bytes:
    """What the database holds: the SQLite file's bytes (and its -wal), or every row of
    every table of a server database, as text (there is no file of it on this machine)."""
    if not db.is_server:
        wal = Path(f"{db.path}-wal")
        return db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with db.read() as s:
        rows = [
            row
            for table in SQLModel.metadata.sorted_tables
            for row in s.connection().execute(table.select())
        ]
    return "\n".join(map(str, rows)).encode()
