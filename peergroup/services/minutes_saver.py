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

The lock, the final flush with its deadline and the recovery file are shared
with the journal (``autosave.TextSaver``); what is the minutes' own is here.
No Textual here: the screen calls these from its workers and its flush.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import DatabaseBusy, InputError, PeergroupError
from . import minutes as minutes_svc
from . import minutes_views, recovery
from .autosave import BUSY_RETRY_EVERY, SaveOutcome, TextSaver

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from ..db import Database

__all__ = ["BUSY_RETRY_EVERY", "MinutesSaver", "SaveOutcome"]


class MinutesSaver(TextSaver):
    """The minutes of one meeting (see ``autosave.TextSaver`` for the common part)."""

    def __init__(self, db: Database, meeting_id: int) -> None:
        super().__init__(db)
        self.meeting_id = meeting_id

    def write_recovery(self, text: str) -> Path:
        return recovery.write_recovery(self.db.path, self.meeting_id, text)

    # --- the autosave: one attempt, from a worker thread ---------------------

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
        except Exception as exc:  # noqa: BLE001 - as in _attempt: reported, text stays pending
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

    # --- the final flush (autosave.TextSaver.save_final) ---------------------

    def _keep_in_conflict(self, text: str) -> SaveOutcome:
        try:
            with self.db.write() as session:
                minutes_svc.keep_copy(session, self.meeting_id, text, self.base_revision)
        except DatabaseBusy as exc:
            return SaveOutcome("busy", text, error=exc)
        except PeergroupError as exc:
            return SaveOutcome("failed", text, error=exc)
        return SaveOutcome("conflict", text)
