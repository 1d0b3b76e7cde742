"""A consistent copy of the whole database (SQLite's online backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..db import Database, copy_database, translate_operational_error
from ..errors import InputError
from ..export.files import database_files, is_protected


def backup_to(db: Database, target: Path) -> Path:
    if db.is_server:
        raise InputError(
            "backup",
            f"copies an SQLite file; {db.where} is on a PostgreSQL server. Back it up with "
            "the server's own tools (pg_dump), or copy a group into a file with: "
            "peergroup copy --from ADDRESS --to FILE.db",
        )
    target = Path(target).expanduser()
    if target.resolve() == db.path.resolve():
        raise InputError(str(target), "is the database itself; choose another file.")
    if is_protected(target, database_files(db.path)[1:]):  # -wal, -shm, -journal
        # A copy written as g.db-journal or g.db-wal would be replayed into g.db.
        raise InputError(str(target), "is one of the database's own files; choose another name.")
    if target.is_symlink():
        raise InputError(str(target), "is a link; give the real file name.")
    if target.exists():
        raise InputError(
            str(target), "already exists; choose a new file name so nothing is overwritten."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return copy_database(db.path, target)
    except OSError as exc:
        raise InputError(str(target), f"cannot be written ({exc.strerror or exc}).") from None
    except sqlite3.Error as exc:  # writing the copy failed: a full disk, a read-only folder
        problem = translate_operational_error(exc, target)
        raise InputError(str(target), str(problem or exc)) from None
