"""Meeting day: the scribe's screen. Agenda, attendance, live minutes, decisions
and action items.

Minutes are saved continuously: half a second after typing pauses, and at
least once a second while typing goes on, so a crash, a closed terminal or a
kill loses at most about a second of text. Saves carry the revision they were
based on; if another copy of the app saved in between, nothing is overwritten
(see ``ConflictDialog``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Static, TextArea

from .safe import literal, one_line
from .widgets.confirm import ConfirmDialog
from .widgets.form import FormDialog, FormField

SAVE_AFTER_PAUSE = 0.5  # seconds without a keystroke
SAVE_AT_LEAST_EVERY = 1.0  # seconds, while typing continues
ATTENDANCE = [
    ("not recorded", ""),
    ("present", "present"),
    ("apologies", "apologies"),
    ("absent", "absent"),
]


class MinutesEditor(TextArea):
    """TextArea without its F6/F7 shortcuts (select line/all): those keys are the scribe's."""

    inherit_bindings = False
    BINDINGS = [b for b in TextArea.BINDINGS if getattr(b, "key", "") not in ("f6", "f7")]


class MeetingScreen(Screen):
    CSS_PATH = "meeting.tcss"
    # F-keys are priority bindings: the minutes editor (a TextArea) has its own
    # F6/F7 shortcuts, and the scribe's keys must work while typing.
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),  # named in the status line
        Binding("ctrl+s", "save_now", "Save", priority=True, show=False),
        Binding("f2", "attendance", "Attend", priority=True),
        Binding("f3", "decision", "Decide", priority=True),
        Binding("f4", "action_item", "Action", priority=True),
        Binding("f5", "close_item", "Done", priority=True),
        Binding("f6", "scribe", "Scribe", priority=True),
        Binding("f7", "finalise", "Final", priority=True),
        Binding("f8", "amend", "Amend", priority=True),
        Binding("f9", "export", "Export", priority=True),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.revision = 0
        self.saved_text = ""
        self.finalised = False
        self._first_unsaved: float | None = None
        self._last_keystroke = 0.0
        self._loading = False
        self._in_conflict = False

    def compose(self) -> ComposeResult:
        yield Static("", id="meeting-head")
        with Horizontal(id="meeting-body"):
            with VerticalScroll(id="agenda"):
                yield Static("", id="agenda-text")
            yield MinutesEditor(
                id="minutes-editor",
                soft_wrap=True,
                placeholder="Type the minutes here. They save as you type.",
            )
        yield Static("", id="save-state")
        # Compact and without the palette hint so all the scribe's keys fit 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # Kept as an attribute: on_unmount runs after the children are gone.
        self.editor = self.query_one("#minutes-editor", TextArea)
        self.state_line = self.query_one("#save-state", Static)
        self.refresh_data()
        self.set_interval(0.2, self._autosave_tick)
        self.query_one("#minutes-editor", TextArea).focus()

    # --- loading ------------------------------------------------------------

    def refresh_data(self, *, reload_text: bool = True) -> None:
        from peergroup.services import minutes as minutes_svc

        with self.app.db.write() as session:
            day = minutes_svc.open_meeting(
                session, minutes_svc.get_meeting(session, self.meeting_id)
            )
        self.day = day
        self.finalised = day.finalised_at is not None
        editor = self.query_one("#minutes-editor", TextArea)
        if reload_text:
            self._loading = True
            editor.load_text(day.text)
            self._loading = False
            self.revision = day.revision
            self.saved_text = day.text
            self._first_unsaved = None
        editor.read_only = self.finalised
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
        t.append("\n")

    def _render_state(self, message: str | None = None) -> None:
        if message is None:
            if self.finalised:
                message = "Finalised: read-only. Corrections go in as amendments (F8). Esc: back."
            elif self._first_unsaved is not None:
                message = "Unsaved changes…"
            else:
                message = f"Saved (revision {self.revision}) · esc back · ctrl+p more"
            if getattr(self, "day", None) is not None and self.day.kept_conflicts:
                n = self.day.kept_conflicts
                message += f" · {n} kept cop{'y' if n == 1 else 'ies'}"
        self.state_line.update(Text(message, style="dim"))

    # --- autosave -----------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._loading or self.finalised:
            return
        now = time.monotonic()
        self._last_keystroke = now
        if self._first_unsaved is None and event.text_area.text != self.saved_text:
            self._first_unsaved = now
            self._render_state()

    def _autosave_tick(self) -> None:
        if self._first_unsaved is None or self._in_conflict:
            return
        now = time.monotonic()
        if (
            now - self._last_keystroke >= SAVE_AFTER_PAUSE
            or now - self._first_unsaved >= SAVE_AT_LEAST_EVERY
        ):
            self.flush()

    def flush(self) -> bool:
        """Save the editor's text now if it changed. Idempotent.

        True when nothing is left unsaved; False while a conflict waits for the
        user's choice or the database is busy (the text stays pending and the
        autosave tick tries again).
        """
        if self._in_conflict:
            return False
        if self.finalised:
            return True
        text = self.editor.text
        if text == self.saved_text:
            self._first_unsaved = None
            return True
        from sqlalchemy.exc import OperationalError

        from peergroup.errors import PeergroupError
        from peergroup.services import minutes as minutes_svc

        try:
            with self.app.db.write() as session:
                result = minutes_svc.save_minutes(session, self.meeting_id, text, self.revision)
        except OperationalError:
            self._render_state("The database is busy (another copy is saving); trying again…")
            return False
        except PeergroupError as exc:
            # Refused (finalised meanwhile by another copy, or too long): keep the
            # text beside the minutes so nothing typed is lost.
            with self.app.db.write() as session:
                minutes_svc.keep_copy(session, self.meeting_id, text, self.revision)
            self.saved_text = text
            self._first_unsaved = None
            message = getattr(exc, "message", str(exc))
            self.notify(
                f"Not saved as the minutes: {message} Your text was kept as a separate copy.",
                severity="warning",
                timeout=12,
                markup=False,
            )
            with self.app.db.write() as session:
                finalised_now = minutes_svc.open_meeting(
                    session, minutes_svc.get_meeting(session, self.meeting_id)
                ).finalised_at
            if finalised_now is not None:
                self.refresh_data(reload_text=True)
            return True
        if result.conflict:
            self._in_conflict = True
            self.app.push_screen(
                ConflictDialog(result.message, result.their_text or "", text),
                self._resolve_conflict,
            )
            return False
        self.revision = result.revision
        self.saved_text = text
        if self.editor.text == text:
            self._first_unsaved = None
        else:
            self._first_unsaved = time.monotonic()
        self._render_state()
        return True

    def _resolve_conflict(self, choice: str | None) -> None:
        """'mine': save my text over theirs; 'theirs': load theirs. Both stay in the database."""
        from peergroup.services import minutes as minutes_svc

        with self.app.db.write() as session:
            day = minutes_svc.open_meeting(
                session, minutes_svc.get_meeting(session, self.meeting_id)
            )
            if choice != "theirs":
                # About to overwrite the other copy's text: keep it first.
                minutes_svc.keep_copy(session, self.meeting_id, day.text, day.revision)
        self.revision = day.revision
        self.saved_text = day.text
        self._in_conflict = False
        if choice == "theirs":
            self.refresh_data(reload_text=True)
            self.notify("Loaded the other copy's minutes; your version is kept in the database.")
        else:
            self._first_unsaved = time.monotonic()
            self.flush()
            self.notify("Saved your version; the other copy's text is kept in the database too.")

    def on_unmount(self) -> None:
        self.flush()

    # --- actions ------------------------------------------------------------

    def action_back(self) -> None:
        # Let the editor take any keystrokes still queued for it first.
        self.editor.call_later(self._back)

    def _back(self) -> None:
        if not self.flush():
            reason = (
                "choose which text to keep first (m or t)"
                if self._in_conflict
                else "the minutes are not saved yet; try again in a moment"
            )
            self.notify(f"Staying here: {reason}.", severity="warning")
            return
        if self.app.screen is self:
            self.app.pop_screen()

    def action_save_now(self) -> None:
        self.editor.call_later(self._save_now)

    def _save_now(self) -> None:
        if self.flush():
            self._render_state(f"Saved (revision {self.revision}).")

    def _after(self, result: Any) -> None:
        if result is not None:
            self.flush()
            self.refresh_data(reload_text=False)

    def _after_addition(self, result: Any) -> None:
        """After a new decision or action item, show the end of the list it joined."""
        self._after(result)
        if result is not None:
            self.query_one("#agenda", VerticalScroll).scroll_end(animate=False)

    def _editable(self) -> bool:
        if self._in_conflict:
            self.notify("First choose which text to keep (m: mine, t: theirs).", severity="warning")
            return False
        if self.finalised:
            self.notify(
                "These minutes are finalised. Use F8 to add an amendment.", severity="warning"
            )
            return False
        return True

    def action_attendance(self) -> None:
        if self._editable():
            self.app.push_screen(
                AttendanceDialog(self.meeting_id, self.day.attendance), self._after
            )

    def action_decision(self) -> None:
        if self._editable():
            self.app.push_screen(DecisionDialog(self.meeting_id), self._after_addition)

    def action_action_item(self) -> None:
        if self._editable():
            self.app.push_screen(
                ActionItemDialog(self.meeting_id, self.day.attendance), self._after_addition
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
        self.app.push_screen(CloseItemDialog(self.meeting_id, items), self._after)

    def action_scribe(self) -> None:
        if self._editable():
            self.app.push_screen(ScribeDialog(self.meeting_id, self.day.attendance), self._after)

    def action_finalise(self) -> None:
        if not self._editable() or not self.flush():
            return
        if self.day.scribe_id is None:
            self.notify(
                "Choose the scribe first (F6): finalised minutes record who took them.",
                severity="warning",
            )
            return

        def answered(ok: bool | None) -> None:
            if ok:
                from peergroup.services import minutes as minutes_svc

                with self.app.db.write() as session:
                    minutes_svc.finalise(session, self.meeting_id, self.day.scribe_id)
                self.refresh_data(reload_text=False)

        self.app.push_screen(
            ConfirmDialog(
                "Finalise the minutes? They become read-only; later corrections are added as amendments.",
                "Finalise",
                "Not yet",
            ),
            answered,
        )

    def action_export(self) -> None:
        from .tracking import ExportMinutesDialog

        if self._in_conflict or not self.flush():
            self.notify("Save the minutes first (choose which text to keep).", severity="warning")
            return
        with self.app.db.write() as session:
            from peergroup.services import minutes as minutes_svc

            group_id = minutes_svc.get_meeting(session, self.meeting_id).group_id
        self.app.push_screen(ExportMinutesDialog(self.day.on, group_id))

    def action_amend(self) -> None:
        if not self.finalised:
            self.notify("The minutes are not finalised yet: edit them directly.")
            return
        self.app.push_screen(AmendDialog(self.meeting_id, self.day.attendance), self._after)


def _people(attendance: list, present_only: bool = False) -> list[tuple[str, int]]:
    return [(a.name, a.member_id) for a in attendance if not present_only or a.status == "present"]


class AttendanceDialog(FormDialog[int]):
    title_text = "Attendance"

    def __init__(self, meeting_id: int, attendance: list) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.rows = attendance

    def fields(self) -> list[FormField]:
        return [
            FormField(f"m{a.member_id}", a.name[:17], a.status or "", "select", ATTENDANCE)
            for a in self.rows
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import Member
        from peergroup.services import groups as groups_svc
        from peergroup.services import minutes as minutes_svc
        from peergroup.services import roles as roles_svc

        changed = 0
        with self.app.db.write() as session:
            meeting = minutes_svc.get_meeting(session, self.meeting_id)
            for a in self.rows:
                status = values[f"m{a.member_id}"]
                if status:  # "not recorded" leaves the row alone (e.g. apologies sent ahead)
                    minutes_svc.set_attendance(
                        session, meeting, session.get(Member, a.member_id), status
                    )
            if meeting.on >= dt.date.today():
                # Apologies sent ahead: whoever was due a rotating role steps aside.
                changed = roles_svc.rotate(session, groups_svc.get_group(session, meeting.group_id))
        if changed:
            self.app.notify(f"Roles re-rotated around the apologies ({changed} change(s)).")
        return self.meeting_id


class DecisionDialog(FormDialog[int]):
    title_text = "Record a decision"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def fields(self) -> list[FormField]:
        return [FormField("text", "Decision", "", "text")]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import minutes as minutes_svc

        with self.app.db.write() as session:
            return minutes_svc.add_decision(
                session, minutes_svc.get_meeting(session, self.meeting_id), values["text"]
            ).id


class ActionItemDialog(FormDialog[int]):
    title_text = "New action item"

    def __init__(self, meeting_id: int, attendance: list) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.people = _people(attendance)

    def fields(self) -> list[FormField]:
        return [
            FormField("text", "What", placeholder="what needs doing"),
            FormField("owner_id", "Who", None, "select", self.people, allow_blank=True),
            FormField("due", "Due", placeholder="YYYY-MM-DD (optional)"),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import minutes as minutes_svc

        with self.app.db.write() as session:
            meeting = minutes_svc.get_meeting(session, self.meeting_id)
            return minutes_svc.add_action_item(
                session, meeting, values["text"], values["owner_id"], values["due"]
            ).id


class CloseItemDialog(FormDialog[int]):
    title_text = "Close an action item"

    def __init__(self, meeting_id: int, items: list) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.items = items

    def fields(self) -> list[FormField]:
        options = [(f"{r.text[:40]} — {r.owner_name[:16]}", r.id) for r in self.items]
        return [
            FormField("item_id", "Item", options[0][1], "select", options),
            FormField(
                "status", "Outcome", "done", "select", [("done", "done"), ("dropped", "dropped")]
            ),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import ActionItem
        from peergroup.services import minutes as minutes_svc

        with self.app.db.write() as session:
            meeting = minutes_svc.get_meeting(session, self.meeting_id)
            item = session.get(ActionItem, values["item_id"])
            return minutes_svc.close_action_item(
                session, item, values["status"] or "done", at_meeting=meeting
            ).id


class ScribeDialog(FormDialog[int]):
    title_text = "Who takes the minutes from now on (the change is recorded)"

    def __init__(self, meeting_id: int, attendance: list) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        recorded = any(a.status for a in attendance)
        self.people = _people(attendance, present_only=recorded)

    def fields(self) -> list[FormField]:
        return [FormField("member_id", "Scribe", None, "select", self.people, allow_blank=True)]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.errors import InputError
        from peergroup.services import minutes as minutes_svc

        if not values["member_id"]:
            raise InputError("member_id", "pick who takes over.")
        with self.app.db.write() as session:
            minutes_svc.take_over_scribe(session, self.meeting_id, values["member_id"])
        return self.meeting_id


class AmendDialog(FormDialog[int]):
    title_text = "Amend finalised minutes (recorded with author and time)"

    def __init__(self, meeting_id: int, attendance: list) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.people = _people(attendance)

    def fields(self) -> list[FormField]:
        return [
            FormField("author_id", "Author", None, "select", self.people, allow_blank=True),
            FormField("text", "Correction", "", "text"),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.errors import InputError
        from peergroup.services import minutes as minutes_svc

        if not values["author_id"]:
            raise InputError("author_id", "pick who is making the correction.")
        with self.app.db.write() as session:
            return minutes_svc.amend(
                session, self.meeting_id, values["author_id"], values["text"]
            ).id


class ConflictDialog(ModalScreen[str]):
    """Another copy saved first. Both texts are already kept; choose what to continue with."""

    CSS_PATH = "meeting.tcss"
    BINDINGS = [
        Binding("m", "choose('mine')", "Keep mine"),
        Binding("t", "choose('theirs')", "Take theirs"),
    ]

    def __init__(self, message: str, theirs: str, mine: str) -> None:
        super().__init__()
        self.message = message
        self.theirs = theirs
        self.mine = mine

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="conflict"):
            yield Static(Text("Saved by two copies at once", style="bold red"))
            yield Static(literal(self.message))
            yield Static(Text("\nTheir text (now in the database):", style="bold"))
            yield Static(literal(self.theirs[-600:]))
            yield Static(Text("\nYour text (kept as a copy):", style="bold"))
            yield Static(literal(self.mine[-600:]))
            with Horizontal(id="conflict-buttons"):
                yield Button("Keep mine (m)", id="mine", variant="warning", compact=True)
                yield Button("Take theirs (t)", id="theirs", compact=True)

    def action_choose(self, which: str) -> None:
        self.dismiss(which)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)


class KeptCopiesScreen(ModalScreen[None]):
    """Texts that could not become the minutes (lost races, refused saves), newest first."""

    CSS_PATH = "meeting.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        from peergroup.services import minutes as minutes_svc

        with self.app.db.write() as session:
            copies = list(reversed(minutes_svc.conflicts(session, self.meeting_id)))
        text = Text()
        if not copies:
            text.append("No kept copies: every save became the minutes.")
        for c in copies:
            text.append(
                f"{c.created_at:%Y-%m-%d %H:%M} UTC, based on revision {c.based_on_revision}\n",
                style="bold",
            )
            text.append_text(literal(c.text))
            text.append("\n\n")
        with VerticalScroll(id="conflict"):
            yield Static(Text("Kept copies of these minutes (escape to close)", style="bold"))
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


def default_meeting_id(app: Any, today: dt.date | None = None) -> int | None:
    """Today's meeting, else the next one, else the most recent."""
    from peergroup.services import groups as groups_svc
    from peergroup.services import meetings as meetings_svc

    today = today or dt.date.today()
    with app.db.write() as session:
        group = groups_svc.get_group(session, app.group_id)
        upcoming = meetings_svc.next_meeting(session, group, today)
        if upcoming is not None:
            return upcoming.id
        past = meetings_svc.list_meetings(session, group, end=today, include_cancelled=False)
        return past[-1].id if past else None
