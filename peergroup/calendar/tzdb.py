"""The one IANA time-zone database the app uses, chosen the same way on every machine.

Python's ``zoneinfo`` reads the system's zone files (``/usr/share/zoneinfo``) before
the ``tzdata`` package, so on its own the answer depends on how old the machine's
files are. Here we pick the newer of the two (the package on a tie: it is the same
everywhere), point ``zoneinfo`` at that source alone, and read every zone, every
zone list and every TZif file from it. Everything in the app that needs a zone goes
through ``zone()`` and ``available_zones()``; ``configure()`` runs before the first
one is made (``peergroup.calendar`` calls it on import).
"""

from __future__ import annotations

import functools
import os
import re
import sysconfig
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources costs start-up time; only the package source needs it
    from importlib.resources.abc import Traversable

PACKAGE = "package"  # the tzdata package from PyPI, bundled with the app
SYSTEM = "system"  # the operating system's zone files

_VERSION = re.compile(r"(\d{4})([a-z]*)")
_SYSTEM_SKIP = frozenset({"right", "posix"})  # leap-second and duplicate trees
_MAGIC = b"TZif"


@dataclass(frozen=True)
class TzSource:
    """Where zone data comes from: ``kind`` is PACKAGE or SYSTEM."""

    kind: str
    version: str | None  # e.g. "2026f"; None when the source does not say
    location: str  # a directory for SYSTEM, the package name for PACKAGE

    def describe(self) -> str:
        """For an about screen or a file header, e.g. "tz database 2026f (tzdata package)"."""
        where = "tzdata package" if self.kind == PACKAGE else f"system files in {self.location}"
        return f"tz database {self.version or '(version unknown)'} ({where})"


def version_key(version: str | None) -> tuple[int, str] | None:
    """A sortable key for a tz release name such as "2026f", or None if it is not one.

    Releases are a year and a letter; after "z" the project continues "za", "zb", so
    comparing the letters as text puts every real release in order ("a" < "aa" < "b").
    Distribution suffixes ("2025b-0ubuntu1") are ignored.
    """
    match = _VERSION.match(version.strip()) if isinstance(version, str) else None
    return (int(match[1]), match[2]) if match else None


def choose(system: TzSource | None, package: TzSource | None) -> TzSource | None:
    """The newer of the two sources. A source whose version cannot be read loses
    to one whose version can; on a tie, or when neither can be read, the package wins."""
    if system is None or package is None:
        return package or system
    sys_key, pkg_key = version_key(system.version), version_key(package.version)
    if sys_key is not None and (pkg_key is None or sys_key > pkg_key):
        return system
    return package


def find_package_source() -> TzSource | None:
    """The tzdata package, if it is installed."""
    try:
        import tzdata
    except ImportError:
        return None
    return TzSource(PACKAGE, getattr(tzdata, "IANA_VERSION", None), "tzdata")


def find_system_source(dirs: list[str] | None = None) -> TzSource | None:
    """The first directory on zoneinfo's default search path that holds zone files.

    The version comes from the ``# version`` line of ``tzdata.zi`` (most Linux) or
    the ``+VERSION`` file (macOS).
    """
    for folder in _default_tzpath() if dirs is None else dirs:
        root = Path(folder)
        if not (root / "UTC").is_file() and not (root / "tzdata.zi").is_file():
            continue
        return TzSource(SYSTEM, _system_version(root), str(root))
    return None


def _default_tzpath() -> list[str]:
    # The same search path zoneinfo starts with, before configure() narrows it.
    env = os.environ.get("PYTHONTZPATH")
    raw = env if env is not None else (sysconfig.get_config_var("TZPATH") or "")
    return [p for p in raw.split(os.pathsep) if os.path.isabs(p)]


def _system_version(root: Path) -> str | None:
    try:
        with open(root / "tzdata.zi", encoding="utf-8") as zi:
            for line in zi:
                if not line.startswith("#"):
                    break
                if line.startswith("# version "):
                    return line.split(maxsplit=2)[2].strip() or None
    except (OSError, UnicodeDecodeError):
        pass
    try:
        return (root / "+VERSION").read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


# --- the configured database --------------------------------------------------------

_chosen: TzSource | None = None
_configured = False


def configure() -> TzSource | None:
    """Choose the database and point zoneinfo at it; later calls change nothing.

    Returns the chosen source (None only if there is no zone data at all, in which
    case zoneinfo is left as it was and every zone lookup fails with the usual error).
    """
    global _chosen, _configured
    if not _configured:
        _chosen = choose(find_system_source(), find_package_source())
        if _chosen is not None:
            # An empty search path makes zoneinfo read the tzdata package.
            path = [_chosen.location] if _chosen.kind == SYSTEM else []
            if list(zoneinfo.TZPATH) != path:
                zoneinfo.reset_tzpath(to=path)
                # Zones made before this point came from the old path.
                zoneinfo.ZoneInfo.clear_cache()
        _configured = True
    return _chosen


def source() -> TzSource | None:
    """The database in use (configuring it first if needed)."""
    return configure()


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name`` from the chosen database.

    Raises ``zoneinfo.ZoneInfoNotFoundError`` for a name the chosen database does not
    have, even if the other one does, so the two are never mixed.
    """
    if not _has_zone(name):
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone named {name!r}")
    return zoneinfo.ZoneInfo(name)


def available_zones() -> frozenset[str]:
    """Every zone name in the chosen database."""
    return _available(configure())


def tzif_bytes(name: str) -> bytes:
    """The TZif file for ``name``: the very file zoneinfo reads for ``zone(name)``."""
    chosen = configure()
    if chosen is None or not _has_zone(name):
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone named {name!r}")
    return _tzif_path(chosen, name).read_bytes()


def posix_tz_string(name: str) -> str | None:
    """The POSIX TZ string at the end of the zone's TZif file (its rule for all later
    years), e.g. "EST5EDT,M3.2.0,M11.1.0"; None for a version 1 file or an empty one."""
    return footer_of(tzif_bytes(name))


def footer_of(data: bytes) -> str | None:
    """The TZ string footer of TZif ``data`` (RFC 8536 section 3.3), or None."""
    if data[:4] != _MAGIC or data[4:5] not in (b"2", b"3", b"4"):
        return None
    # Skip the version 1 header and data block, then read the 64-bit one.
    end = _block_end(data, _block_end(data, 0, 4), 8)
    if data[end : end + 1] != b"\n":
        return None
    close = data.find(b"\n", end + 1)
    text = data[end + 1 : close].decode("ascii", "replace") if close > end else ""
    return text or None


def _block_end(data: bytes, header: int, time_size: int) -> int:
    counts = [
        int.from_bytes(data[header + 20 + 4 * i : header + 24 + 4 * i], "big") for i in range(6)
    ]
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = counts
    body = (
        timecnt * (time_size + 1)
        + typecnt * 6
        + charcnt
        + leapcnt * (time_size + 4)
        + isstdcnt
        + isutcnt
    )
    return header + 44 + body


def _has_zone(name: object) -> bool:
    return _valid_key(name) and _has_file(name)


@functools.lru_cache(maxsize=1024)
def _has_file(name: str) -> bool:
    chosen = configure()
    if chosen is None:
        return False
    try:
        with _tzif_path(chosen, name).open("rb") as f:
            return f.read(4) == _MAGIC
    except (OSError, ValueError):  # missing, a directory, or an odd name
        return False


def _valid_key(name: object) -> bool:
    # The same limits zoneinfo puts on keys: relative, no "." or ".." parts.
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    return not name.startswith("/") and all(p not in ("", ".", "..") for p in name.split("/"))


def _tzif_path(chosen: TzSource, name: str) -> Path | Traversable:
    if chosen.kind == SYSTEM:
        return Path(chosen.location, *name.split("/"))
    from importlib import resources  # 15 ms; zoneinfo needs it for the package anyway

    return resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))


@functools.cache
def _available(chosen: TzSource | None) -> frozenset[str]:
    if chosen is None:
        return frozenset()
    if chosen.kind == PACKAGE:
        from importlib import resources

        listing = resources.files("tzdata").joinpath("zones").read_text("utf-8")
        return frozenset(line.strip() for line in listing.splitlines() if line.strip())
    found = set()
    for root, dirs, files in os.walk(chosen.location):
        if root == chosen.location:
            dirs[:] = [d for d in dirs if d not in _SYSTEM_SKIP]
        for file in files:
            path = os.path.join(root, file)
            key = os.path.relpath(path, chosen.location).replace(os.sep, "/")
            if key != "posixrules" and _has_zone(key):
                found.add(key)
    return frozenset(found)
