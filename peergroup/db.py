"""Opening the database: connections, units of work, migrations on open.

The file is first inspected without being changed (peergroup.dbfile). Only
then is a SQLAlchemy engine built, and an older schema upgraded (after a
checked backup copy).
"""

from __future__ import annotations

import os
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

from .dbfile import (  # noqa: F401  (the file-level API, used through peergroup.db too)
    BUSY_TIMEOUT_MS,
    MIGRATIONS_DIR,
    DatabaseState,
    backup_file,
    copy_database,
    create_empty_file,
    fsync_dir,
    head_revision,
    inspect_database,
    known_revisions,
    require_database,
    tighten_permissions,
    writable,
)


def make_engine(
    path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, read_only: bool = False
) -> Engine:
    """An engine whose transactions are deferred (readers never take the write lock).

    ``writer(engine)`` gives the variant that starts with ``BEGIN IMMEDIATE``.
    ``read_only``: the file or its folder cannot be written; every write fails
    with a clear ``DatabaseReadOnly`` and reads still work.
    """
    from sqlalchemy import create_engine, event

    if read_only:
        import sqlite3
        from urllib.parse import quote

        # Without -wal/-shm (or a -journal) beside it nobody has the file open:
        # read it as immutable, since a read-only folder cannot take a new -shm
        # file. SQLite keeps those beside the real file, not beside a link to it.
        real = Path(path).resolve()
        busy = any(Path(f"{real}{c}").exists() for c in ("-wal", "-shm", "-journal"))
        uri = f"file:{quote(str(real))}?mode=ro" + ("" if busy else "&immutable=1")
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False
            ),
        )
    else:
        engine = create_engine(
            f"sqlite:///{Path(path)}",
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record):  # noqa: ANN001
        # Take transaction control from the driver so we choose how to BEGIN.
        dbapi_con.isolation_level = None
        cur = dbapi_con.cursor()
        if not read_only:
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
    if engine.dialect.name != "sqlite":
        # PostgreSQL checks foreign keys all along and changes its schema inside
        # the transaction: the whole upgrade commits, or none of it.
        with writer(engine).connect() as connection, connection.begin():
            cfg.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(cfg, target)
        return
    with writer(engine).connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
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
    from sqlalchemy.exc import DBAPIError, OperationalError

    from . import server

    if server.is_server(path):
        return server.translate_error(exc, server._redact(str(path)))
    if isinstance(exc, DBAPIError) and not isinstance(exc.orig, sqlite3.Error):
        return server.translate_error(exc, str(path))
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
            f"{path} cannot be written: the disk is full (or failing). Free some space, then "
            "try again."
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
    read_only: bool = False  # the file, its folder or the disk cannot be written
    notices: list[str] = field(default_factory=list)  # one line each, for the user
    # "sqlite", or "postgresql": then ``path`` is a local name for the server
    # database (recovery files, settings), never a file that is opened.
    kind: str = "sqlite"
    display: str = ""  # how messages name it (never a password)

    @property
    def is_server(self) -> bool:
        return self.kind != "sqlite"

    @property
    def where(self) -> str:
        return self.display or str(self.path)

    @property
    def target(self) -> str:
        """What ``--db`` takes to open this database again (a server address may hold a
        password: never show it; ``where`` is for messages)."""
        if self.is_server:
            return self.engine.url.set(drivername="postgresql").render_as_string(
                hide_password=False
            )
        return str(self.path)

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
            problem = translate_operational_error(exc, self.display or self.path)
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
        busy timeout; a read-only database raises ``DatabaseReadOnly`` at once."""
        if self.read_only:
            raise DatabaseReadOnly(
                f"The database {self.path} is read-only here (the file or its folder cannot "
                "be written), so nothing can be saved. Check their permissions, or copy the "
                "file somewhere writable."
            )
        return self._unit(write=True)

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    clock: Clock | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Database:
    """Open (and if needed create or upgrade) the Peergroup database at ``path``.

    ``create`` allows a missing file to be created; otherwise a missing file
    is an error, so a mistyped ``--db`` never silently starts an empty group.
    A ``postgresql://`` address opens a server database instead (see
    peergroup.server): the same rules, with "missing" meaning an empty database.
    """
    from . import server

    if server.is_server(path):
        return _open_server(str(path), create=create, clock=clock, busy_timeout_ms=busy_timeout_ms)
    path = Path(path).expanduser()
    state = inspect_database(path)
    created = False
    backup = None
    if not create:
        require_database(state)
    from .paths import data_home

    notices = tighten_permissions(path, data_home()) if state.kind != "missing" else []
    read_only = state.kind != "missing" and not writable(path)
    if read_only and state.kind != "current":
        raise DatabaseReadOnly(
            f"The database {path} needs "
            + ("setting up" if state.kind == "empty" else "an upgrade to this version")
            + " but cannot be written (the file or its folder is read-only). It was left as it is."
        )
    try:
        if state.kind == "missing":
            create_empty_file(path)
            created = True
        elif state.kind == "older":
            backup = backup_file(path, f"before-{head_revision()}")
    except OSError as exc:
        raise DatabaseReadOnly(
            f"The database {path} cannot be "
            + ("created" if state.kind == "missing" else "backed up before its upgrade")
            + f" ({exc.strerror or exc}). Nothing was changed."
        ) from exc
    engine = make_engine(path, busy_timeout_ms, read_only=read_only)
    if state.kind != "current":
        # Make sure the new file keeps 0600 even if it pre-existed empty.
        if created or state.kind == "empty":
            os.chmod(path, 0o600)
        try:
            with using(clock or SYSTEM):
                run_migrations(engine)
        except BaseException as exc:
            engine.dispose()
            if created:
                path.unlink(missing_ok=True)
            problem = translate_operational_error(exc, path)
            if problem is not None:
                raise problem from exc
            raise
    if read_only:
        notices.append(
            f"{path} is read-only here: you can look, but nothing can be saved until it is writable."
        )
    if backup is not None:
        notices.append(f"Upgraded the database; the copy from before the upgrade is {backup}.")
    return Database(
        path=path,
        engine=engine,
        backup=backup,
        created=created,
        clock=clock or SYSTEM,
        read_only=read_only,
        notices=notices,
    )


def _open_server(
    target: str, *, create: bool, clock: Clock | None, busy_timeout_ms: int
) -> Database:
    from . import server

    address = server.parse(target)
    display = address.display
    engine = server.make_engine(address, busy_timeout_ms)
    try:
        kind, _revision = server.inspect(engine, display)
        if kind == "empty" and not create:
            raise DatabaseProblem(
                f"The database {display} is empty: there is no Peergroup data in it yet. To "
                f"set it up, run: peergroup --db '{display}' init"
            )
        if kind != "current":
            with using(clock or SYSTEM):
                run_migrations(engine)
    except BaseException as exc:
        engine.dispose()
        problem = server.translate_error(exc, display)
        if problem is not None:
            raise problem from exc
        raise
    return Database(
        path=address.identity,
        engine=engine,
        created=kind == "empty",
        clock=clock or SYSTEM,
        notices=[f"Upgraded the database {display} to this version."] if kind == "older" else [],
        kind="postgresql",
        display=display,
    )
