"""Opening the database for ``PeergroupApp`` (a mixin): once, in a thread worker,
after the first frame; closing it however the app ends; keys pressed before it
is open kept for then; and the garbage collector back on after start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

if TYPE_CHECKING:  # pragma: no cover
    from peergroup.db import Database

# The app waits at most this long inside SQLite for a lock; run_db then retries
# with a notice, so the wait is visible and never blocks the UI.
APP_BUSY_TIMEOUT_MS = 500


class DatabaseReady(Message):
    def __init__(self, db: Database, group_id: int | None) -> None:
        super().__init__()
        self.db = db
        self.group_id = group_id


class DatabaseFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class OpensDatabase:
    """Needs ``PeergroupApp``: its paths, clock, state (set in its __init__) and actions."""

    db: Any
    group_id: int | None
    db_path: Any
    create: bool
    clock: Any
    requested_group: str | None
    start_meeting: str | None
    prefetch: Any
    _db_lock: Any
    _opened_db: Any
    _closed: bool
    _open_started: bool
    _when_open: Callable[[], object] | None

    def _collect_garbage_again(self) -> None:
        import gc

        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def open_database(self) -> None:
        """Open the database (once), in a thread worker; see on_mount."""
        if not self._open_started and not self._closed:
            self._open_started = True
            self._open_database()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _open_database(self) -> None:
        try:
            from peergroup.db import open_database
            from peergroup.errors import PeergroupError
            from peergroup.services import groups as groups_svc

            try:
                db = open_database(
                    self.db_path,
                    create=self.create,
                    clock=self.clock,
                    busy_timeout_ms=APP_BUSY_TIMEOUT_MS,
                )
            except PeergroupError as exc:
                self.post_message(DatabaseFailed(str(exc)))
                return
            try:
                with db.read() as session:
                    group_id = groups_svc.opening_group_id(session, self.requested_group)
            except BaseException:
                db.close()
                raise
            with self._db_lock:
                if self._closed:  # the user quit while it opened: nobody else will close it
                    db.close()
                    return
                self._opened_db = db
            self.post_message(DatabaseReady(db, group_id))
        except Exception as exc:  # noqa: BLE001 - shown to the user, not swallowed
            from peergroup.server import _redact

            where = _redact(str(self.db_path))
            self.post_message(DatabaseFailed(f"Could not open {where}: {exc}"))

    def on_database_ready(self, message: DatabaseReady) -> None:
        self.db = message.db
        self.group_id = message.group_id
        for notice in self.db.notices:
            self.notify(
                notice,
                markup=False,
                timeout=10,
                severity="warning" if self.db.read_only else "information",
            )
        if self.group_id is None:
            self.action_new_group(first_run=True)
        self.refresh_group()
        then, self._when_open = self._when_open, None
        # A key kept from the early home view, if home is still what the user
        # looks at (not help, the palette, a dialog); not with `peergroup meeting`,
        # which opens the meeting itself (a kept `m` would open it twice).
        from .home import HomeScreen

        if (
            then is not None
            and self.group_id is not None
            and not self.start_meeting
            and isinstance(self.screen, HomeScreen)
        ):
            then()
        if self.start_meeting and self.group_id is not None:
            self._open_start_meeting()

    def _open_start_meeting(self) -> None:
        if self.start_meeting == "today":
            self.open_meeting()
            return
        import datetime as dt

        self.open_meeting(on=dt.date.fromisoformat(self.start_meeting))

    def on_database_failed(self, message: DatabaseFailed) -> None:
        self.exit(2, return_code=2, message=message.error)

    def on_unmount(self) -> None:
        if self.prefetch is not None:
            self.prefetch.discard()  # the home screen's worker waiting on it ends too
        with self._db_lock:
            self._closed = True
            db = self.db or self._opened_db
        if db is not None:
            db.close()

    def _once_open(self, then: Callable[[], object]) -> bool:
        """False if the database is open. Otherwise keep ``then`` for when it is:
        a step opened from an early home view (snapshot or helper) before the
        database was ready is opened then, not dropped."""
        if self.db is not None:
            return False
        if not self._closed:
            if self._when_open is None:  # once, not a notice per key
                self.notify("Opening the database…", timeout=2, markup=False)
            self._when_open = then
        return True
