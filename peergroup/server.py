"""A shared PostgreSQL database: the same app and schema for a department's many groups.

``--db postgresql://user@host/dbname`` (or ``PEERGROUP_DB``) selects it. The
driver is psycopg 3, an optional extra (``pip install 'peergroup[postgres]'``).
Passwords come from the address, ``PGPASSWORD`` or ``~/.pgpass``, exactly as
libpq finds them, and never appear in a message: every address shown to the
user goes through ``display``.

Transactions keep SQLite's rules, so every service behaves the same on both:
a unit of work that writes takes one database-wide lock first (a transaction
advisory lock), so writers queue one after another as with SQLite's
``BEGIN IMMEDIATE``, and waiting longer than the busy timeout raises
``DatabaseBusy`` (the app retries and says so). A unit that only reads sees
one consistent snapshot (REPEATABLE READ, READ ONLY) and never waits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DatabaseBusy, DatabaseProblem, PeergroupError

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import URL, Engine

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
EXTRA = "pip install 'peergroup[postgres]'"
# One lock for every writer of a Peergroup database (any 64-bit number: "PGRP").
WRITE_LOCK_KEY = 0x50475250
CONNECT_TIMEOUT_S = 5


class DatabaseUnavailable(DatabaseBusy):
    """The server cannot be reached (down, restarting, the network gone): tried again."""


def is_server(target: object) -> bool:
    return "://" in str(target)


@dataclass(frozen=True)
class ServerAddress:
    url: URL  # with the password, if one was given: never shown

    @property
    def display(self) -> str:
        """The address for messages: never the password."""
        from urllib.parse import unquote

        shown = self.url.set(drivername="postgresql")
        query = {k: v for k, v in shown.query.items() if k.lower() != "password"}
        shown = shown.set(query=query)
        return _redact(unquote(shown.render_as_string(hide_password=True).replace(":***@", "@")))

    @property
    def identity(self) -> Path:
        """A stable local name for this database (for recovery files and settings).

        Not a file that is ever opened: the folder beside it holds what this
        machine keeps about the server database (a recovery copy of minutes
        when the server was away at the end).
        """
        from .paths import data_home

        u = self.url
        host = u.host or (u.query.get("host") if u.query else None) or "local"
        parts = [u.username or "", str(host), str(u.port or ""), u.database or ""]
        name = re.sub(r"[^A-Za-z0-9._@-]+", "_", "-".join(p for p in parts if p)).strip("_")
        return data_home() / "servers" / f"{name or 'server'}.server"


def parse(target: str) -> ServerAddress:
    """Read a ``postgresql://`` address; refuse anything else with a clear message."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(target)
    except ArgumentError:
        raise DatabaseProblem(
            f"{_redact(target)} is not a database address Peergroup can read. Give the path of "
            "a .db file, or a PostgreSQL address such as postgresql://user@host/dbname."
        ) from None
    if url.drivername not in SCHEMES:
        raise DatabaseProblem(
            f"{_redact(target)} is a {url.drivername}:// address. Peergroup keeps its data in "
            "an SQLite file or on a PostgreSQL server (postgresql://user@host/dbname)."
        )
    if not url.database:
        raise DatabaseProblem(
            f"{_redact(target)} names no database. Add it after the host: "
            "postgresql://user@host/dbname."
        )
    return ServerAddress(url.set(drivername="postgresql+psycopg"))


def _redact(text: str) -> str:
    """An address typed by the user, without a password in it.

    A password may hold "/", "?", "#" or "@" (libpq takes them), so everything
    from "://" to the last "@" is the user part: only its name before ":" is
    kept. A password given as a query parameter (``?password=``) is hidden too.
    """
    text = str(text)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)(.*)@([^@]*)$", text, flags=re.S)
    if m:
        scheme, userinfo, rest = m.groups()
        text = f"{scheme}{userinfo.split(':', 1)[0]}@{rest}"
    return re.sub(r"(?i)([?&]password=)[^&#]*", r"\1***", text)


def require_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseProblem(
            "Using a PostgreSQL server needs the psycopg driver, which is not installed. "
            f"Install Peergroup with its PostgreSQL extra: {EXTRA}"
        ) from None


def make_engine(address: ServerAddress, busy_timeout_ms: int) -> Engine:
    from sqlalchemy import create_engine, event

    require_driver()
    engine = create_engine(
        address.url,
        pool_pre_ping=True,  # a server restarted since: a fresh connection, not an error
        pool_size=5,
        max_overflow=10,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "peergroup"},
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: Any, _record: Any) -> None:
        # As SQLite's synchronous=FULL: a save reported as done is on disk, even
        # where the server's default is synchronous_commit=off (kept if it asks
        # for more: a replica's remote_write/remote_apply).
        dbapi_con.execute(
            "SELECT set_config('synchronous_commit', 'local', false)"
            " WHERE current_setting('synchronous_commit') = 'off'"
        )
        dbapi_con.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("peergroup_write"):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout_ms)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    return engine


def translate_error(exc: BaseException, display: str) -> PeergroupError | None:
    """The user-facing problem behind a psycopg error (never with the password)."""
    from sqlalchemy.exc import DBAPIError

    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    try:
        import psycopg
    except ImportError:  # pragma: no cover - no driver, no driver errors
        return None
    if not isinstance(orig, psycopg.Error):
        return None
    state = getattr(orig, "sqlstate", None) or ""
    text = str(orig).lower()
    from .errors import DatabaseReadOnly, DiskFull

    if state in ("55P03", "40P01", "40001"):  # lock timeout, deadlock, serialisation
        return DatabaseBusy(
            f"The database {display} is busy: another copy of Peergroup is saving. Nothing "
            "was lost; it will be tried again."
        )
    if state == "25006":  # read-only transaction / hot standby
        return DatabaseReadOnly(
            f"The database {display} only allows reading here (a read-only server or "
            "account), so nothing can be saved."
        )
    if state in ("53100", "53200", "53000"):  # disk full, out of memory, resources
        return DiskFull(
            f"The database server for {display} is out of disk space or memory; nothing was "
            "saved this time. Ask its administrator."
        )
    if state == "42501" or "permission denied" in text:
        return DatabaseReadOnly(
            f"The server does not let this account do that in {display} (permission "
            "denied). Ask its administrator for the rights Peergroup needs."
        )
    if state.startswith("28") or any(
        sign in text
        for sign in (
            "password authentication failed",
            "no password supplied",
            "no pg_hba.conf entry",
            'role "',
            "authentication failed",
        )
    ):
        return DatabaseProblem(
            f"The server refused the login to {display} (unknown user, wrong password, or "
            "not allowed from here). Check the address, PGPASSWORD or ~/.pgpass."
        )
    if state == "3D000" or ("does not exist" in text and "database" in text):
        return DatabaseProblem(
            f"The server has no such database: {display}. Check the name, or ask the "
            "server's administrator to create it (then: peergroup --db ADDRESS init)."
        )
    if state.startswith(("08", "57P")) or (
        isinstance(orig, psycopg.OperationalError) and not state
    ):
        return DatabaseUnavailable(
            f"The database server for {display} cannot be reached right now (it may be "
            "down or restarting, or the network is away)."
        )
    if isinstance(orig, psycopg.OperationalError):  # e.g. a statement the server cancelled
        return DatabaseProblem(
            f"The database server for {display} stopped the work ({state}); nothing was "
            "saved this time."
        )
    return None


def inspect(engine: Engine, display: str) -> tuple[str, str | None]:
    """(kind, revision) of the server database: empty | current | older; raise if foreign."""
    from sqlalchemy import inspect as sa_inspect

    from .dbfile import known_revisions

    with engine.connect() as conn:
        tables = set(sa_inspect(conn).get_table_names())
        if not tables:
            return "empty", None
        if "alembic_version" not in tables or "group" not in tables:
            raise DatabaseProblem(
                f"The database {display} holds other tables (such as "
                f"{', '.join(sorted(tables)[:3])}), not a Peergroup database. It was left "
                "untouched; check the address."
            )
        revision = conn.exec_driver_sql("select version_num from alembic_version").scalar()
    known = known_revisions()
    if revision not in known:
        raise DatabaseProblem(
            f"The database {display} was written by a newer version of Peergroup (schema "
            f"{revision}; this version knows up to {known[-1]}). It was left untouched."
        )
    return ("current" if revision == known[-1] else "older"), revision
