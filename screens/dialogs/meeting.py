"""The meeting screen's dialogs: attendance, decisions, action items, the scribe,
amendments, and the two views of text that could not become the minutes
(a save that lost a race, and the kept copies).

Every dialog takes the meeting's id and date; what it lists comes from a
service in its ``load`` (a worker) and what it records goes to a service in
its ``save`` (a worker, one write unit). The title names the meeting.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Select, Static

from ..base import DbWork
from ..safe import literal, one_line
from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

ATTENDANCE_CHOICES = [
    ("not recorded", ""),
    ("present", "present"),
    ("apologies", "apologies"),
    ("absent", "absent"),
]


def meeting_name(on: dt.date) -> str:
    """How a dialog's title names the meeting: "the meeting of Tue 8 Dec"."""
    return f"the meeting of {on:%a} {on.day} {on:%b}"


def _choices(people: list[Any]) -> list[tuple[str, int]]:
    return [(p.label, p.member_id) for p in people]


class _MeetingDialog(FormDialog[Any]):
    def __init__(self, meeting_id: int, on: dt.date) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.on = on


class AttendanceDialog(_MeetingDialog):
    BINDINGS = [Binding("f2", "attendance", "All present", priority=True)]

    def __init__(self, meeting_id: int, on: dt.date) -> None:
        super().__init__(meeting_id, on)
        self.title_text = f"Attendance at {meeting_name(on)}"

    def ready(self) -> None:
        self.query_one("#form-extra", Static).update(
            Text("F2: everyone not marked yet is present; then change the exceptions.", style="dim")
        )

    def action_attendance(self) -> None:
        """All present: every member not marked yet is marked present (the rest stay)."""
        for p in self.data or []:
            select = self.query_one(f"#field-m{p.member_id}", Select)
            if select.value in (Select.NULL, ""):
                select.value = "present"

    def load(self, session: Session) -> list[Any]:
        from peergroup.services import attendance as attendance_svc

        return attendance_svc.meeting_people(session, self.meeting_id, who="members")

    def fields(self) -> list[FormField]:
        return [
            FormField(f"m{p.member_id}", p.label[:17], p.status or "", "select", ATTENDANCE_CHOICES)
            for p in self.data
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import attendance as attendance_svc

        statuses = {p.member_id: values.get(f"m{p.member_id}") for p in self.data}
        return attendance_svc.record_attendance(session, self.meeting_id, statuses)

    def saved(self, changed: int) -> None:
        if changed:
            self.app.notify(f"Roles re-rotated around the apologies ({changed} change(s)).")


class DecisionDialog(_MeetingDialog):
    def __init__(self, meeting_id: int, on: dt.date) -> None:
        super().__init__(meeting_id, on)
        self.title_text = f"Record a decision of {meeting_name(on)}"

    def fields(self) -> list[FormField]:
        return [FormField("text", "Decision", "", "text")]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import decisions as decisions_svc

        return decisions_svc.add_decision(session, self.meeting_id, values["text"]).id


class ActionItemDialog(_MeetingDialog):
    def __init__(self, meeting_id: int, on: dt.date) -> None:
        super().__init__(meeting_id, on)
        self.title_text = f"New action item from {meeting_name(on)}"

    def load(self, session: Session) -> list[Any]:
        from peergroup.services import attendance as attendance_svc

        return attendance_svc.meeting_people(session, self.meeting_id, who="members")

    def fields(self) -> list[FormField]:
        return [
            FormField("text", "What", placeholder="what needs doing"),
            FormField("owner_id", "Who", None, "select", _choices(self.data), allow_blank=True),
            FormField("due", "Due", placeholder="YYYY-MM-DD (optional)"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import actions as actions_svc

        return actions_svc.add_action_item(
            session, self.meeting_id, values["text"], values["owner_id"], values["due"]
        ).id


class CloseItemDialog(_MeetingDialog):
    """Close one of the open items the meeting screen shows (``items``: its ActionRows)."""

    def __init__(self, meeting_id: int, on: dt.date, items: list[Any]) -> None:
        super().__init__(meeting_id, on)
        self.items = items
        self.title_text = f"Close an action item at {meeting_name(on)}"

    def fields(self) -> list[FormField]:
        options = [(f"{r.text[:40]} — {r.owner_name[:16]}", r.id) for r in self.items]
        return [
            FormField("item_id", "Item", options[0][1], "select", options),
            FormField(
                "status", "Outcome", "done", "select", [("done", "done"), ("dropped", "dropped")]
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import actions as actions_svc

        return actions_svc.close_action_item(
            session, values["item_id"], values["status"] or "done", at_meeting=self.meeting_id
        ).id


class ScribeDialog(_MeetingDialog):
    def __init__(self, meeting_id: int, on: dt.date) -> None:
        super().__init__(meeting_id, on)
        self.title_text = f"Who takes the minutes of {meeting_name(on)} from now on (recorded)"

    def load(self, session: Session) -> list[Any]:
        from peergroup.services import attendance as attendance_svc

        return attendance_svc.meeting_people(session, self.meeting_id, who="scribe")

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "member_id",
                "Scribe",
                None,
                "select",
                _choices(self.data),
                allow_blank=True,
                hint="" if self.data else "Mark who is present first (F2).",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.errors import InputError
        from peergroup.services import minutes as minutes_svc

        if not values["member_id"]:
            raise InputError("member_id", "pick who takes over.")
        minutes_svc.take_over_scribe(session, self.meeting_id, values["member_id"])
        return self.meeting_id


class AmendDialog(_MeetingDialog):
    def __init__(self, meeting_id: int, on: dt.date) -> None:
        super().__init__(meeting_id, on)
        self.title_text = (
            f"Amend the finalised minutes of {meeting_name(on)} (author and time kept)"
        )

    def load(self, session: Session) -> list[Any]:
        from peergroup.services import attendance as attendance_svc

        return attendance_svc.meeting_people(session, self.meeting_id, who="members")

    def fields(self) -> list[FormField]:
        return [
            FormField("author_id", "Author", None, "select", _choices(self.data), allow_blank=True),
            FormField("text", "Correction", "", "text"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import minutes as minutes_svc

        return minutes_svc.amend(session, self.meeting_id, values["author_id"], values["text"]).id


class KeptCopiesScreen(DbWork, ModalScreen[None]):
    """Texts that could not become the minutes (lost races, refused saves, recovered
    files), newest first. A recovery file shown here is removed afterwards: its
    text is kept in the database."""

    CSS_PATH = str(Path(__file__).with_name("meeting.tcss"))
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, meeting_id: int, *, recovery: bool = True) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.recovery = recovery  # look for a recovery file (not while it is a live backup)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="conflict"):
            yield Static(Text("Kept copies of these minutes (escape to close)", style="bold"))
            yield Static(Text("Loading…", style="dim"), id="kept-copies")

    def on_mount(self) -> None:
        from peergroup.services import recovery

        meeting_id, db_path = self.meeting_id, self.app.db.path
        has_file = self.recovery and recovery.has_recovery(db_path, meeting_id)

        def load(session: Session) -> tuple[list[Any], Path | None]:
            from peergroup.services import minutes as minutes_svc

            found = recovery.keep_recovered(session, db_path, meeting_id) if has_file else None
            return minutes_svc.kept_copies(session, meeting_id), found

        self.run_db(load, self._show, write=has_file)

    def _show(self, loaded: tuple[list[Any], Path | None]) -> None:
        copies, recovered = loaded
        text = Text()
        if recovered is not None:
            text.append_text(
                literal(
                    f"Recovered from {recovered} (text that could not be saved when the app "
                    "last stopped); it is kept below, and that file is now removed.\n\n",
                    "yellow",
                )
            )
            self._discard_recovery_file()
        if not copies:
            text.append("No kept copies: every save became the minutes.")
        for c in copies:
            text.append_text(
                one_line(
                    f"{c.created_at:%Y-%m-%d %H:%M} UTC, based on revision {c.based_on_revision}",
                    style="bold",
                )
            )
            text.append("\n")
            text.append_text(literal(c.text))
            text.append("\n\n")
        self.query_one("#kept-copies", Static).update(text)

    def _discard_recovery_file(self) -> None:
        from peergroup.services import recovery

        meeting_id, db_path = self.meeting_id, self.app.db.path
        self.run_worker(
            lambda: recovery.discard_recovery(db_path, meeting_id),
            thread=True,
            exit_on_error=False,
            group="recovery",
        )

    def action_close(self) -> None:
        self.dismiss(None)
