"""Writing a file the user asked for (an export, a report, a backup, a group file).

Every file Peergroup writes goes through ``write_file``:

* atomic: the bytes go to a temporary file in the target folder, are flushed
  to disk and renamed over the target, so a kill at any moment leaves the old
  file or the new one, never half of one;
* never the database: the open database, its ``-wal``/``-shm``/``-journal``
  files and its ``.bak`` copies are refused, and so is any existing SQLite
  file;
* never through a symlink unless the caller says so (``follow_symlinks``);
* never over an existing file unless the caller says so (``replace``: the
  CLI's ``--force``, the TUI's second ctrl+s after it asked).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..db import fsync_dir
from ..errors import InputError

_SQLITE_MAGIC = b"SQLite format 3\x00"


class TargetExists(InputError):
    """The target exists and replacing it was not asked for."""


def database_files(db_path: Path | None) -> list[Path]:
    """The database and its companions: never a target for an export."""
    if db_path is None:
        return []
    db_path = Path(db_path)
    return [db_path] + [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")]


def is_protected(target: Path, protected: Iterable[Path]) -> bool:
    try:
        real = target.resolve()
    except OSError:
        real = target.absolute()
    for p in protected:
        p = Path(p)
        try:
            base = p.resolve()
        except OSError:
            base = p.absolute()
        if real == base:
            return True
        # Copies made beside the database before an upgrade: name.before-0003-....bak
        if (
            real.parent == base.parent
            and real.name.startswith(base.name + ".")
            and (real.name.endswith(".bak"))
        ):
            return True
    return False


def check_target(
    path: Path,
    *,
    replace: bool = False,
    follow_symlinks: bool = False,
    protected: Iterable[Path] = (),
) -> Path:
    """Raise ``InputError`` (field: the path) if ``path`` must not be written."""
    path = Path(path).expanduser()
    name = str(path)
    if not path.name or name.endswith(os.sep):
        raise InputError(name, "is a folder name; give a file name.")
    if path.is_symlink():
        if not path.exists():
            raise InputError(name, "is a link to nothing; give a real file name.")
        if not follow_symlinks:
            raise InputError(
                name,
                f"is a link to {os.path.realpath(path)}; write to that file directly, "
                "or say that following the link is wanted.",
            )
    if is_protected(path, protected):
        raise InputError(
            name, "is the database (or one of its own files); choose another file name."
        )
    if path.is_dir():
        raise InputError(name, "is a folder; give a file name inside it.")
    if path.exists():
        if not path.is_file():
            raise InputError(name, "is not a regular file; choose another name.")
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError:
            head = b""
        if head == _SQLITE_MAGIC:
            raise InputError(
                name, "is a database file; an export never replaces one. Choose another name."
            )
        if not replace:
            raise TargetExists(
                name, "already exists; nothing was written. Choose another name or replace it."
            )
    if not path.parent.is_dir():
        raise InputError(name, f"cannot be written: the folder {path.parent} does not exist.")
    return path


def write_file(
    path: Path,
    data: bytes | str,
    *,
    replace: bool = False,
    follow_symlinks: bool = False,
    protected: Iterable[Path] = (),
) -> Path:
    """Write ``data`` to ``path`` atomically, after ``check_target``. Returns the path written."""
    path = check_target(path, replace=replace, follow_symlinks=follow_symlinks, protected=protected)
    if follow_symlinks and path.is_symlink():
        path = Path(os.path.realpath(path))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    name = str(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise InputError(name, f"cannot be written ({exc.strerror or exc}).") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(name, f"cannot be written ({exc.strerror or exc}).") from None
    fsync_dir(path.parent)
    return path


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
