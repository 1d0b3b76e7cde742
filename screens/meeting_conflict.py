"""The meeting screen's "two copies saved at once" banner, as a mixin of
``MeetingScreen``: a non-modal banner above the editor offers ctrl+o (keep
mine) and ctrl+t (take theirs) while typing goes on, and what is typed
meanwhile is backed up to the recovery file, so a kill before the choice loses
nothing. Both texts always stay in the database."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from .base import DbDone
from .safe import one_line

RETRY_BUSY_EVERY = 0.5  # seconds between attempts while another program holds the lock
WAITING = "Waiting for the database (another program is writing); your text is kept here…"
WAITING_SERVER = "The database server cannot be reached; your text is kept here…"


def waiting_text(error: object) -> str:
    """What the status line says while a save waits: a busy file, or a server away."""
    from peergroup.server import DatabaseUnavailable

    return WAITING_SERVER if isinstance(error, DatabaseUnavailable) else WAITING


class ConflictBanner:
    """Needs the meeting screen's editor, saver and state (``_in_conflict``,
    ``_conflict``, ``_conflict_backup``, ``_saving``, ``_leaving``)."""

    _in_conflict: bool
    _conflict: Any
    _conflict_backup: str
    _backup_on_disk: str
    _backing_up: bool
    _backup_lock: Any
    _saving: bool
    _leaving: bool
    _first_unsaved: float | None

    def _open_conflict(self, result: Any) -> None:
        """Show the banner (once, however many saves meet the conflict); typing goes on."""
        self._when_saved_callbacks.clear()
        if self._leaving:
            return
        self._conflict = result
        if self._in_conflict:
            return
        self._in_conflict = True
        banner = self.query_one("#conflict-banner", Static)
        text = Text()
        text.append("Another copy saved these minutes while you typed. ", style="bold")
        text.append("Nothing is lost: both texts are kept. ")
        text.append("ctrl+o", style="bold reverse")
        text.append(" keep mine  ")
        text.append("ctrl+t", style="bold reverse")
        text.append(" take theirs  ")
        text.append("ctrl+r", style="bold reverse")
        text.append(" compare\nTheirs ends: ")
        text.append_text(one_line((result.their_text or "")[-200:].lstrip(), 150, "italic"))
        banner.update(text)
        banner.add_class("-shown")
        self.refresh_bindings()
        self._render_state("Two copies: choose with ctrl+o or ctrl+t; keep typing meanwhile.")
        self._backup_while_in_conflict()

    def _close_conflict(self) -> None:
        self._in_conflict = False
        self._conflict = None
        self.query_one("#conflict-banner", Static).remove_class("-shown")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("keep_mine", "take_theirs"):
            return self._in_conflict  # in the footer only while there is a choice to make
        return True

    def action_keep_mine(self) -> None:
        if self._in_conflict:
            self.editor.call_later(lambda: self._resolve_conflict("mine"))

    def action_take_theirs(self) -> None:
        if self._in_conflict:
            self.editor.call_later(lambda: self._resolve_conflict("theirs"))

    def _backup_while_in_conflict(self) -> None:
        """While the choice waits, what is typed goes to the recovery file (in a worker),
        so a crash or a kill before the choice still loses nothing."""
        text = self.editor.text
        if (
            not self._in_conflict
            or text == self._conflict_backup
            or self._saving
            or self._backing_up  # the next tick sends the newer text, after this one
        ):
            return
        from peergroup.services import recovery

        db_path, meeting_id = self.app.db.path, self.meeting_id
        self._conflict_backup, self._backing_up = text, True

        def job() -> None:
            try:
                with self._backup_lock:
                    if not self._in_conflict:  # chosen meanwhile: the backup is discarded
                        return
                    # This session's own earlier backup is replaced, not joined.
                    recovery.write_recovery(db_path, meeting_id, text, self._backup_on_disk)
                    self._backup_on_disk = text
            except OSError:
                self._conflict_backup = ""  # try again at the next tick
            finally:
                self._backing_up = False

        self.run_worker(job, thread=True, exit_on_error=False, group="minutes-backup")

    def _resolve_conflict(self, choice: str | None) -> None:
        """'mine': save my text over theirs; 'theirs': load theirs. Both stay in the database."""
        saver, mine = self.saver, self.editor.text
        choice = "theirs" if choice == "theirs" else "mine"
        self._render_state("Saving your choice…")

        def job() -> None:
            outcome, day = saver.resolve(choice, mine)
            self.post_message(DbDone(self._resolved, choice, outcome, day, mine))

        self.run_worker(
            job,
            thread=True,
            exit_on_error=False,
            group="minutes-save",
            description="saving the chosen minutes",
        )

    def _resolve_later(self, choice: str) -> None:
        self._render_state(WAITING)
        self.set_timer(RETRY_BUSY_EVERY, lambda: self._resolve_conflict(choice))

    def _resolve_failed(self, exc: Exception) -> None:
        # e.g. finalised meanwhile: the autosave keeps the text as a copy.
        self._close_conflict()
        self.notify(str(exc), severity="error", timeout=10, markup=False)
        self.refresh_data()

    def _resolved(self, choice: str, outcome: Any, day: Any, mine: str) -> None:
        if outcome.kind == "busy":
            self._resolve_later(choice)
            return
        if outcome.kind == "failed":
            self._resolve_failed(outcome.error)
            return
        if outcome.kind == "conflict":  # yet another save came first: ask again
            self._conflict = outcome.result
            self._render_state("Yet another copy saved first: choose again (ctrl+o or ctrl+t).")
            return
        self._close_conflict()
        self._discard_backup()
        if choice == "theirs":
            if self.editor.text != mine:  # typed after the choice: keep that too
                self._keep_copy(self.editor.text)
            self._load_text(day.text, cursor_at_end=True)  # where the typing was
            self._first_unsaved = None
            self.notify("Loaded the other copy's minutes; your version is kept in the database.")
        else:
            self.notify("Saved your version; the other copy's text is kept in the database too.")
            self._mark_saved()
        self.refresh_data()

    def _discard_backup(self) -> None:
        """The choice is made and every text is in the database: the backup can go."""
        from peergroup.services import recovery

        db_path, meeting_id = self.app.db.path, self.meeting_id
        self._conflict_backup = ""

        def job() -> None:
            with self._backup_lock:  # after a backup still being written, never before it
                # Only this session's part: an earlier session's text in front of it
                # may not be in the database yet (it goes once the user has seen it).
                recovery.discard_own(db_path, meeting_id, self._backup_on_disk)
                self._backup_on_disk = ""

        self.run_worker(
            job,
            thread=True,
            exit_on_error=False,
            group="minutes-backup",
        )

    def _keep_copy(self, text: str) -> None:
        from peergroup.services import minutes as minutes_svc

        meeting_id, base = self.meeting_id, self.saver.base_revision
        self.run_db(
            lambda session: minutes_svc.keep_copy(session, meeting_id, text, base), write=True
        )
