"""Opening the database: checks, creation, migrations, connections.

Before anything writes to a file it is inspected read-only with the standard
library's sqlite3, so a file that is not ours, is damaged, or comes from a
newer Peergroup is reported and left byte-for-byte untouched. Only then is a
SQLAlchemy engine built, and an older schema upgraded (after a backup copy).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DatabaseProblem

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator

    from sqlalchemy.engine import Engine
    from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 15_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


def known_revisions() -> list[str]:
    """Revision ids shipped with this version, oldest first (files ``NNNN_*.py``)."""
    revs = [
        m.group(1)
        for p in (MIGRATIONS_DIR / "versions").glob("*.py")
        if (m := re.match(r"(\d{4})_", p.name))
    ]
    return sorted(revs)


def head_revision() -> str:
    return known_revisions()[-1]


@dataclass(frozen=True)
class DatabaseState:
    path: Path
    kind: str  # missing | empty | current | older
    revision: str | None = None


def inspect_database(path: Path) -> DatabaseState:
    """Look at ``path`` without changing it; raise DatabaseProblem if unusable."""
    path = Path(path)
    if not path.exists():
        return DatabaseState(path, "missing")
    if path.is_dir():
        raise DatabaseProblem(
            f"{path} is a folder, not a database file. Give the path of a file, e.g. {path / 'peergroup.db'}."
        )
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseProblem(
            f"Cannot read {path}: {exc.strerror}. Check its permissions."
        ) from exc
    if header == b"":
        return DatabaseState(path, "empty")
    if header != _SQLITE_MAGIC:
        raise DatabaseProblem(
            f"{path} is not a Peergroup database (it is not an SQLite file at all). "
            "It was left untouched; check the --db path."
        )
    # A read-only look at a WAL database still creates a -shm file. When no
    # -wal/-shm exists, no connection has the file open, so it is read as
    # immutable (no locks, no side files); otherwise those files are already
    # there and a normal read-only connection adds nothing.
    in_use = any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-shm"))
    uri = "file:" + _uri_path(path) + ("?mode=ro" if in_use else "?mode=ro&immutable=1")
    return _inspect_sqlite(path, uri)


def _inspect_sqlite(path: Path, uri: str) -> DatabaseState:
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {
                r[0] for r in con.execute("select name from sqlite_master where type='table'")
            }
            if not tables:
                return DatabaseState(path, "empty")
            if "alembic_version" not in tables or "group" not in tables:
                raise DatabaseProblem(
                    f"{path} is an SQLite database, but not a Peergroup one "
                    f"(it has tables such as {', '.join(sorted(tables)[:3])}). "
                    "It was left untouched; check the --db path."
                )
            row = con.execute("select version_num from alembic_version").fetchone()
            ok = con.execute("pragma quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(
            f"{path} looks damaged and cannot be read ({exc}). It was left untouched; "
            "restore it from a backup (files named *.bak beside it, or your own copies)."
        ) from exc
    if ok is None or ok[0] != "ok":
        raise DatabaseProblem(
            f"{path} is damaged (integrity check: {ok[0] if ok else 'no answer'}). It was left "
            "untouched; restore it from a backup."
        )
    revision = row[0] if row else None
    known = known_revisions()
    if revision is None:
        raise DatabaseProblem(
            f"{path} has no schema version recorded, so Peergroup cannot tell how to open it. "
            "It was left untouched."
        )
    if revision not in known:
        raise DatabaseProblem(
            f"{path} was written by a newer version of Peergroup (schema {revision}; this "
            f"version knows up to {known[-1]}). It was left untouched; upgrade Peergroup to open it."
        )
    return DatabaseState(path, "current" if revision == known[-1] else "older", revision)


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


def create_empty_file(path: Path) -> None:
    """Create ``path`` with mode 0600 before SQLite touches it (its -wal/-shm copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def backup_file(path: Path, label: str) -> Path:
    """Copy the database consistently (SQLite backup API) next to itself."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
        n += 1
    create_empty_file(target)
    src = sqlite3.connect("file:" + _uri_path(path) + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(
        f"sqlite:///{Path(path)}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record):  # noqa: ANN001
        # Take transaction control from the driver so we can BEGIN IMMEDIATE.
        dbapi_con.isolation_level = None
        cur = dbapi_con.cursor()
        cur.execute("pragma journal_mode=WAL")
        cur.execute("pragma foreign_keys=ON")
        cur.execute(f"pragma busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("pragma synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # IMMEDIATE takes the write lock up front: two copies of the app then
        # queue on busy_timeout instead of failing with "database is locked"
        # when a read transaction tries to become a write one.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def run_migrations(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


@dataclass
class Database:
    path: Path
    engine: Engine
    backup: Path | None = None  # written before an upgrade
    created: bool = False

    def session(self) -> Session:
        from sqlmodel import Session

        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def scope(self) -> Iterator[Session]:
        """A short unit of work: commit on success, roll back on error."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path, *, create: bool = False) -> Database:
    """Open (and if needed create or upgrade) the Peergroup database at ``path``.

    ``create`` allows a missing file to be created; otherwise a missing file
    is an error, so a mistyped ``--db`` never silently starts an empty group.
    """
    path = Path(path).expanduser()
    state = inspect_database(path)
    created = False
    backup = None
    if state.kind == "missing":
        if not create:
            raise DatabaseProblem(
                f"There is no database at {path}. Check the path, or create a new one "
                f"there with: peergroup --db {path} init"
            )
        create_empty_file(path)
        created = True
    elif state.kind == "older":
        backup = backup_file(path, f"before-{head_revision()}")
    engine = make_engine(path)
    if state.kind != "current":
        # Make sure the new file keeps 0600 even if it pre-existed empty.
        if created or state.kind == "empty":
            os.chmod(path, 0o600)
        run_migrations(engine)
    return Database(path=path, engine=engine, backup=backup, created=created)
