"""Opening the database: checks, creation, migrations, connections.

Before anything writes to a file it is inspected read-only with the standard
library's sqlite3, so a file that is not ours, is damaged, or comes from a
newer Peergroup is reported and left byte-for-byte untouched. Only then is a
SQLAlchemy engine built, and an older schema upgraded (after a backup copy).
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import SYSTEM, Clock, using
from .errors import DatabaseBusy, DatabaseProblem, DatabaseReadOnly, DiskFull, PeergroupError

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
    """Copy the database consistently next to itself (before an upgrade)."""
    from .clock import current

    stamp = current().now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
        n += 1
    copy_database(path, target)
    return target


def copy_database(source: Path, target: Path) -> Path:
    """A complete, checked copy of the SQLite database ``source`` at ``target``, or nothing.

    The copy is made with SQLite's online backup API into a temporary file in
    the target folder, checked (``quick_check``), flushed to disk and only then
    renamed to ``target``. A kill at any moment leaves either no ``target`` or a
    whole one, never a partial file that would open as an empty database.
    ``target`` must not exist yet.
    """
    import tempfile

    target = Path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o600)
        src = sqlite3.connect(
            "file:" + _uri_path(source) + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("pragma journal_mode=DELETE")  # a single self-contained file
            ok = dst.execute("pragma quick_check").fetchone()
        finally:
            dst.close()
            src.close()
        if ok is None or ok[0] != "ok":
            raise DatabaseProblem(
                f"The copy of {source} failed its integrity check; no copy was written."
            )
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        if target.exists():
            raise FileExistsError(target)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return target


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every filesystem allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_engine(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine whose transactions are deferred (readers never take the write lock).

    ``writer(engine)`` gives the variant that starts with ``BEGIN IMMEDIATE``.
    """
    from sqlalchemy import create_engine, event

    engine = create_engine(
        f"sqlite:///{Path(path)}",
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record):  # noqa: ANN001
        # Take transaction control from the driver so we choose how to BEGIN.
        dbapi_con.isolation_level = None
        cur = dbapi_con.cursor()
        cur.execute("pragma journal_mode=WAL")
        cur.execute("pragma foreign_keys=ON")
        cur.execute(f"pragma busy_timeout={int(busy_timeout_ms)}")
        # FULL: a save reported as done survives a power cut (NORMAL may roll
        # the last transactions back). secure_delete: deleted private text is
        # overwritten, not left in free pages of the file.
        cur.execute("pragma synchronous=FULL")
        cur.execute("pragma secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # Writers take the lock up front (IMMEDIATE), so two copies of the app
        # queue on busy_timeout instead of failing when a read transaction
        # tries to become a write one. Readers use a plain deferred BEGIN: in
        # WAL mode they never wait for a writer.
        if conn.get_execution_options().get("peergroup_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine and pool, with write transactions (``BEGIN IMMEDIATE``)."""
    return engine.execution_options(peergroup_write=True)


def run_migrations(engine: Engine, target: str = "head", *, downgrade: bool = False) -> None:
    """Upgrade to the newest schema in one transaction, with foreign keys checked after.

    Alembic's batch mode rebuilds a table by copying it and dropping the old
    one; with foreign keys on, that drop would cascade-delete the table's
    children (a meeting's minutes, a group's members). So foreign keys are off
    during the upgrade (SQLite ignores the pragma inside a transaction, hence
    before BEGIN) and ``foreign_key_check`` must come back clean before the
    upgrade commits.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with writer(engine).connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("pragma foreign_keys=OFF")
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                (command.downgrade if downgrade else command.upgrade)(cfg, target)
                broken = connection.exec_driver_sql("pragma foreign_key_check").fetchall()
                if broken:
                    raise DatabaseProblem(
                        "Upgrading the database would leave rows pointing at missing ones "
                        f"({broken[0][0]} and others); nothing was changed."
                    )
        finally:
            raw.execute("pragma foreign_keys=ON")


def translate_operational_error(exc: BaseException, path: Path | str) -> PeergroupError | None:
    """The user-facing problem behind a driver error, or None if it is not one we know.

    Each case gets its own message: a lock held by another process, a file or
    folder that cannot be written, a full disk.
    """
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        exc = exc.orig or exc
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"The database {path} is locked by another process (another copy of Peergroup, "
            "or a backup tool) that is writing to it. Nothing was lost; it will be tried again."
        )
    if "readonly" in text or "read-only" in text or "attempt to write a readonly" in text:
        return DatabaseReadOnly(
            f"The database {path} cannot be written: the file or its folder is read-only "
            "(check their permissions, or whether the disk is mounted read-only)."
        )
    if "disk is full" in text or "database or disk is full" in text or "disk i/o error" in text:
        return DiskFull(
            f"The database {path} cannot be written: the disk is full (or failed). "
            "Free some space; nothing you typed is lost."
        )
    if "unable to open" in text:
        return DatabaseReadOnly(
            f"The database {path} cannot be opened for writing (its folder may be missing or "
            "read-only)."
        )
    return None


@dataclass
class Database:
    path: Path
    engine: Engine
    backup: Path | None = None  # written before an upgrade
    created: bool = False
    clock: Clock = field(default_factory=lambda: SYSTEM)

    def __post_init__(self) -> None:
        self._writer = writer(self.engine)

    def session(self, write: bool = True) -> Session:
        """A bare session, for callers that manage the transaction themselves (tests).

        It does not make the database's clock current; prefer ``read``/``write``."""
        from sqlmodel import Session

        return Session(self._writer if write else self.engine, expire_on_commit=False)

    @contextmanager
    def _unit(self, write: bool) -> Iterator[Session]:
        session = self.session(write)
        try:
            with using(self.clock):
                yield session
                session.commit()
        except BaseException as exc:
            session.rollback()
            problem = translate_operational_error(exc, self.path)
            if problem is not None:
                raise problem from exc
            raise
        finally:
            session.close()

    def read(self) -> AbstractContextManager[Session]:
        """A read-only unit of work: deferred transaction, never waits for writers."""
        return self._unit(write=False)

    def write(self) -> AbstractContextManager[Session]:
        """A unit of work that writes: takes the write lock first, commits on success,
        rolls back on error. A lock held elsewhere raises ``DatabaseBusy`` after the
        busy timeout."""
        return self._unit(write=True)

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    path: Path,
    *,
    create: bool = False,
    clock: Clock | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Database:
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
    engine = make_engine(path, busy_timeout_ms)
    if state.kind != "current":
        # Make sure the new file keeps 0600 even if it pre-existed empty.
        if created or state.kind == "empty":
            os.chmod(path, 0o600)
        try:
            with using(clock or SYSTEM):
                run_migrations(engine)
        except BaseException as exc:
            engine.dispose()
            problem = translate_operational_error(exc, path)
            if problem is not None:
                raise problem from exc
            raise
    return Database(path=path, engine=engine, backup=backup, created=created, clock=clock or SYSTEM)
