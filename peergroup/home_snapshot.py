"""A snapshot of the home screen, so the roadmap shows before SQLAlchemy has loaded.

Opening Peergroup pays for importing SQLAlchemy, defining the tables and the
roadmap's first queries: about a second on a laptop, most of it before any
data can be shown. When the app closes, it records what the home screen
showed together with a fingerprint of the database file (size, modification
time and inode of the file and its -wal). On the next start, if the file is
exactly as it was left, for the same group, the home screen shows that
snapshot in its first frame; the live view replaces it a moment later as
always. The view depends on the day (what is due, what comes next), so the
snapshot holds one for each of the next DAYS days, worked out when the app
closes: a group's tool is opened on some later day far more often than twice
on the same one. Any write since (by this app, another copy, a backup tool,
an import) changes the fingerprint, and the snapshot is not used.

The snapshot lives in the user's cache folder (``PEERGROUP_CACHE`` moves it),
readable by its owner only. It holds what the home screen shows: the group's
name and definition, and the step statuses with the names and dates they
mention; never minutes, journal text, notes or answers. A server database
(PostgreSQL) has no snapshot: there is no file to fingerprint.
This module is imported at start-up: it must not import SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .steps import StepStatus

CACHE_ENV = "PEERGROUP_CACHE"
FORMAT = 2  # 1 held one view, for the day it was taken
DAYS = 14  # today and the 13 days after it: each costs a few ms when the app closes


@dataclass
class HomeView:
    """What the home screen shows (built by ``services.home.home_view``)."""

    group_name: str
    definition: str
    statuses: list[StepStatus]
    next_key: str | None
    next_text: str


@dataclass
class Snapshot:
    group_id: int
    view: HomeView


def cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("peergroup", appauthor=False))


def snapshot_path(db_path: Path) -> Path:
    import hashlib

    name = hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:24]
    return cache_dir() / "home" / f"{name}.json"


def fingerprint(db_path: Path) -> list[list[int] | None]:
    """Size, modification time (ns) and inode of the database and its -wal."""
    marks: list[list[int] | None] = []
    real = os.path.realpath(db_path)  # SQLite keeps the -wal beside the file a link points to
    for path in (Path(real), Path(f"{real}-wal")):
        try:
            st = path.stat()
        except OSError:
            marks.append(None)
        else:
            marks.append([st.st_size, st.st_mtime_ns, st.st_ino])
    return marks


def _key(db_path: Path, requested: str | None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "app": __version__,
        "requested_group": requested,
        "fingerprint": fingerprint(db_path),
    }


def load(db_path: Path, requested: str | None, today: dt.date) -> Snapshot | None:
    """The snapshot left by the last run, if the database is exactly as it was then.

    Never raises: it runs before the command line has looked at the file (a
    symlink loop, an unreadable cache folder, a damaged snapshot all mean none).
    """
    if "://" in str(db_path):
        return None  # a server database
    try:
        path = snapshot_path(db_path)
        if not path.exists():
            return None  # the usual case on a first run: nothing more to import or read
        import json

        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != _key(db_path, requested):
            return None
        offset = (today - dt.date.fromisoformat(data["first_day"])).days
        days, views = data["days"], data["views"]
        if not (isinstance(days, list) and isinstance(views, list) and 0 <= offset < len(days)):
            return None  # an earlier day than it was taken on, or too long after
        index = days[offset]
        if type(index) is not int or not 0 <= index < len(views):
            return None
        return Snapshot(group_id=int(data["group_id"]), view=view_from(views[index]))
    except Exception:  # noqa: BLE001 - none yet, or damaged: the live view comes as always
        return None


def view_from(raw: dict[str, Any]) -> HomeView:
    """A HomeView from its JSON form (``asdict``); raises ValueError on anything that
    is not a view this version would show (a file left by another build, an edit)."""
    from .steps import STATES, StepStatus

    def text(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("not text")
        return value

    statuses = []
    for s in raw["statuses"]:
        number, state, missing = s["number"], text(s["state"]), s["missing"]
        if type(number) is not int or state not in STATES or not isinstance(missing, list):
            raise ValueError("not a step status")
        statuses.append(
            StepStatus(
                number=number,
                key=text(s["key"]),
                title=text(s["title"]),
                summary=text(s["summary"]),
                state=state,
                missing=[text(m) for m in missing],
                next_action=text(s["next_action"]),
            )
        )
    if len({s.key for s in statuses}) != len(statuses):
        raise ValueError("a step listed twice")
    next_key = raw["next_key"]
    return HomeView(
        group_name=text(raw["group_name"]),
        definition=text(raw["definition"]),
        statuses=statuses,
        next_key=None if next_key is None else text(next_key),
        next_text=text(raw["next_text"]),
    )


def save(
    db_path: Path,
    requested: str | None,
    first_day: dt.date,
    group_id: int,
    views: list[HomeView],
    key: dict[str, Any] | None = None,
) -> None:
    """Record the home views of ``first_day`` and the days after it, one a day, under
    ``key`` (default: the file as it is now). A view the day before also showed is
    kept once."""
    import json

    from .export.files import write_file

    folder = snapshot_path(db_path).parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = snapshot_path(db_path)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    key = key or _key(db_path, requested)
    kept: list[dict[str, Any]] = []
    days: list[int] = []
    for view in views:
        raw = asdict(view)
        if not kept or kept[-1] != raw:
            kept.append(raw)
        days.append(len(kept) - 1)
    data = {
        "key": key,
        "first_day": first_day.isoformat(),
        "group_id": group_id,
        "views": kept,
        "days": days,
    }
    write_file(path, json.dumps(data, ensure_ascii=False) + "\n", replace=True)


def forget(db_path: Path) -> None:
    with contextlib.suppress(OSError):
        snapshot_path(db_path).unlink()


def record_after_exit(
    db_path: Path, requested: str | None, clock: Any = None, *, opened: bool = True
) -> None:
    """After the app has closed its database: compute the home view once more and keep it.

    The file is fingerprinted before it is opened and again after it is closed;
    if anything wrote to it in between, nothing is kept. Any problem (a lock, a
    read-only file or cache folder, a full disk, a removed group) only means no
    snapshot: the next start loads the home screen the ordinary way.
    ``opened``: whether the app opened the file; if the user quit before it
    did, the snapshot is taken only where opening changes nothing (no upgrade
    or permission change the app would have announced).
    """
    try:
        _record(Path(db_path), requested, clock, opened)
    except Exception:  # noqa: BLE001 - a snapshot is only ever a shortcut
        forget(db_path)


def compute(
    db_path: Path,
    requested: str | None,
    clock: Any = None,
    *,
    read_only: bool = False,
    days: int = 1,
) -> tuple[dt.date, int | None, list[HomeView]]:
    """Open the database, work out the home views of today and the ``days - 1`` days
    after it for the opening group (none if it has no group), close it.

    Shared by the snapshot (after the app closed) and the start-up helper
    (home_prefetch, in a second process while the first loads Textual), which
    asks for ``read_only``: then a file that is not already at this version
    gives no view, and the file is opened by SQLite read-only (no journal mode
    set, no checkpoint, no upgrade, no permission change; see db.make_engine).
    """
    from .clock import SYSTEM, FixedClock, using
    from .db import Database, make_engine, open_database
    from .dbfile import inspect_database
    from .services import groups as groups_svc
    from .services import home as home_svc

    if read_only:
        clock = clock or SYSTEM
        if inspect_database(db_path).kind != "current":
            return clock.today(), None, []
        db = Database(
            path=db_path,
            engine=make_engine(db_path, 200, read_only=True),
            clock=clock,
            read_only=True,
        )
    else:
        db = open_database(db_path, clock=clock, busy_timeout_ms=200)
    views: list[HomeView] = []
    try:
        today = db.clock.today()
        with db.read() as session:
            group_id = groups_svc.opening_group_id(session, requested)
            for ahead in range(days):
                if group_id is None:
                    break
                day = today + dt.timedelta(days=ahead)
                # A later day's view as that day's own clock would give it.
                with using(FixedClock(day)) if ahead else contextlib.nullcontext():
                    views.append(home_svc.home_view(session, group_id, day))
    finally:
        db.close()
    return today, group_id, views


def opening_changes_nothing(db_path: Path) -> bool:
    """True if opening the file would upgrade, create or tighten nothing (it is at
    this version, and ``dbfile.tighten_permissions`` would change nothing): the
    notices about those are the app's to give, so only the app may cause them."""
    from .dbfile import inspect_database, tighten_permissions
    from .paths import data_home

    try:
        path = Path(db_path)
        if inspect_database(path).kind != "current":
            return False
        return not tighten_permissions(path, data_home(), dry_run=True)
    except Exception:  # noqa: BLE001 - unreadable, damaged, gone: not ours to open now
        return False


def _record(db_path: Path, requested: str | None, clock: Any, opened: bool = True) -> None:
    before = fingerprint(db_path)
    if before[0] is None or not (opened or opening_changes_nothing(db_path)):
        # Gone; or the app never opened it (the user quit first) and opening it
        # now would upgrade or tighten it after the app has gone, unseen.
        forget(db_path)
        return
    today, group_id, views = compute(db_path, requested, clock, days=DAYS)
    key = _key(db_path, requested)
    if group_id is None or not views or key["fingerprint"] != before:
        forget(db_path)  # no group, or written to meanwhile: nothing to trust
        return
    save(db_path, requested, today, group_id, views, key)
