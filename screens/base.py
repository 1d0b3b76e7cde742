"""Database work off the UI thread: the one way screens read and write.

A screen never opens a unit of work itself. It calls ``run_db(self, fn, then)``:
``fn(session)`` runs in a Textual thread worker inside ``db.read()`` (or
``db.write()`` with ``write=True``) and its result comes back to ``then`` on the
UI thread as a message, so a screen that has been closed meanwhile simply never
hears of it. A lock held by another process is retried with a short
"waiting for the database" notice, never an exit; domain errors become one
notification (or go to ``failed`` when the caller wants them, e.g. a form that
puts the message beside the field).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

T = TypeVar("T")

BUSY_RETRY_EVERY = 0.25  # seconds between attempts, on top of SQLite's own busy timeout
BUSY_NOTICE_EVERY = 4.0  # the notice is repeated while waiting, and fades soon after
BUSY_GIVE_UP = 120.0  # a lock held this long is reported as a problem


class DbDone(Message):
    """Carries a worker's result (or error) back to the UI thread."""

    def __init__(self, callback: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self.callback = callback
        self.args = args


class DbWork:
    """Mixin for screens and the app: runs ``DbDone`` callbacks on the UI thread."""

    async def on_db_done(self, message: DbDone) -> None:
        message.stop()
        result = message.callback(*message.args)
        if inspect.isawaitable(result):  # e.g. FormDialog._loaded mounts the fields
            await result

    def run_db(
        self,
        fn: Callable[[Session], T],
        then: Callable[[T], Any] | None = None,
        *,
        write: bool = False,
        failed: Callable[[Exception], Any] | None = None,
        group: str = "db",
        exclusive: bool = False,
        description: str = "database",
        outlive: bool | None = None,
    ) -> Worker[None]:
        return run_db(
            self,  # type: ignore[arg-type]
            fn,
            then,
            write=write,
            failed=failed,
            group=group,
            exclusive=exclusive,
            description=description,
            outlive=outlive,
        )


class WorkStopped(Exception):
    """A write the user stopped while it waited for the lock; rolled back, nothing to report."""


def run_db(
    node: MessagePump,
    fn: Callable[[Session], T],
    then: Callable[[T], Any] | None = None,
    *,
    write: bool = False,
    failed: Callable[[Exception], Any] | None = None,
    group: str = "db",
    exclusive: bool = False,
    description: str = "database",
    outlive: bool | None = None,
) -> Worker[None]:
    """Run ``fn(session)`` in a thread worker; deliver its result to ``then`` on ``node``.

    ``outlive`` (default: for writes) lets a write that waits for another
    program's lock go in after its screen has gone: a key the user pressed
    ("this member joins") is not undone by going back. A form passes False: its
    Discard must stop a waiting save. Nothing outlives the app itself.

    ``failed`` receives a ``PeergroupError`` (bad input, a lock that never went
    away, a read-only database); without it the app shows the message. Any
    other exception is reported by the app and does not end it.
    """
    app = node.app  # type: ignore[attr-defined]
    outlives = write if outlive is None else outlive

    def job() -> None:
        from peergroup.errors import PeergroupError

        worker = get_current_worker()
        try:
            result = call_db(
                app, fn, write=write, cancelled=lambda: worker.is_cancelled, outlive=outlives
            )
        except WorkStopped:
            return
        except PeergroupError as exc:
            if failed is not None:
                node.post_message(DbDone(failed, exc))
            else:
                app.post_message(DbDone(app.show_problem, exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported to the user, the app keeps running
            app.post_message(DbDone(app.report_crash, exc))
            if failed is not None:  # and the caller gets to undo its waiting state
                node.post_message(DbDone(failed, exc))
            return
        if then is not None and not worker.is_cancelled:
            node.post_message(DbDone(then, result))

    return node.run_worker(  # type: ignore[attr-defined]
        job,
        thread=True,
        exit_on_error=False,
        group=group,
        exclusive=exclusive,
        description=description,
    )


def call_db(
    app: Any,
    fn: Callable[[Session], T],
    *,
    write: bool,
    cancelled: Callable[[], bool] = lambda: False,
    outlive: bool = False,
) -> T:
    """Run one unit of work, retrying while another process holds the lock.

    Runs in a worker thread. While it waits, the app shows a notice that is
    repeated every few seconds (so it fades once the wait is over).
    """
    from peergroup.errors import DatabaseBusy

    db = app.db
    started = time.monotonic()
    last_notice = None
    while True:
        try:
            with db.write() if write else db.read() as session:
                result = fn(session)
                # The lock may have come free while this attempt waited on SQLite's
                # busy timeout, after the user stopped the work (Discard on a form):
                # roll it back rather than commit what was thrown away. A write that
                # outlives its screen commits, even while the app is quitting.
                if write and not outlive and cancelled():
                    raise WorkStopped
        except DatabaseBusy as exc:
            waited = time.monotonic() - started
            # A unit of work for a screen that has gone stops here, unless it
            # is a write the user asked for that must outlive the screen (a
            # member joins, then the user goes back home): that goes in once the
            # lock is free, but never keeps a quitting app alive.
            if cancelled() and not (outlive and app.is_running):
                raise
            if waited > BUSY_GIVE_UP:
                raise DatabaseBusy(
                    f"{exc} It was still locked after {int(waited)} seconds, so nothing was "
                    "saved this time; what you typed is still on screen. Try again, or close "
                    "the other program."
                ) from exc
            now = time.monotonic()
            if last_notice is None or now - last_notice >= BUSY_NOTICE_EVERY:
                last_notice = now
                app.post_message(DbDone(app.show_busy, exc))
            time.sleep(BUSY_RETRY_EVERY)
            continue
        if last_notice is not None:
            app.post_message(DbDone(app.show_busy_over))
        return result
