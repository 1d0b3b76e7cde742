"""Writing one reflection: a text-entry screen that saves as you type.

The text saves half a second after typing pauses, and at least once a second
while it goes on (``JournalSaver``, which shares its core with the minutes'
saver). A journal with a passphrase saves encrypted, and so does the recovery
file written when the database stays locked at exit. Letters are typed into
the text, so the screen's actions are on keys that are not letters: F10
shares the reflection with the group (or takes it back), ctrl+s saves now,
escape goes back.

``JournalSession`` is what the app remembers while it runs: who is writing
(when someone switched from the copy's owner) and the journal keys unlocked
in this session. It is never written anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from .base import DbDone, DbWork
from .meeting_autosave import FINAL_FLUSH_WAIT, SAVE_AFTER_PAUSE, SAVE_AT_LEAST_EVERY  # one cadence
from .safe import literal

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.journal import ReflectionText
    from peergroup.services.journal_crypto import Unlocked

RETRY_EVERY = 1.0  # after a failed save (a locked database, a locked journal)
PLACEHOLDER = "Write here. It saves as you type; nobody else sees it unless you share it (F10)."


@dataclass
class JournalSession:
    """In memory only, for as long as the app runs."""

    group_id: int | None = None
    author_id: int | None = None  # writing as someone other than the owner (None: the owner)
    keys: dict[int, Unlocked] = field(default_factory=dict)  # member id -> unlocked key

    def key_for(self, member_id: int | None) -> Unlocked | None:
        return self.keys.get(member_id) if member_id is not None else None

    def lock_all(self) -> None:
        self.keys.clear()


def journal_session(app: Any) -> JournalSession:
    """The app's journal session for its current group (a new one after a switch)."""
    state = getattr(app, "_peergroup_journal", None)
    if state is None or state.group_id != app.group_id:
        state = JournalSession(group_id=app.group_id)
        app._peergroup_journal = state
    return state


class JournalEditor(TextArea):
    """TextArea without its own F-key shortcuts: F10 shares the reflection."""

    inherit_bindings = False
    BINDINGS = [b for b in TextArea.BINDINGS if getattr(b, "key", "") not in ("f6", "f7", "f10")]


class JournalScreen(DbWork, Screen):
    CSS_PATH = "journal.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "save_now", "Save", priority=True),
        Binding("f10", "toggle", "Share / unshare", priority=True),
    ]

    def __init__(self, entry: ReflectionText) -> None:
        super().__init__()
        self.entry = entry
        self.shared = entry.shared
        self.saver: Any = None
        self._first_unsaved: float | None = None
        self._last_keystroke = 0.0
        self._last_attempt = 0.0
        self._saving = False
        self._problem = ""
        self._leaving = False
        self._when_saved_callbacks: list[Callable[[], Any]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="journal-head")
        yield Static("", id="journal-prompt")
        yield JournalEditor(
            self.entry.text,
            id="journal-editor",
            soft_wrap=True,
            read_only=not self.entry.editable,
            placeholder=PLACEHOLDER,
        )
        yield Static("", id="journal-state")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        from peergroup.services.journal_saver import JournalSaver

        e = self.entry
        self.editor = self.query_one("#journal-editor", TextArea)
        self.state_line = self.query_one("#journal-state", Static)
        self.saver = JournalSaver(
            self.app.db,
            author_id=e.author_id,
            reflection_id=e.reflection_id,
            meeting_id=e.meeting_id,
            prompt_key=e.prompt_key,
            encrypted=e.passphrase and not e.shared,
            unlocked=journal_session(self.app).key_for(e.author_id),
        )
        self.saver.loaded(e.revision, e.text)
        self._render_head()
        self._render_state()
        if e.editable:
            self.editor.move_cursor(self.editor.document.end)
            self.set_interval(0.2, self._autosave_tick)
        self.editor.focus()

    # --- what the screen says --------------------------------------------------

    def _render_head(self) -> None:
        e = self.entry
        head = Text()
        head.append_text(literal(e.author, "bold"))
        if e.meeting_on:
            head.append(f" · meeting of {e.meeting_on:%a} {e.meeting_on.day} {e.meeting_on:%b %Y}")
        if self.shared:
            head.append(" · SHARED with the group", style="bold green")
        elif self.saver is not None and self.saver.encrypted:
            head.append(" · private, encrypted", style="bold")
        else:
            head.append(" · private", style="bold")
        self.query_one("#journal-head", Static).update(head)
        prompt = Text()
        if e.prompt:
            prompt.append("Prompt: ", style="bold")
            prompt.append_text(literal(e.prompt, "italic"))
        else:
            prompt.append("Free writing (no prompt).", style="dim")
        self.query_one("#journal-prompt", Static).update(prompt)

    def _render_state(self, message: str | None = None) -> None:
        if message is None:
            if not self.entry.editable:
                message = "Shared by its author: read only · esc back"
            elif self._problem:
                message = self._problem
            elif self._first_unsaved is not None:
                message = "Unsaved changes…"
            elif self.saver.reflection_id is None:
                message = "Nothing written yet · esc back"
            else:
                message = (
                    "Saved · F10 " + ("stop sharing" if self.shared else "share") + " · esc back"
                )
        self.state_line.update(Text(message, style="dim"))

    # --- autosave ------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not self.entry.editable:
            return
        now = time.monotonic()
        self._last_keystroke = now
        if self._first_unsaved is None and not self.saver.is_safe(event.text_area.text):
            self._first_unsaved = now
            self._render_state()

    def _autosave_tick(self) -> None:
        if self._saving or self._leaving or not self.entry.editable:
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
        if self._problem:
            due = now - self._last_attempt >= RETRY_EVERY
        else:
            due = (
                now - self._last_keystroke >= SAVE_AFTER_PAUSE
                or now - self._first_unsaved >= SAVE_AT_LEAST_EVERY
                or bool(self._when_saved_callbacks)
            )
        if due:
            self._start_save(text)

    def _start_save(self, text: str) -> None:
        self._saving = True
        self._last_attempt = time.monotonic()
        saver = self.saver

        def job() -> None:
            self.post_message(DbDone(self._save_finished, saver.save(text)))

        self.run_worker(
            job, thread=True, exit_on_error=False, group="journal-save", description="saving"
        )

    def _save_finished(self, outcome: Any) -> None:
        self._saving = False
        if outcome.kind in ("busy", "failed"):
            from .meeting_conflict import waiting_text

            problem = (
                waiting_text(outcome.error)
                if outcome.kind == "busy"
                else f"Not saved yet: {outcome.error}"
            )
            if outcome.kind == "failed" and problem != self._problem:
                self.notify(str(outcome.error), severity="error", timeout=10, markup=False)
            self._problem = problem
            self._render_state()
            return
        if self._problem:
            self.notify("Saved now.", timeout=3)
        self._problem = ""
        result = outcome.result
        if result is not None and result.conflict:
            self.notify(
                "This reflection was changed in another window meanwhile; your text was saved "
                "as a new reflection beside it, and you are writing in that one now.",
                severity="warning",
                timeout=12,
            )
            self.shared = False
            self._render_head()
        self._mark_saved()

    def _mark_saved(self) -> None:
        if self.saver.is_safe(self.editor.text):
            self._first_unsaved = None
            callbacks, self._when_saved_callbacks = self._when_saved_callbacks, []
            for callback in callbacks:
                callback()
        else:
            self._first_unsaved = self._last_attempt
        self._render_state()

    def _when_saved(self, callback: Callable[[], Any]) -> None:
        if not self._saving and self.saver.is_safe(self.editor.text):
            callback()
            return
        self._when_saved_callbacks.append(callback)
        self._autosave_tick()

    # --- the final flush -----------------------------------------------------------------

    def flush(self) -> bool:
        """Save the text now, on this thread (leaving, SIGTERM, SIGHUP). Idempotent.
        True when the text is safe: saved, or in the (encrypted, if need be) recovery file."""
        if not self.entry.editable or self.saver is None:
            return True
        text = self.editor.text
        if self.saver.is_safe(text):
            return True
        outcome = self.saver.save_final(text, FINAL_FLUSH_WAIT)
        if outcome.kind == "recovered":
            self.notify(
                "The database stayed locked, so this reflection was kept in "
                f"{outcome.recovery_file}"
                + (", encrypted" if self.saver.encrypted else "")
                + ". It comes back the next time you open your journal.",
                severity="warning",
                timeout=20,
                markup=False,
            )
            return True
        if outcome.kind == "failed":
            self.notify(
                f"This reflection could not be saved ({outcome.error}). Copy it out before "
                "leaving.",
                severity="error",
                timeout=20,
                markup=False,
            )
            return False
        self._problem = ""
        self._mark_saved()
        return True

    def on_unmount(self) -> None:
        self._leaving = True
        self.flush()

    # --- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.editor.call_later(self._back)

    def _back(self) -> None:
        if not self.flush():
            return
        if self.app.screen is self:
            self._leaving = True
            self.app.pop_screen()

    def action_save_now(self) -> None:
        if self.entry.editable:
            self.editor.call_later(lambda: self._when_saved(lambda: self._render_state("Saved.")))

    def action_toggle(self) -> None:
        """F10: share this reflection with the group, or make it private again."""
        if not self.entry.editable:
            self.notify("Only its author can share or un-share a reflection.")
            return
        if not self.editor.text.strip():
            self.notify("Write something first; an empty reflection cannot be shared.")
            return
        self.editor.call_later(lambda: self._when_saved(self._toggle_now))

    def _toggle_now(self) -> None:
        from peergroup.services import journal as journal_svc

        rid, author, share = self.saver.reflection_id, self.entry.author_id, not self.shared
        key = journal_session(self.app).key_for(author)
        if rid is None:
            return

        def toggle(session: Session) -> int:
            return journal_svc.set_shared(session, rid, author, share, key)

        self.run_db(toggle, lambda revision: self._toggled(share, revision), write=True)

    def _toggled(self, shared: bool, revision: int) -> None:
        self.shared = shared
        self.saver.encrypted = self.entry.passphrase and not shared
        self.saver.loaded(revision, self.editor.text)
        self._render_head()
        self._render_state()
        self.notify(
            "Shared with the group: it appears in this meeting's minutes export, marked as yours."
            if shared
            else "Private again: only you see it."
            + (" It is stored encrypted." if self.saver.encrypted else ""),
            timeout=6,
        )
