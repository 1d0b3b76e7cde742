"""A consistent copy of the whole database (SQLite's online backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..db import Database, create_empty_file
from ..errors import InputError


def backup_to(db: Database, target: Path) -> Path:
    target = Path(target).expanduser()
    if target.resolve() == db.path.resolve():
        raise InputError(str(target), "is the database itself; choose another file.")
    if target.exists():
        raise InputError(
            str(target), "already exists; choose a new file name so nothing is overwritten."
        )
    try:
        create_empty_file(target)
    except OSError as exc:
        raise InputError(str(target), f"cannot be created ({exc.strerror}).") from None
    src = sqlite3.connect(db.path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target
