"""Reading a group file from disk, safely: a size cap, regular files only,
valid UTF-8 (a byte order mark is fine), valid TOML, and no nesting deep
enough to exhaust the parser."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from ..errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # far above any real group's file


def read(path: Path, *, max_bytes: int | None = None, what: str = "a group file") -> dict[str, Any]:
    """The TOML document in ``path`` (at most ``max_bytes``, default MAX_BYTES; ``what``
    names the kind of file in messages: answer files share this reader)."""
    name = str(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(name, "no such file; check the path.") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            name, "is not a regular file (a folder, device or pipe); give a .toml file."
        )
    if info.st_size > max_bytes:
        raise InputError(name, f"is {info.st_size:,} bytes; {what} is at most {max_bytes:,} bytes.")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror}).") from None
    if len(raw) > max_bytes:  # it grew while we looked
        raise InputError(name, f"is larger than {max_bytes:,} bytes.")
    try:
        # utf-8-sig: a byte order mark (Windows editors add one) is not part of the text.
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(name, "is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(name, f"is not valid TOML: {exc}.") from None
    except RecursionError:
        raise InputError(
            name, f"nests lists or tables too deeply to be {what}; check its brackets."
        ) from None
