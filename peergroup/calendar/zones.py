"""Time-zone names: checking one a user typed, and guessing this machine's.

No database and no UI; the zone rules themselves come from ``tzdb``.
"""

from __future__ import annotations

import contextlib
import os
import zoneinfo
from collections.abc import Mapping
from pathlib import Path

from peergroup.calendar import tzdb
from peergroup.errors import InputError

# Names that load as zones but are not places a group meets in.
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


def check_timezone(name: object, field: str = "timezone") -> str:
    """Return ``name`` if it is an IANA zone we can use, else raise ``InputError``."""
    if isinstance(name, str) and name not in _NOT_PLACES:
        try:
            tzdb.zone(name)
            return name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # e.g. a directory: "America"
            pass
    hint = ""
    if isinstance(name, str) and name.strip():
        folded = name.strip().replace(" ", "_").casefold()
        matches = sorted(
            z for z in tzdb.available_zones() if z.casefold() == folded and z not in _NOT_PLACES
        )
        if matches:
            hint = f" Did you mean {matches[0]}?"
    raise InputError(
        field,
        f"{name!r} is not a time zone we know.{hint} Use a name like "
        "Europe/London or America/New_York.",
    )


def machine_timezone(*, environ: Mapping[str, str] | None = None, etc: Path = Path("/etc")) -> str:
    """Best guess at this machine's IANA zone name; "UTC" when nothing usable is found.

    Tries, in order: the TZ variable, /etc/timezone (Debian family), and the target
    of the /etc/localtime symlink (most Linux, macOS). ``environ`` and ``etc`` are
    for tests.
    """
    env = os.environ if environ is None else environ
    candidates: list[str] = []
    tz = env.get("TZ", "").strip().lstrip(":")
    if tz:
        candidates.append(_after_zoneinfo(tz))
    with contextlib.suppress(OSError, UnicodeDecodeError):
        candidates.append((etc / "timezone").read_text(encoding="utf-8").strip())
    link = etc / "localtime"
    try:
        # The first link names the zone the admin chose; the fully resolved path may
        # be an alias (US/Eastern -> America/New_York), which is still a valid answer.
        candidates.append(_after_zoneinfo(os.readlink(link)))
        candidates.append(_after_zoneinfo(str(link.resolve())))
    except OSError:
        pass
    for name in candidates:
        try:
            return check_timezone(name)
        except InputError:
            continue
    return "UTC"


def _after_zoneinfo(path: str) -> str:
    marker = "zoneinfo/"
    return path.split(marker, 1)[1] if marker in path else path
