"""What the calendar screen (step 4) and its dialogs show, as plain values.

Each function takes ids, reads, and returns a frozen dataclass made for one
screen or dialog; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from .. import clock
from ..calendar import recurrence
from ..errors import InputError
from . import meetings, reflections, roles
from ._ids import id_of
from .groups import get_group
from .meetings import day_label
from .topics import topic_lines


@dataclass(frozen=True)
class CalendarRow:
    meeting_id: int
    on: dt.date
    start_time: dt.time
    status: str  # scheduled | cancelled
    mark: str  # "✘" cancelled, "↷" moved by hand, "" otherwise
    past: bool
    scribe: str  # from the meeting's scribe assignment
    topic: str  # the meeting's topic line (services.topics.topic_line)

    @property
    def label(self) -> str:
        """ "Tue 9 Mar 2027": how dialogs name this meeting."""
        return day_label(self.on)


@dataclass(frozen=True)
class CalendarView:
    group_name: str
    schedule: str | None  # the schedule in words; None until it is set
    where: str  # place and video link
    skipped: tuple[dt.date, ...]
    ends_on: dt.date | None  # a time-limited group's end date
    rows: tuple[CalendarRow, ...]
    upcoming: int  # scheduled meetings on or after today
    planned_to: dt.date | None  # the last upcoming meeting
    first_upcoming: int | None  # index in rows of the first meeting on or after today
    pending: str  # what planning (g) would change, e.g. "3 to add, 6 to cancel"; "" if nothing
    norms: tuple[tuple[str, str], ...]  # (heading, text) for attendance, communication, agenda


def calendar_view(session: Session, group_id: int, today: dt.date | None = None) -> CalendarView:
    today = today or clock.today()
    group = get_group(session, group_id)
    schedule = meetings.schedule_for(session, group)
    rows_db = meetings.list_meetings(session, group)
    held = roles.holders_by_meeting(session, group)
    lines = topic_lines(session, group_id)
    rows = []
    first_upcoming = None
    for i, m in enumerate(rows_db):
        if first_upcoming is None and m.on >= today:
            first_upcoming = i
        meeting_id = id_of(m)
        scribe = roles.held_by_key(held.get(meeting_id, {}), roles.SCRIBE)
        cancelled = m.status == "cancelled"
        moved = not cancelled and meetings.moved_by_hand(m, group)
        rows.append(
            CalendarRow(
                meeting_id=meeting_id,
                on=m.on,
                start_time=m.start_time,
                status=m.status,
                mark="✘" if cancelled else ("↷" if moved else ""),
                past=m.on < today,
                scribe=scribe.member_name if scribe else "",
                topic=lines.get(m.id or 0, ""),
            )
        )
    upcoming = [r for r in rows if not r.past and r.status == "scheduled"]
    return CalendarView(
        group_name=group.name,
        schedule=recurrence.describe_schedule(schedule) if schedule else None,
        where=" · ".join(x for x in (group.place, group.video_link) if x),
        skipped=tuple(s.on for s in meetings.skip_dates(session, group)),
        ends_on=meetings.ends_on(group),
        rows=tuple(rows),
        upcoming=len(upcoming),
        planned_to=upcoming[-1].on if upcoming else None,
        first_upcoming=first_upcoming,
        pending=_pending(session, group_id, today) if schedule and rows else "",
        norms=(
            ("Attendance", group.expect_attendance),
            ("Between meetings", group.expect_communication),
            ("Agenda", group.expect_agenda),
        ),
    )


def _pending(session: Session, group_id: int, today: dt.date) -> str:
    from .schedule_change import plan_schedule_change

    try:
        plan = plan_schedule_change(session, group_id, today)
    except InputError:
        return ""
    parts = []
    if plan.add:
        parts.append(f"{len(plan.add)} to add")
    if plan.cancel:
        parts.append(f"{len(plan.cancel)} to cancel")
    return ", ".join(parts)


# --- dialogs ----------------------------------------------------------------


@dataclass(frozen=True)
class LogisticsForm:
    """The schedule as the logistics form shows it (text the user can edit)."""

    frequency: str
    interval: int
    weekday: str  # "tuesday"
    nth: int
    month_day: str
    dates: str  # "2027-03-09 2027-04-13"
    start_time: str  # "07:30"
    duration_minutes: int
    first_meeting: str  # "" when not set
    place: str
    video_link: str
    timezone: str


def logistics_form(session: Session, group_id: int) -> LogisticsForm:
    g = get_group(session, group_id)
    dates = meetings.custom_dates(session, g) if g.frequency == "custom" else ()
    return LogisticsForm(
        frequency=g.frequency or "monthly-nth-weekday",
        interval=g.interval or 1,
        weekday=recurrence.WEEKDAYS[g.weekday] if g.weekday is not None else "tuesday",
        nth=g.nth if g.nth is not None else 2,
        month_day=str(g.month_day or ""),
        dates=" ".join(d.isoformat() for d in dates),
        start_time=g.start_time.strftime("%H:%M") if g.start_time else "07:30",
        duration_minutes=g.duration_minutes or 60,
        first_meeting=g.first_meeting.isoformat() if g.first_meeting else "",
        place=g.place,
        video_link=g.video_link,
        timezone=g.timezone,
    )


@dataclass(frozen=True)
class MeetingForm:
    """One meeting, for the move and topic dialogs."""

    meeting_id: int
    on: dt.date
    start_time: str  # "07:30"
    status: str
    title: str
    agenda_note: str
    prompt_key: str
    prompts: tuple[tuple[str, str], ...]  # (label, key): the library and the group's own


def meeting_form(session: Session, meeting_id: int) -> MeetingForm:
    m = meetings.get_meeting(session, meeting_id)
    return MeetingForm(
        meeting_id=id_of(m),
        on=m.on,
        start_time=m.start_time.strftime("%H:%M"),
        status=m.status,
        title=m.title,
        agenda_note=m.agenda_note,
        prompt_key=m.prompt_key,
        prompts=tuple(reflections.prompt_choices(session, m.group_id)),
    )


@dataclass(frozen=True)
class NormsForm:
    attendance: str
    communication: str
    agenda: str


def norms_form(session: Session, group_id: int) -> NormsForm:
    g = get_group(session, group_id)
    return NormsForm(g.expect_attendance, g.expect_communication, g.expect_agenda)
