"""The calendar's dialogs (step 4): schedule, plan preview, move, topic, skip,
norms and the .ics export.

Each reads what it shows in ``load`` and writes in ``save``, both in a worker
(``FormDialog``); each is given the ids it acts on and names them in its title.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from ..safe import literal
from ..widgets.export import ExportFileDialog, default_folder
from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.schedule_change import PlannedMeeting, ScheduleChange

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


class LogisticsDialog(FormDialog[str]):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"How often, when and where {group_name} meets"

    def load(self, session: Session) -> Any:
        from peergroup.services import calendar_views

        return calendar_views.logistics_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        g = self.data
        return [
            FormField("frequency", "Frequency", g.frequency, "select", FREQUENCIES),
            FormField("interval", "Every N weeks", g.interval, placeholder="for 'every N weeks'"),
            FormField("weekday", "Weekday", g.weekday, "select", WEEKDAYS),
            FormField("nth", "Which one", g.nth, "select", NTH),
            FormField(
                "month_day", "Day of month", g.month_day, placeholder="for 'monthly on a day'"
            ),
            FormField("dates", "Custom dates", g.dates, placeholder="YYYY-MM-DD YYYY-MM-DD ..."),
            FormField("start_time", "Start time", g.start_time, placeholder="HH:MM"),
            FormField("duration_minutes", "Minutes", g.duration_minutes, placeholder="30 to 240"),
            FormField(
                "first_meeting",
                "First meeting",
                g.first_meeting,
                placeholder="YYYY-MM-DD; empty: the first fitting day from today",
            ),
            FormField("place", "Place", g.place),
            FormField("video_link", "Video link", g.video_link),
            FormField("timezone", "Time zone", g.timezone, placeholder="e.g. America/New_York"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import meetings, validate

        dates = [
            validate.parse_date("dates", d)
            for d in (values["dates"] or "").replace(",", " ").split()
        ]
        data = meetings.LogisticsInput(
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
        return meetings.set_group_logistics(session, self.group_id, data)

    def saved(self, result: str) -> None:
        self.app.notify(
            f"Schedule saved: {result}. Press g to plan the meetings from it.", markup=False
        )


class SchedulePreviewDialog(FormDialog[str]):
    """What planning would change (cancel, add, keep); saving applies exactly that."""

    CSS_PATH = [FormDialog.CSS_PATH, str(Path(__file__).with_name("calendar.tcss"))]
    BINDINGS = [
        # No text entry here, so plain letters are safe to bind.
        Binding("y,enter", "save", "Apply"),
        Binding("n", "cancel", "Cancel", show=False),
    ]

    def __init__(self, group_id: int, group_name: str, *, extend: bool = False) -> None:
        super().__init__()
        self.group_id = group_id
        self.extend = extend
        self.title_text = (
            f"Extend the meetings of {group_name} by six months"
            if extend
            else f"Plan the meetings of {group_name} from the schedule"
        )

    def load(self, session: Session) -> ScheduleChange:
        from peergroup.services.schedule_change import plan_schedule_change

        return plan_schedule_change(session, self.group_id, extend=self.extend)

    def fields(self) -> list[FormField]:
        return []

    def ready(self) -> None:
        plan: ScheduleChange = self.data
        if not plan.changes and not plan.notes:
            self.app.notify(
                "Nothing to change: the meetings up to "
                f"{plan.until:%d %b %Y} already follow the schedule.",
                markup=False,
            )
            self.dismiss(None)
            return
        self.query_one("#form-extra", Static).update(describe_plan(plan))

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services.schedule_change import apply_schedule_change

        return apply_schedule_change(
            session, self.group_id, extend=self.extend, expected=self.data
        ).summary()

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


def describe_plan(plan: ScheduleChange) -> Text:
    """The preview: what is cancelled, added and kept, and what the horizon leaves out."""
    text = Text()
    if plan.add and not (plan.cancel or plan.keep):
        text.append(f"Save these {len(plan.add)} meeting dates?\n", style="bold")
        text.append_text(_by_month(plan.add))
    else:
        parts = [f"cancel {len(plan.cancel)}", f"add {len(plan.add)}", f"keep {len(plan.keep)}"]
        text.append(
            f"Changes up to {plan.until:%d %b %Y}: " + ", ".join(parts) + ".\n", style="bold"
        )
        if plan.cancel:
            text.append("To cancel (calendars show them as cancelled):\n", style="bold red")
            text.append_text(_by_month(plan.cancel))
            for c in plan.cancel:
                if c.reason:  # planning that goes with it; restoring brings it back
                    text.append(f"  {c.label}: ", style="yellow")
                    text.append_text(literal(f"{c.reason} (kept with the cancelled meeting)\n"))
        if plan.add:
            text.append("To add:\n", style="bold green")
            text.append_text(_by_month(plan.add))
        if plan.keep:
            text.append("To keep, though the schedule no longer gives them:\n", style="bold")
            for k in plan.keep:
                text.append(f"  {k.label} {k.start_time:%H:%M}: {k.reason}\n")
        if plan.unchanged:
            text.append(f"{plan.unchanged} other planned meeting(s) stay as they are.\n", "dim")
    for note in plan.notes:
        text.append(note + "\n", style="yellow")
    text.append("y or ctrl+s applies this; esc leaves everything as it is.", style="dim")
    return text


def _by_month(items: tuple[PlannedMeeting, ...]) -> Text:
    """One line per month ("  Mar 2027: Tue 9, 16, 23, 30"), so six months fit 80x24."""
    months: dict[str, list[PlannedMeeting]] = {}
    for p in items:
        months.setdefault(f"{p.on:%b %Y}", []).append(p)
    text = Text()
    for month, days in months.items():
        listed = ", ".join(str(p.on.day) for p in days)
        text.append(f"  {month}: {days[0].on:%a} {listed}\n")
    return text


class MoveDialog(FormDialog[object]):
    def __init__(self, meeting_id: int, label: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.title_text = f"Move the meeting of {label} (the others stay where they are)"

    def load(self, session: Session) -> Any:
        from peergroup.services import calendar_views

        return calendar_views.meeting_form(session, self.meeting_id)

    def fields(self) -> list[FormField]:
        return [
            FormField("on", "New date", self.data.on.isoformat(), placeholder="YYYY-MM-DD"),
            FormField("start_time", "Start time", self.data.start_time, placeholder="HH:MM"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> object:
        from peergroup.services import meetings

        return meetings.move(session, self.meeting_id, values["on"], values["start_time"])

    def saved(self, result: Any) -> None:
        self.app.notify(f"Moved to {result.on:%A %d %B %Y}; calendars update on the next export.")


class AgendaDialog(FormDialog[object]):
    def __init__(self, meeting_id: int, label: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.title_text = f"Topic, agenda and reflection prompt for the meeting of {label}"

    def load(self, session: Session) -> Any:
        from peergroup.services import calendar_views

        return calendar_views.meeting_form(session, self.meeting_id)

    def fields(self) -> list[FormField]:
        m = self.data
        return [
            FormField("title", "Topic", m.title, placeholder="what this meeting is about"),
            FormField("agenda_note", "Agenda", m.agenda_note, "text"),
            FormField(
                "prompt_key",
                "Reflect on",
                m.prompt_key or None,
                "select",
                list(m.prompts),
                allow_blank=True,
                hint="A prompt from the library for a few minutes of reflective writing.",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> object:
        from peergroup.services import meetings

        return meetings.set_meeting_agenda(
            session,
            self.meeting_id,
            title=values["title"],
            agenda_note=values["agenda_note"],
            prompt_key=values["prompt_key"] or "",
        )


class SkipDialog(FormDialog[str]):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"A date {group_name} will not meet (e.g. a holiday)"

    def fields(self) -> list[FormField]:
        return [
            FormField("on", "Date", placeholder="YYYY-MM-DD"),
            FormField("reason", "Reason", placeholder="optional"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import meetings

        return meetings.skip_day(session, self.group_id, values["on"], values["reason"])

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class NormsDialog(FormDialog[bool]):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"What members of {group_name} can expect of each other"

    def load(self, session: Session) -> Any:
        from peergroup.services import calendar_views

        return calendar_views.norms_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        n = self.data
        return [
            FormField(
                "attendance",
                "Attendance",
                n.attendance,
                "text",
                hint="e.g. come to at least 5 of 6 meetings; send apologies ahead",
            ),
            FormField(
                "communication",
                "Between meetings",
                n.communication,
                "text",
                hint="e.g. reply within a week; use the group e-mail list",
            ),
            FormField(
                "agenda",
                "Agenda",
                n.agenda,
                "text",
                hint="e.g. the discussion lead circulates the topic a week ahead",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> bool:
        from peergroup.services import meetings

        meetings.set_group_expectations(
            session, self.group_id, values["attendance"], values["communication"], values["agenda"]
        )
        return True


class IcsExportDialog(ExportFileDialog):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"Export the meeting calendar of {group_name} (.ics)"

    def load(self, session: Session) -> Any:
        from peergroup.services import calendar_export

        return calendar_export.export_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        options = [("the whole group", 0), *self.data.members]
        return [
            FormField("member_id", "For", 0, "select", options),
            FormField("path", "Save as", str(default_folder() / self.data.file_name)),
        ]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[bytes, str]:
        from peergroup.services import calendar_export

        data, count = calendar_export.calendar_for(
            session, self.group_id, values["member_id"] or None
        )
        summary = f"Wrote {count} meeting(s) to {{path}}."
        if not count:
            from peergroup.services import groups as groups_svc
            from peergroup.services import membership as membership_svc

            group = groups_svc.get_group(session, self.group_id)
            member_id = values["member_id"] or None
            member = membership_svc.get_member(session, member_id) if member_id else None
            if why := calendar_export.why_empty(session, group, member):
                summary += f" No meetings because {why}"
        return data, summary
