"""Meeting day: the scribe's screen. Agenda, attendance, live minutes, decisions
and action items. Its dialogs live in ``screens.dialogs.meeting``.

Minutes are saved continuously: half a second after typing pauses, and at
least once a second while typing goes on, so a crash, a closed terminal or a
kill loses at most about a second of text. Each save runs in a thread worker,
one at a time: a change made while a save runs waits for it, then the newest
text is saved. A save names the revision it was based on; if another copy of
the app saved in between, nothing is overwritten: a banner above the editor
says so and offers ctrl+o (keep mine) and ctrl+t (take theirs) while typing
goes on; what is typed meanwhile goes to a recovery file, so even a kill before
the choice loses nothing.
While another program holds the database's lock the text stays pending, the
status line says so, and the save is retried.

Leaving the screen (and SIGTERM/SIGHUP, through ``app._on_terminate_signal``)
flushes synchronously, but waits at most ``FINAL_FLUSH_WAIT`` seconds: if the
database stays locked, the text goes to a recovery file beside the database,
which is offered the next time this meeting is opened.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TextArea

from .base import DbWork
from .dialogs.meeting import (
    ActionItemDialog,
    AmendDialog,
    AttendanceDialog,
    CloseItemDialog,
    DecisionDialog,
    KeptCopiesScreen,
    ScribeDialog,
)
from .meeting_autosave import (
    MinutesAutosave,
)
from .meeting_conflict import ConflictBanner
from .safe import literal, one_line
from .widgets.confirm import ConfirmDialog
from .widgets.footer import NarrowFooter

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

__all__ = ["KeptCopiesScreen", "MeetingScreen", "MinutesEditor"]

ASK_WITHIN = 1.5  # seconds: a dialog asked for (F7, F9) opens only this soon after the key
PLACEHOLDER = "Type the minutes here. They save as you type."


class MinutesEditor(TextArea, inherit_bindings=False):
    """TextArea without its F6/F7 shortcuts (select line/all): those keys are the scribe's."""

    BINDINGS = [b for b in TextArea.BINDINGS if getattr(b, "key", "") not in ("f6", "f7")]


# Below 80 columns the footer keeps these (and esc, f1, ctrl+p); F1 lists the rest.
NARROW_KEEP = ("attendance", "decision", "action_item")


class MeetingScreen(MinutesAutosave, ConflictBanner, DbWork, Screen):
    CSS_PATH = "meeting.tcss"
    # F-keys are priority bindings: the minutes editor (a TextArea) has its own
    # F6/F7 shortcuts, and the scribe's keys must work while typing.
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "save_now", "Save", priority=True, show=False),
        Binding("f2", "attendance", "Attend", priority=True),
        Binding("f3", "decision", "Decide", priority=True),
        Binding("f4", "action_item", "Action", priority=True),
        Binding("f5", "close_item", "Done", priority=True),
        # F6 and F8 are named in the help, the palette and (F8, once finalised) the
        # status line: with them the footer would not fit 80 columns.
        Binding("f6", "scribe", "Scribe", priority=True, show=False),
        Binding("f7", "finalise", "Final", priority=True),
        Binding("f8", "amend", "Amend", priority=True, show=False),
        Binding("f9", "export", "Export", priority=True),
        # Named in the status line when there are kept copies, and in the palette.
        Binding("ctrl+r", "kept_copies", "Copies", priority=True, show=False),
        # Only while two copies' texts wait for a choice (check_action hides them
        # otherwise). Ctrl keys the editor does not use, so typing is never taken.
        Binding("ctrl+o", "keep_mine", "Keep mine", priority=True, show=False),
        Binding("ctrl+t", "take_theirs", "Take theirs", priority=True, show=False),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.day: Any = None  # services.minutes.MeetingDay, once loaded
        self.finalised = False
        # The revision the text is based on and what is stored, shared by the
        # save worker and the final flush (peergroup.services.minutes_saver).
        self.saver: Any = None
        self._loaded = False  # the editor holds the stored text; typing is on
        self._first_unsaved: float | None = None
        self._last_keystroke = 0.0
        self._saving = False  # a save worker is running
        self._last_attempt = 0.0
        self._retry_every: float | None = None  # set while saves fail (busy, read-only ...)
        self._problem = ""  # what the status line says while saves fail
        self._in_conflict = False  # the conflict banner waits for the user's choice
        self._conflict: Any = None  # the SaveResult that met the other copy's save
        self._conflict_backup = ""  # text last sent to the recovery file meanwhile
        self._backup_on_disk = ""  # ... and the text the file holds from this session
        self._backing_up = False  # a backup worker runs (one at a time, in order)
        self._backup_lock = threading.Lock()  # backups and the discard, one after another
        self._leaving = False  # flushed for the last time: no more saves or dialogs
        self._when_saved_callbacks: list[Callable[[], Any]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="meeting-head")
        yield Static("", id="conflict-banner")
        with Horizontal(id="meeting-body"):
            with VerticalScroll(id="agenda"):
                yield Static("", id="agenda-text")
            # Read-only until the stored text is in: nothing typed can be replaced by it.
            yield MinutesEditor(
                id="minutes-editor",
                soft_wrap=True,
                read_only=True,
                placeholder="Opening the minutes…",
            )
        yield Static("", id="save-state")
        # Compact and without the palette hint so all the scribe's keys fit 80 columns.
        yield NarrowFooter(NARROW_KEEP, compact=True)

    def on_mount(self) -> None:
        # Kept as attributes: on_unmount runs after the children are gone.
        from peergroup.services.minutes_saver import MinutesSaver

        self.editor = self.query_one("#minutes-editor", TextArea)
        self.state_line = self.query_one("#save-state", Static)
        self.saver = MinutesSaver(self.app.db, self.meeting_id)
        self.refresh_data(reload_text=True)
        self.set_interval(0.2, self._autosave_tick)
        self.editor.focus()

    # --- loading ------------------------------------------------------------

    def refresh_data(self, *, reload_text: bool = False) -> None:
        """Load the meeting (in a worker). The text is put in the editor on the
        first load and with ``reload_text`` only; otherwise typing is left alone."""
        from peergroup.services import minutes as minutes_svc
        from peergroup.services import recovery

        meeting_id, db_path, today = self.meeting_id, self.app.db.path, self.app.clock.today()
        recover = not self._loaded and recovery.has_recovery(db_path, meeting_id)

        def read_only(session: Session) -> tuple[Any, Any]:
            return minutes_svc.open_meeting(session, meeting_id, today=today), None

        def shown(loaded: tuple[Any, Any]) -> None:
            self._show(loaded, reload_text)
            if recover:
                self._keep_recovered()

        # Opening is a read: a busy or read-only database still opens the day at once.
        self.run_db(
            read_only,
            shown,
            failed=self._load_failed,
            group=f"meeting-load-{id(self)}",
            exclusive=True,
        )

    def _keep_recovered(self) -> None:
        """A recovery file left by an earlier exit becomes a kept copy, in its own
        write after the meeting is on screen (it may wait for the lock; typing goes on)."""
        from peergroup.services import recovery

        meeting_id, db_path = self.meeting_id, self.app.db.path

        def kept(path: Any) -> None:
            if path is None:
                return
            self.notify(
                f"Text typed here earlier could not be saved then and was kept in {path}. "
                "It is now a kept copy of these minutes: press ctrl+r to read it.",
                severity="warning",
                timeout=15,
                markup=False,
            )
            self.refresh_data()  # the count of kept copies

        def not_kept(exc: Exception) -> None:
            self.notify(
                f"Text typed here earlier is still in a recovery file; it will be offered "
                f"again next time ({exc}).",
                severity="warning",
                timeout=10,
                markup=False,
            )

        self.run_db(
            lambda session: recovery.keep_recovered(session, db_path, meeting_id),
            kept,
            write=True,
            failed=not_kept,
            group=f"meeting-recover-{id(self)}",
        )

    def _load_text(self, text: str, *, cursor_at_end: bool = False) -> None:
        """Put stored text in the editor (the cursor at its start, or its end)."""
        self.editor.load_text(text)
        if cursor_at_end:
            self.editor.move_cursor(self.editor.document.end)

    def _load_failed(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", timeout=10, markup=False)
        if not self._loaded and self.app.screen is self:
            self.app.pop_screen()  # nothing was typed: the editor never opened

    def _show(self, loaded: tuple[Any, Any], reload_text: bool) -> None:
        day, _recovered = loaded
        if day.finalised and not self.finalised and self._loaded:
            # Finalised by another copy: whatever is typed here and not yet saved
            # is kept beside the minutes, then the final text is shown.
            if not self.saver.is_safe(self.editor.text):
                self._keep_copy(self.editor.text)
                self.notify(
                    "These minutes were finalised on another computer; what you typed since "
                    "the last save is kept as a separate copy (ctrl+r).",
                    severity="warning",
                    timeout=12,
                )
            reload_text = True
        self.day = day
        self.finalised = day.finalised
        if reload_text or not self._loaded:
            self.saver.loaded(day.revision, day.text)
            self._load_text(day.text)
            self._first_unsaved = None
            self._loaded = True
            self.editor.placeholder = PLACEHOLDER
        self.editor.read_only = self.finalised
        self._render_head()
        self._render_agenda()
        self._render_state()

    def _render_head(self) -> None:
        d = self.day
        text = Text()
        text.append(f"Meeting {d.on:%a %d %b %Y} {d.start_time:%H:%M}", style="bold")
        text.append("  Scribe: ")
        text.append_text(literal(d.scribe_name or "nobody yet (F6)"))
        if self.finalised:
            text.append("  FINALISED", style="bold green")
            text.append(f" by {d.finalised_by}" if d.finalised_by else "")
        self.query_one("#meeting-head", Static).update(text)

    def _render_agenda(self) -> None:
        d = self.day
        t = Text()
        if d.amendments:  # first: after finalising, corrections matter most
            t.append("Amendments (F8)\n", style="bold underline")
            for a in d.amendments:
                t.append(f"{a.created_at:%Y-%m-%d %H:%M} ", style="dim")
                t.append_text(literal(a.author_name))
                t.append(": ")
                t.append_text(literal(a.text))
                t.append("\n")
            t.append("\n")
        t.append("Agenda\n", style="bold underline")
        t.append("Topic: ", style="bold")
        t.append_text(literal(d.topic_title or "(none set)"))
        t.append("\nLead: ", style="bold")
        t.append_text(literal(d.discussion_lead or "(none)"))
        t.append("\nScribe: ", style="bold")
        t.append_text(literal(d.scribe_name or "(nobody yet: F6)"))
        for guest in d.guests:  # outside experts who confirmed (step 7)
            t.append("\nGuest: ", style="bold")
            t.append_text(literal(guest))
        for h in d.handovers:  # "Ben Osei took over from Ada Lin at 10:15"
            t.append("\n  ")
            t.append_text(literal(h.sentence(), "italic"))
        if d.prompt_text:
            t.append("\nReflect: ", style="bold")
            t.append_text(literal(d.prompt_text))
        if d.agenda_note:
            t.append("\nNote: ", style="bold")
            t.append_text(literal(d.agenda_note))
        t.append("\n\nOpen items from before\n", style="bold underline")
        if not d.carried_forward:
            t.append("none\n", style="dim")
        for r in d.carried_forward:
            self._item_line(t, r)
        t.append("\nAttendance (F2)\n", style="bold underline")
        marks = {"present": "✔", "apologies": "~", "absent": "✘", None: "·"}
        for a in d.attendance:
            t.append(f"{marks[a.status]} ")
            t.append_text(one_line(a.name, 28))
            t.append("\n")
        t.append("\nDecisions (F3)\n", style="bold underline")
        for dec in d.decisions:
            t.append("• ")
            t.append_text(literal(dec.text))
            t.append("\n")
        t.append("\nAction items (F4)\n", style="bold underline")
        for r in d.action_items:
            self._item_line(t, r)
        self.query_one("#agenda-text", Static).update(t)

    @staticmethod
    def _item_line(t: Text, r: Any) -> None:
        t.append("☐ " if r.status == "open" else "☑ ", style="red" if r.overdue else "")
        t.append_text(literal(r.text))
        t.append(" — ", style="dim")
        t.append_text(literal(r.owner_name or "?"))
        if r.due:
            t.append(f", due {r.due:%d %b}", style="red" if r.overdue else "dim")
        if r.overdue:
            t.append(" OVERDUE", style="bold red")
        t.append("\n")

    def _render_state(self, message: str | None = None) -> None:
        if message is None:
            if not self._loaded:
                message = "Opening the minutes…"
            elif self.finalised:
                message = "Finalised: read-only. Corrections go in as amendments (F8). Esc: back."
            elif self._problem:
                message = self._problem
            elif self._first_unsaved is not None:
                message = "Unsaved changes…"
            else:
                message = f"Saved (revision {self.saver.base_revision}) · esc back · ctrl+p more"
            if self.day is not None and self.day.kept_conflicts and not self._problem:
                n = self.day.kept_conflicts
                message += f" · {n} kept cop{'y' if n == 1 else 'ies'} (ctrl+r)"
        self.state_line.update(Text(message, style="dim"))

    # --- actions ------------------------------------------------------------

    def action_back(self) -> None:
        # Let the editor take any keystrokes still queued for it first.
        self.editor.call_later(self._back)

    def _back(self) -> None:
        if self._in_conflict:
            self.notify(
                "Staying here: choose which text to keep first (ctrl+o mine, ctrl+t theirs).",
                severity="warning",
            )
            return
        if not self.flush():
            if not self._in_conflict:
                self.notify(
                    "Staying here: the minutes are not saved yet; try again in a moment.",
                    severity="warning",
                )
            return
        if self.app.screen is self:
            self._leaving = True
            self.app.pop_screen()

    def action_save_now(self) -> None:
        self.editor.call_later(
            lambda: self._when_saved(
                lambda: self._render_state(f"Saved (revision {self.saver.base_revision}).")
            )
        )

    def _after(self, result: Any) -> None:
        if result is not None:
            self.refresh_data()

    def _after_addition(self, result: Any) -> None:
        """After a new decision or action item, show the end of the list it joined."""
        if result is not None:
            self.refresh_data()
            self.call_after_refresh(self._scroll_agenda_end)

    def _scroll_agenda_end(self) -> None:
        self.query_one("#agenda", VerticalScroll).scroll_end(animate=False)

    def _editable(self) -> bool:
        if self.day is None:
            return False
        if self._in_conflict:
            self.notify(
                "First choose which text to keep (ctrl+o mine, ctrl+t theirs).", severity="warning"
            )
            return False
        if self.finalised:
            self.notify(
                "These minutes are finalised. Use F8 to add an amendment.", severity="warning"
            )
            return False
        return True

    def action_attendance(self) -> None:
        if self._editable():
            self.app.push_screen(AttendanceDialog(self.meeting_id, self.day.on), self._after)

    def action_decision(self) -> None:
        if self._editable():
            self.app.push_screen(DecisionDialog(self.meeting_id, self.day.on), self._after_addition)

    def action_action_item(self) -> None:
        if self._editable():
            self.app.push_screen(
                ActionItemDialog(self.meeting_id, self.day.on), self._after_addition
            )

    def action_close_item(self) -> None:
        if not self._editable():
            return
        items = [
            r for r in (*self.day.carried_forward, *self.day.action_items) if r.status == "open"
        ]
        if not items:
            self.notify("No open action items.")
            return
        self.app.push_screen(CloseItemDialog(self.meeting_id, self.day.on, items), self._after)

    def action_scribe(self) -> None:
        if self._editable():
            self.app.push_screen(ScribeDialog(self.meeting_id, self.day.on), self._after)

    def action_finalise(self) -> None:
        if not self._editable():
            return
        if self.day.scribe_id is None:
            self.notify(
                "Choose the scribe first (F6): finalised minutes record who took them.",
                severity="warning",
            )
            return
        self._ask_when_saved(self._ask_finalise, "F7", "finalise")

    def _ask_when_saved(self, open_question: Callable[[], Any], key: str, what: str) -> None:
        """Open a dialog once the minutes are saved, unless the scribe typed on meanwhile.

        A save that waits (a busy database) must not pop a dialog up later into
        the middle of the scribe's typing, where the next keys would answer it.
        """
        asked = time.monotonic()

        def when_saved() -> None:
            late = self._last_keystroke > asked or time.monotonic() - asked > ASK_WITHIN
            if late or self.app.screen is not self:
                self.notify(f"The minutes are saved. Press {key} again to {what}.", timeout=6)
                return
            open_question()

        self._when_saved(when_saved)

    def _ask_finalise(self) -> None:
        from peergroup.services import minutes as minutes_svc

        meeting_id = self.meeting_id

        def answered(ok: bool | None) -> None:
            if ok:
                # By the meeting's scribe, read in the same unit of work (one fact).
                self.run_db(
                    lambda session: minutes_svc.finalise(session, meeting_id),
                    lambda _done: self.refresh_data(),
                    write=True,
                )

        question = "Finalise the minutes? They become read-only; later corrections are added as amendments."
        if self.day.on > self.app.clock.today():
            question = (
                f"This meeting is on {self.day.on:%a %d %b %Y}, which has not happened yet. "
                "Finalise its minutes anyway? They become read-only."
            )
        self.app.push_screen(ConfirmDialog(question, "Finalise", "Not yet"), answered)

    def action_export(self) -> None:
        if self.day is None:
            return
        if self._in_conflict:
            self.notify("Save the minutes first (choose which text to keep).", severity="warning")
            return
        self._ask_when_saved(self._open_export, "F9", "export them")

    def _open_export(self) -> None:
        from .tracking import ExportMinutesDialog

        self.app.push_screen(ExportMinutesDialog(self.day.on, self.day.group_id))

    def action_amend(self) -> None:
        if self.day is None:
            return
        if not self.finalised:
            self.notify("The minutes are not finalised yet: edit them directly.")
            return
        self.app.push_screen(AmendDialog(self.meeting_id, self.day.on), self._after)

    def action_kept_copies(self) -> None:
        # Seeing them may turn a recovery file into a kept copy: refresh the count.
        # (Not while a conflict waits: the recovery file is then the live backup.)
        screen = KeptCopiesScreen(self.meeting_id, recovery=not self._in_conflict)
        self.app.push_screen(screen, lambda _: self.refresh_data())

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Kept copies of these minutes",
            "Texts kept when two copies saved at once or a save was refused",
            self.action_kept_copies,
        )
