"""The database as a file: looking at it without changing it, creating it,
copying it, and keeping it private.

Before anything writes to a file it is inspected read-only with the standard
library's sqlite3, so a file that is not ours, is damaged, or comes from a
newer Peergroup is reported and left byte-for-byte untouched.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import DatabaseProblem

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 15_000
_SQLITE_MAGIC = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")


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


def looks_like_url(value: object) -> bool:
    """``postgresql://...`` and friends: a server, not a file name."""
    return "://" in str(value)


def inspect_database(path: Path) -> DatabaseState:
    """Look at ``path`` without changing it; raise DatabaseProblem if unusable."""
    if looks_like_url(path):
        raise DatabaseProblem(
            f"{path} looks like a database server address, not a file. This version of "
            "Peergroup keeps its data in an SQLite file: give the path of a .db file."
        )
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise DatabaseProblem(
            f"{path} is a link to {os.readlink(path)}, which does not exist. Point --db at "
            "an existing database, or remove the link."
        )
    if not path.exists():
        return DatabaseState(path, "missing")
    if path.is_dir():
        raise DatabaseProblem(
            f"{path} is a folder, not a database file. Give the path of a file, e.g. {path / 'peergroup.db'}."
        )
    if not path.is_file():
        # /dev/null, a FIFO (opening it would wait forever), a socket or a device:
        # never opened, never chmod'ed.
        raise DatabaseProblem(
            f"{path} is not a regular file (a device, pipe or socket). It was left "
            "untouched; give the path of a .db file."
        )
    # A read-only look at a WAL database still creates a -shm file. When no
    # -wal/-shm exists, no connection has the file open, so it is read as
    # immutable (no locks, no side files); otherwise those files are already
    # there and a normal read-only connection adds nothing.
    real = Path(os.path.realpath(path))  # SQLite keeps them beside the real file
    in_use = any(Path(f"{real}{suffix}").exists() for suffix in ("-wal", "-shm"))
    # Only a file nobody has open is read directly: closing any descriptor of a
    # file drops every POSIX lock this process holds on it, SQLite's included,
    # and another process could then delete the -wal and -shm under this
    # process's open connections. A file in use is an SQLite one: SQLite reads it.
    if not in_use:
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
    """Create ``path`` with mode 0600 before SQLite touches it (its -wal/-shm copy the mode).

    Folders made on the way are private (0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def writable(path: Path) -> bool:
    """Whether SQLite can write ``path`` (the file and, for its journal, its folder)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def tighten_permissions(
    path: Path, data_folder: Path | None = None, *, dry_run: bool = False
) -> list[str]:
    """Make the database (and its companions) 0600 and Peergroup's own data folder
    0700 if others could read them. Returns one notice per change (``dry_run``:
    per change it would make, making none)."""
    notices = []
    for target in [path, *(path.with_name(path.name + c) for c in COMPANIONS)]:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            try:
                if not dry_run:
                    os.chmod(target, mode & 0o700)
            except OSError:
                continue
            notices.append(
                f"{target} could be read by other users (mode {mode:04o}); it is now private "
                f"({mode & 0o700:04o})."
            )
    if data_folder is not None and path.parent.resolve() == Path(data_folder).resolve():
        try:
            mode = stat.S_IMODE(path.parent.stat().st_mode)
            if mode & 0o077:
                if not dry_run:
                    os.chmod(path.parent, mode & 0o700)
                notices.append(
                    f"Peergroup's data folder {path.parent} could be read by other users "
                    f"(mode {mode:04o}); it is now private ({mode & 0o700:04o})."
                )
        except OSError:
            pass
    return notices


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
    for stale in target.parent.glob(f".{target.name}.*.partial*"):  # left by a killed copy
        stale.unlink(missing_ok=True)
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


def require_database(state: DatabaseState) -> None:
    """Raise the "no database here" problem for a missing or empty file."""
    if state.kind in ("missing", "empty"):
        path = state.path
        raise DatabaseProblem(
            f"There is no database at {path}"
            + (" (the file is empty)" if state.kind == "empty" else "")
            + f". Check the path, or create a new one there with: peergroup --db {path} init"
        )
