"""The meeting screen's continuous autosave and final flush, as a mixin of
``MeetingScreen`` (see the module docstring of ``screens.meeting``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.widgets import TextArea

from .base import DbDone
from .meeting_conflict import RETRY_BUSY_EVERY, waiting_text

SAVE_AFTER_PAUSE = 0.5  # seconds without a keystroke
SAVE_AT_LEAST_EVERY = 1.0  # seconds, while typing continues
RETRY_FAILED_EVERY = 5.0  # after a read-only database, a full disk or an unexpected error
FINAL_FLUSH_WAIT = 2.0  # leaving the screen waits at most this long for a locked database


def _short_problem(error: Exception | None) -> str:
    """One status line saying why the text is not saved yet (the notification has the rest)."""
    from peergroup.errors import DatabaseReadOnly, DiskFull

    if isinstance(error, DiskFull):
        why = "the disk is full"
    elif isinstance(error, DatabaseReadOnly):
        why = "the database is read-only"
    else:
        why = "saving failed"
    return f"Not saved: {why}. Your text stays here and goes in once it can be saved."


class MinutesAutosave:
    """Needs the meeting screen's editor, saver and state."""

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not self._loaded or self.finalised:
            return
        now = time.monotonic()
        self._last_keystroke = now
        if self._first_unsaved is None and not self.saver.is_safe(event.text_area.text):
            self._first_unsaved = now
            self._render_state()

    def _autosave_tick(self) -> None:
        if self._in_conflict:
            self._backup_while_in_conflict()
            return
        if not self._loaded or self.finalised or self._saving:
            return
        if self._leaving:  # the final flush has run
            return
        text = self.editor.text
        if self.saver.is_safe(text):
            if self._first_unsaved is not None:
                self._first_unsaved = None
                self._render_state()
            return
        now = time.monotonic()
        if self._first_unsaved is None:
            self._first_unsaved = now
        if self._retry_every is not None:
            due = now - self._last_attempt >= self._retry_every
        else:
            due = (
                now - self._last_keystroke >= SAVE_AFTER_PAUSE
                or now - self._first_unsaved >= SAVE_AT_LEAST_EVERY
                or bool(self._when_saved_callbacks)
            )
        if due:
            self._start_save(text)

    def _start_save(self, text: str) -> None:
        """Save ``text`` in a thread worker; one at a time (the saver's lock)."""
        self._saving = True
        self._last_attempt = time.monotonic()
        saver = self.saver

        def job() -> None:
            self.post_message(DbDone(self._save_finished, saver.save(text)))

        self.run_worker(
            job,
            thread=True,
            exit_on_error=False,
            group="minutes-save",
            description="saving the minutes",
        )

    def _save_finished(self, outcome: Any) -> None:
        from peergroup.errors import PeergroupError

        self._saving = False
        if outcome.kind in ("busy", "failed"):
            if outcome.kind == "busy":
                self._retry_every = RETRY_BUSY_EVERY
                self._problem = waiting_text(outcome.error)
            else:
                problem = _short_problem(outcome.error)
                if self._problem != problem:  # said once, not at every retry
                    if isinstance(outcome.error, PeergroupError):
                        self.notify(str(outcome.error), severity="error", timeout=10, markup=False)
                    else:
                        self.app.report_crash(outcome.error)
                self._retry_every, self._problem = RETRY_FAILED_EVERY, problem
            self._render_state()
            return
        if self._problem:
            self.notify("The database is free again; the minutes are saved.", timeout=3)
        self._retry_every, self._problem = None, ""
        if outcome.kind == "kept":
            self.notify(
                f"Not saved as the minutes: {outcome.error.message} "
                "Your text was kept as a separate copy.",
                severity="warning",
                timeout=12,
                markup=False,
            )
            self._first_unsaved = None
            self.refresh_data(reload_text=outcome.finalised)
            return
        if outcome.kind == "conflict":
            self._open_conflict(outcome.result)
            return
        self._mark_saved()

    def _mark_saved(self) -> None:
        """After a save: what is still unsaved dates from when that save began."""
        if self.saver.is_safe(self.editor.text):
            self._first_unsaved = None
            callbacks, self._when_saved_callbacks = self._when_saved_callbacks, []
            for callback in callbacks:
                callback()
        else:
            self._first_unsaved = self._last_attempt
        self._render_state()

    def _when_saved(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` once everything typed is saved (now, if it already is)."""
        if self._loaded and not self._saving and self.saver.is_safe(self.editor.text):
            callback()
            return
        self._when_saved_callbacks.append(callback)
        self._autosave_tick()  # save at once, without waiting for the pause

    # --- the final flush ----------------------------------------------------

    def flush(self) -> bool:
        """Save the editor's text now, on this thread. Idempotent.

        For leaving the screen, on_unmount, SIGTERM and SIGHUP, when there is no
        time for a worker. Waits for a running save, then at most
        ``FINAL_FLUSH_WAIT`` seconds in all for a locked database; after that the
        text goes to a recovery file. True when the text is safe (saved, kept, or
        in the recovery file); False while a conflict waits for the user's choice.
        """
        if not self._loaded or self.finalised:
            return True
        text = self.editor.text
        if self.saver.is_safe(text) and not self._in_conflict:
            return True
        outcome = self.saver.save_final(text, FINAL_FLUSH_WAIT, in_conflict=self._in_conflict)
        if outcome.kind == "recovered":
            self.notify(
                f"The database stayed locked, so the minutes were written to "
                f"{outcome.recovery_file}. They are offered the next time you open this meeting.",
                severity="warning",
                timeout=20,
                markup=False,
            )
            return True
        if outcome.kind == "failed":  # not even the recovery file could be written
            self.notify(
                f"The minutes could not be saved, nor written to a recovery file "
                f"({outcome.error}). Copy them out before leaving.",
                severity="error",
                timeout=20,
                markup=False,
            )
            return False
        if outcome.kind == "conflict":  # kept as a copy; the user chooses while the app runs
            if outcome.result is not None:
                self._open_conflict(outcome.result)
            return False
        self._retry_every, self._problem = None, ""
        self._mark_saved()
        return True

    def on_unmount(self) -> None:
        self._leaving = True
        self.flush()
