"""Keeping the text of one minutes editor in step with the database.

The meeting screen types, this saves. A ``MinutesSaver`` knows the revision
the editor's text is based on and the text stored at that revision, so every
save can name its base revision (the optimistic-concurrency rule of
``minutes.save_minutes``). Saves run one at a time: a lock is held for the
whole unit of work, so a save started by the autosave (in a worker thread) and
the final flush (on the UI thread, when the app must stop) never overlap, and
the second one is based on what the first one stored.

Every method reports a ``SaveOutcome`` instead of raising: a locked database
(``busy``) leaves the text pending for another try; text the minutes refuse
(finalised meanwhile, too long) is kept as a copy (``kept``); when the final
flush cannot reach the database in time the text goes to a recovery file
(``recovered``). Nothing typed is dropped.

No Textual here: the screen calls these from its workers and its flush.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DatabaseBusy, InputError, PeergroupError
from . import minutes as minutes_svc
from . import minutes_views, recovery

if TYPE_CHECKING:  # pragma: no cover
    from ..db import Database

BUSY_RETRY_EVERY = 0.1  # seconds between attempts of the final flush


@dataclass(frozen=True)
class SaveOutcome:
    """What became of one save.

    kind: ``saved`` (the text is the minutes now, or already was), ``conflict``
    (another copy saved first; the text is kept as a copy; ``result`` says
    more), ``kept`` (refused as the minutes, kept as a copy; ``error`` says
    why, ``finalised`` whether that is the reason), ``busy`` (another program
    holds the lock; nothing changed), ``failed`` (a read-only database, a full
    disk, a bug: ``error``), ``recovered`` (written to ``recovery_file``).
    """

    kind: str
    text: str
    result: minutes_svc.SaveResult | None = None
    error: Exception | None = None
    finalised: bool = False
    recovery_file: Path | None = None


class MinutesSaver:
    def __init__(self, db: Database, meeting_id: int) -> None:
        self.db = db
        self.meeting_id = meeting_id
        self._lock = threading.Lock()
        self.base_revision = 0  # what the next save is based on
        self.stored_text = ""  # the text at that revision (or kept as a copy)
        self.recovered_text: str | None = None  # last text written to the recovery file

    def loaded(self, revision: int, text: str) -> None:
        """The editor now holds ``text`` as stored at ``revision``."""
        with self._lock:
            self.base_revision, self.stored_text = revision, text

    def is_safe(self, text: str) -> bool:
        """Whether ``text`` needs no saving: stored, kept, or in the recovery file."""
        return text in (self.stored_text, self.recovered_text)

    # --- the autosave: one attempt, from a worker thread ---------------------

    def save(self, text: str) -> SaveOutcome:
        with self._lock:
            return self._attempt(text)

    def _attempt(self, text: str) -> SaveOutcome:
        base = self.base_revision
        try:
            with self.db.write() as session:
                result = minutes_svc.save_minutes(session, self.meeting_id, text, base)
        except DatabaseBusy as exc:
            return SaveOutcome("busy", text, error=exc)
        except InputError as exc:
            return self._keep_refused(text, exc)
        except PeergroupError as exc:  # read-only database, full disk
            return SaveOutcome("failed", text, error=exc)
        except Exception as exc:  # noqa: BLE001 - reported by the caller; the text stays pending
            return SaveOutcome("failed", text, error=exc)
        if result.conflict:
            return SaveOutcome("conflict", text, result=result)
        self.base_revision, self.stored_text = result.revision, text
        return SaveOutcome("saved", text, result=result)

    def _keep_refused(self, text: str, refused: InputError) -> SaveOutcome:
        """Finalised meanwhile by another copy, or too long: keep the text beside them."""
        try:
            with self.db.write() as session:
                minutes_svc.keep_copy(session, self.meeting_id, text, self.base_revision)
                finalised = minutes_svc.is_finalised(session, self.meeting_id)
        except DatabaseBusy as exc:
            return SaveOutcome("busy", text, error=exc)
        except PeergroupError as exc:
            return SaveOutcome("failed", text, error=exc)
        self.stored_text = text  # kept: not to be saved again
        return SaveOutcome("kept", text, error=refused, finalised=finalised)

    # --- two copies saved at once -------------------------------------------

    def resolve(
        self, choice: str, mine: str
    ) -> tuple[SaveOutcome, minutes_views.MeetingDay | None]:
        """After a conflict: 'mine' saves ``mine`` over the other copy's text (kept
        first); 'theirs' continues from the stored text (``mine`` is kept)."""
        with self._lock:
            try:
                with self.db.write() as session:
                    day = minutes_views.open_meeting(session, self.meeting_id)
                    if choice == "theirs":
                        minutes_svc.keep_copy(session, self.meeting_id, mine, self.base_revision)
                        result = None
                    else:
                        minutes_svc.keep_copy(session, self.meeting_id, day.text, day.revision)
                        result = minutes_svc.save_minutes(
                            session, self.meeting_id, mine, day.revision
                        )
            except DatabaseBusy as exc:
                return SaveOutcome("busy", mine, error=exc), None
            except PeergroupError as exc:
                return SaveOutcome("failed", mine, error=exc), None
            if result is None:
                self.base_revision, self.stored_text = day.revision, day.text
                return SaveOutcome("saved", day.text), day
            if result.conflict:
                return SaveOutcome("conflict", mine, result=result), day
            self.base_revision, self.stored_text = result.revision, mine
            return SaveOutcome("saved", mine, result=result), day

    # --- the final flush: on the UI thread, with a deadline -------------------

    def save_final(self, text: str, wait: float, *, in_conflict: bool = False) -> SaveOutcome:
        """Save ``text`` now, waiting about ``wait`` seconds in all (for a running
        save, then for a locked database); after that, write the recovery file.
        Each attempt may also wait the database's own busy timeout (the app opens
        it with half a second), so the bound is ``wait`` plus one busy timeout.

        ``in_conflict``: the user has not chosen between two texts yet, so this
        one is only kept as a copy (outcome ``conflict``).
        """
        if self.is_safe(text) and not in_conflict:
            return SaveOutcome("saved", text)
        deadline = time.monotonic() + wait
        if not self._lock.acquire(timeout=wait):
            return self._recover(text)
        try:
            if self.is_safe(text) and not in_conflict:
                return SaveOutcome("saved", text)  # the running save had this very text
            while True:
                attempt = self._keep_in_conflict if in_conflict else self._attempt
                outcome = attempt(text)
                if outcome.kind != "busy":
                    break
                if time.monotonic() >= deadline:
                    return self._recover(text)
                time.sleep(BUSY_RETRY_EVERY)
            if outcome.kind == "failed":
                return self._recover(text)
            return outcome
        finally:
            self._lock.release()

    def _keep_in_conflict(self, text: str) -> SaveOutcome:
        try:
            with self.db.write() as session:
                minutes_svc.keep_copy(session, self.meeting_id, text, self.base_revision)
        except DatabaseBusy as exc:
            return SaveOutcome("busy", text, error=exc)
        except PeergroupError as exc:
            return SaveOutcome("failed", text, error=exc)
        return SaveOutcome("conflict", text)

    def _recover(self, text: str) -> SaveOutcome:
        try:
            path = recovery.write_recovery(self.db.path, self.meeting_id, text)
        except OSError as exc:
            return SaveOutcome("failed", text, error=exc)
        self.recovered_text = text
        return SaveOutcome("recovered", text, recovery_file=path)
