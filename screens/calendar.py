"""Step 4: logistics, six months of meetings, skips, moves, cancellations, .ics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog
from .widgets.form import FormDialog, FormField, confirm_overwrite
from .widgets.tables import restore_cursor, selected_id

FREQUENCIES = [
    ("weekly", "weekly"),
    ("every N weeks", "every-n-weeks"),
    ("monthly, nth weekday (e.g. 2nd Tuesday)", "monthly-nth-weekday"),
    ("monthly, on a day of the month", "monthly-day"),
    ("a custom list of dates", "custom"),
]
WEEKDAYS = [
    (d.capitalize(), d)
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
]
NTH = [("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("last", -1)]


class CalendarScreen(StepScreen):
    step_key = "logistics"
    CSS_PATH = "calendar.tcss"
    BINDINGS = [
        # Short names so every key fits an 80-column footer; F1 explains them.
        Binding("escape", "back", "Back", show=False),
        Binding("l", "logistics", "Setup"),
        Binding("g", "generate", "Plan"),
        Binding("x", "extend", "Extend"),
        Binding("v", "move", "Move"),
        Binding("c", "cancel_meeting", "Cancel"),
        Binding("t", "agenda", "Topic"),
        Binding("s", "skip", "Skip"),
        Binding("e", "expectations", "Norms"),
        Binding("o", "roles", "Roles"),
        Binding("i", "export", ".ics"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="schedule")
        with Horizontal(id="cal-body"):
            yield DataTable(id="meetings", cursor_type="row")
            with VerticalScroll(id="norms"):
                yield Static("", id="norms-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        t = self.query_one("#meetings", DataTable)
        t.add_column("Date", width=13, key="date")
        t.add_column("Time", width=5, key="time")
        t.add_column("", width=1, key="status")  # ✘ cancelled, ↷ moved
        t.add_column("Scribe", width=11, key="scribe")
        t.add_column("Topic", width=12, key="topic")
        super().on_mount()

    def refresh_data(self) -> None:
        from peergroup.calendar.recurrence import describe_schedule
        from peergroup.services import meetings as meetings_svc
        from peergroup.services import roles as roles_svc

        today = dt.date.today()
        with self.app.db.write() as session:
            group = self.group(session)
            schedule = meetings_svc.schedule_for(session, group)
            meetings = meetings_svc.list_meetings(session, group)
            held = roles_svc.holders_by_meeting(session, group)
            scribes = {m.id: held.get(m.id, {}).get("Scribe", (None, ""))[1] for m in meetings}
            skips = meetings_svc.skip_dates(session, group)
            norms = (group.expect_attendance, group.expect_communication, group.expect_agenda)
            place, link = group.place, group.video_link
        text = Text()
        legend = "  (✘ cancelled, ↷ moved; enter opens a meeting)"
        if schedule is None:
            text.append(
                "No schedule yet: press l to set how often, when and where you meet.",
                style="yellow",
            )
        else:
            text.append_text(literal(describe_schedule(schedule)))
            if place or link:
                text.append("\n")
                text.append_text(one_line(" · ".join(x for x in (place, link) if x), 76))
            if skips:
                text.append(
                    "\nSkipped: " + ", ".join(f"{s.on:%d %b %Y}" for s in skips[:6]), style="dim"
                )
        upcoming = [m for m in meetings if m.on >= today and m.status == "scheduled"]
        if schedule is not None:
            horizon = upcoming[-1].on if upcoming else None
            text.append("\n")
            text.append(
                f"{len(upcoming)} upcoming meeting(s)"
                + (
                    f", planned to {horizon:%d %b %Y}"
                    if horizon
                    else "; press g to generate six months"
                ),
                style="bold",
            )
            text.append(legend, style="dim")
        self.query_one("#schedule", Static).update(text)

        norm_text = Text()
        for label, body in zip(("Attendance", "Between meetings", "Agenda"), norms, strict=True):
            norm_text.append(label + "\n", style="bold")
            norm_text.append_text(literal(body or "(not written yet: press e)"))
            norm_text.append("\n\n")
        self.query_one("#norms-text", Static).update(norm_text)

        table = self.query_one("#meetings", DataTable)
        keep = table.cursor_row
        table.clear()
        first_upcoming = None
        for i, m in enumerate(meetings):
            if first_upcoming is None and m.on >= today:
                first_upcoming = i
            moved = m.series_date is not None and m.series_date != m.on
            status = "✘" if m.status == "cancelled" else ("↷" if moved else "")
            style = "strike dim" if m.status == "cancelled" else ("dim" if m.on < today else "")
            table.add_row(
                Text(f"{m.on:%a %d %b %y}", style=style),
                Text(f"{m.start_time:%H:%M}", style=style),
                Text(status, style="red" if m.status == "cancelled" else "yellow"),
                one_line(scribes.get(m.id, ""), 11),
                one_line(m.title, 12),
                key=str(m.id),
            )
        restore_cursor(table, keep, fallback=first_upcoming or 0)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_meeting(int(event.row_key.value))

    def _selected(self) -> int | None:
        return selected_id(self.query_one("#meetings", DataTable))

    def action_logistics(self) -> None:
        self.app.push_screen(LogisticsDialog(), self.after_dialog)

    def action_generate(self) -> None:
        self._preview(extend=False)

    def action_extend(self) -> None:
        self._preview(extend=True)

    def _preview(self, extend: bool) -> None:
        from peergroup.errors import InputError
        from peergroup.services import meetings as meetings_svc

        try:
            with self.app.db.write() as session:
                group = self.group(session)
                if extend:
                    dates = meetings_svc.extend_preview(session, group)
                else:
                    dates = meetings_svc.preview_meetings(session, group)
        except InputError as exc:
            self.notify(exc.message, severity="warning", markup=False)
            return
        if not dates:
            self.notify("No new dates: the next six months are already planned.", markup=False)
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self._save_generated(extend)

        self.app.push_screen(PreviewDialog(dates, extend), answered)

    def _save_generated(self, extend: bool) -> None:
        from peergroup.services import meetings as meetings_svc
        from peergroup.services import roles as roles_svc

        with self.app.db.write() as session:
            group = self.group(session)
            created = (
                meetings_svc.extend_meetings(session, group)
                if extend
                else meetings_svc.generate_meetings(session, group)
            )
            roles_svc.rotate(session, group)
        self.notify(
            f"Saved {len(created)} meeting(s); scribe and discussion lead rotated.", markup=False
        )
        self.refresh_data()

    def action_move(self) -> None:
        mid = self._selected()
        if mid is not None:
            self.app.push_screen(MoveDialog(mid), self.after_dialog)

    def action_cancel_meeting(self) -> None:
        from peergroup.models import Meeting
        from peergroup.services import meetings as meetings_svc

        mid = self._selected()
        if mid is None:
            return
        with self.app.db.write() as session:
            m = session.get(Meeting, mid)
            status, when = m.status, m.on
        if status == "cancelled":
            with self.app.db.write() as session:
                meetings_svc.restore_meeting(session, session.get(Meeting, mid))
            self.notify(f"Restored the meeting on {when:%d %b %Y}.")
            self.refresh_data()
            return

        def answered(ok: bool | None) -> None:
            if ok:
                with self.app.db.write() as session:
                    meetings_svc.cancel_meeting(session, session.get(Meeting, mid))
                self.notify(
                    f"Cancelled the meeting on {when:%d %b %Y}; calendars will drop it after the next export."
                )
                self.refresh_data()

        self.app.push_screen(
            ConfirmDialog(
                f"Cancel the meeting on {when:%A %d %B %Y}? Other meetings stay as they are.",
                "Cancel it",
                "Keep it",
            ),
            answered,
        )

    def action_agenda(self) -> None:
        mid = self._selected()
        if mid is not None:
            self.app.push_screen(AgendaDialog(mid), self.after_dialog)

    def action_skip(self) -> None:
        self.app.push_screen(SkipDialog(), self.after_dialog)

    def action_expectations(self) -> None:
        self.app.push_screen(ExpectationsDialog(), self.after_dialog)

    def action_roles(self) -> None:
        from .roles import RolesScreen

        self.app.push_screen(RolesScreen())

    def action_export(self) -> None:
        self.app.push_screen(ExportDialog())


class PreviewDialog(ModalScreen[bool]):
    CSS_PATH = "calendar.tcss"
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Save"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, dates: list[dt.date], extend: bool) -> None:
        super().__init__()
        self.dates = dates
        self.extend = extend

    def compose(self) -> ComposeResult:
        verb = "Add" if self.extend else "Save"
        text = Text()
        for d in self.dates:
            text.append(f"{d:%a %d %b %Y}\n")
        with VerticalScroll(id="preview"):
            yield Static(f"{verb} these {len(self.dates)} meeting dates?", classes="step-heading")
            yield Static(text)
            with Horizontal(id="preview-buttons"):
                yield Button(f"{verb} (y)", variant="primary", id="yes", compact=True)
                yield Button("Cancel (n)", id="no", compact=True)

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


class LogisticsDialog(FormDialog[int]):
    title_text = "How often, when and where the group meets"

    def fields(self) -> list[FormField]:
        from peergroup.calendar.recurrence import WEEKDAYS as NAMES
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
        return [
            FormField(
                "frequency",
                "Frequency",
                g.frequency or "monthly-nth-weekday",
                "select",
                FREQUENCIES,
            ),
            FormField(
                "interval", "Every N weeks", g.interval or 1, placeholder="for 'every N weeks'"
            ),
            FormField(
                "weekday",
                "Weekday",
                NAMES[g.weekday] if g.weekday is not None else "tuesday",
                "select",
                WEEKDAYS,
            ),
            FormField("nth", "Which one", g.nth if g.nth is not None else 2, "select", NTH),
            FormField(
                "month_day", "Day of month", g.month_day or "", placeholder="for 'monthly on a day'"
            ),
            FormField(
                "dates",
                "Custom dates",
                g.custom_dates.replace(",", " "),
                placeholder="YYYY-MM-DD YYYY-MM-DD ...",
            ),
            FormField(
                "start_time",
                "Start time",
                g.start_time.strftime("%H:%M") if g.start_time else "07:30",
                placeholder="HH:MM",
            ),
            FormField(
                "duration_minutes", "Minutes", g.duration_minutes or 60, placeholder="30 to 240"
            ),
            FormField(
                "first_meeting",
                "First meeting",
                g.first_meeting.isoformat() if g.first_meeting else "",
                placeholder="YYYY-MM-DD (today if empty)",
            ),
            FormField("place", "Place", g.place),
            FormField("video_link", "Video link", g.video_link),
            FormField("timezone", "Time zone", g.timezone, placeholder="e.g. America/New_York"),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import groups as groups_svc
        from peergroup.services import meetings as meetings_svc
        from peergroup.services import validate

        dates = [
            validate.parse_date("dates", d)
            for d in (values["dates"] or "").replace(",", " ").split()
        ]
        data = meetings_svc.LogisticsInput(
            frequency=values["frequency"] or "",
            start_time=values["start_time"],
            duration_minutes=values["duration_minutes"],
            interval=values["interval"],
            weekday=values["weekday"],
            nth=values["nth"],
            month_day=values["month_day"],
            dates=dates,
            place=values["place"],
            video_link=values["video_link"],
            timezone=validate.timezone("timezone", values["timezone"]),
            first_meeting=values["first_meeting"],
        )
        with self.app.db.write() as session:
            return meetings_svc.set_logistics(
                session, groups_svc.get_group(session, self.app.group_id), data
            ).id


class MoveDialog(FormDialog[int]):
    title_text = "Move this meeting (the others stay where they are)"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def fields(self) -> list[FormField]:
        from peergroup.models import Meeting

        with self.app.db.write() as session:
            m = session.get(Meeting, self.meeting_id)
        return [
            FormField("on", "New date", m.on.isoformat(), placeholder="YYYY-MM-DD"),
            FormField(
                "start_time", "Start time", m.start_time.strftime("%H:%M"), placeholder="HH:MM"
            ),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import Meeting
        from peergroup.services import meetings as meetings_svc

        with self.app.db.write() as session:
            return meetings_svc.move_meeting(
                session, session.get(Meeting, self.meeting_id), values["on"], values["start_time"]
            ).id


class AgendaDialog(FormDialog[int]):
    title_text = "This meeting's topic, agenda and reflection prompt"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def fields(self) -> list[FormField]:
        from peergroup import content
        from peergroup.models import Meeting

        with self.app.db.write() as session:
            m = session.get(Meeting, self.meeting_id)
        prompts = [(f"{p['theme']}: {p['text'][:52]}", p["key"]) for p in content.prompts()]
        return [
            FormField("title", "Topic", m.title, placeholder="what this meeting is about"),
            FormField("agenda_note", "Agenda", m.agenda_note, "text"),
            FormField(
                "prompt_key",
                "Reflect on",
                m.prompt_key or None,
                "select",
                prompts,
                allow_blank=True,
                hint="A prompt from the library for a few minutes of reflective writing.",
            ),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import Meeting
        from peergroup.services import meetings as meetings_svc

        with self.app.db.write() as session:
            m = session.get(Meeting, self.meeting_id)
            meetings_svc.set_agenda(
                session,
                m,
                title=values["title"],
                agenda_note=values["agenda_note"],
                prompt_key=values["prompt_key"] or "",
            )
            return m.id


class SkipDialog(FormDialog[int]):
    title_text = "A date the group will not meet (e.g. a holiday)"

    def fields(self) -> list[FormField]:
        return [
            FormField("on", "Date", placeholder="YYYY-MM-DD"),
            FormField("reason", "Reason", placeholder="optional"),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import groups as groups_svc
        from peergroup.services import meetings as meetings_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            return meetings_svc.add_skip_date(session, group, values["on"], values["reason"]).id


class ExpectationsDialog(FormDialog[int]):
    title_text = "What members can expect of each other"

    def fields(self) -> list[FormField]:
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
        return [
            FormField(
                "attendance",
                "Attendance",
                g.expect_attendance,
                "text",
                hint="e.g. come to at least 5 of 6 meetings; send apologies ahead",
            ),
            FormField(
                "communication",
                "Between meetings",
                g.expect_communication,
                "text",
                hint="e.g. reply within a week; use the group e-mail list",
            ),
            FormField(
                "agenda",
                "Agenda",
                g.expect_agenda,
                "text",
                hint="e.g. the discussion lead circulates the topic a week ahead",
            ),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import groups as groups_svc
        from peergroup.services import meetings as meetings_svc

        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
            return meetings_svc.set_expectations(
                session, g, values["attendance"], values["communication"], values["agenda"]
            ).id


class ExportDialog(FormDialog[str]):
    title_text = "Export the meeting calendar (.ics)"

    def fields(self) -> list[FormField]:
        from peergroup.services import groups as groups_svc
        from peergroup.services import membership as membership_svc

        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
            members = [
                (m.name, m.id)
                for m in membership_svc.list_members(session, g, ("active", "alumni"))
            ]
        safe = (
            "".join(ch if ch.isalnum() else "-" for ch in g.name.lower()).strip("-")[:40] or "group"
        )
        return [
            FormField("member_id", "For", 0, "select", [("the whole group", 0), *members]),
            FormField("path", "Save as", str(Path.home() / f"{safe}.ics")),
        ]

    def save(self, values: dict[str, Any]) -> str:
        from peergroup.errors import InputError
        from peergroup.services import calendar_export
        from peergroup.services import groups as groups_svc
        from peergroup.services import membership as membership_svc

        path = Path((values["path"] or "").strip()).expanduser()
        if not str(path) or path.is_dir():
            raise InputError("path", "give a file name ending in .ics.")
        confirm_overwrite(self, path)
        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
            member = (
                membership_svc.get_member(session, values["member_id"])
                if values["member_id"]
                else None
            )
            data, count = calendar_export.group_calendar(session, g, member=member)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise InputError("path", f"cannot write there ({exc.strerror}).") from None
        self.app.notify(f"Wrote {count} meeting(s) to {path}.", markup=False)
        return str(path)
