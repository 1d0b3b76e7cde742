"""Step 4: logistics, generated meeting dates, skips, moves and cancellations.

Meetings are generated ahead from the group's schedule (six months by
default). Each generated meeting remembers the ``series_date`` the schedule
gave it, so extending or regenerating never duplicates a meeting, and a
moved meeting is not put back on its old date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from .. import clock
from ..calendar import recurrence
from ..errors import InputError
from ..models import CustomDate, Group, Meeting, SkipDate, utcnow
from ..steps import StepStatus
from . import validate

HORIZON_MONTHS = 6
DURATION_MIN, DURATION_MAX = 30, 240


@dataclass
class LogisticsInput:
    frequency: str
    start_time: str | dt.time
    duration_minutes: int | str = 60
    interval: int | str | None = 1
    weekday: str | int | None = None
    nth: int | str | None = None
    month_day: int | str | None = None
    dates: list[dt.date] = field(default_factory=list)
    place: str = ""
    video_link: str = ""
    timezone: str | None = None
    first_meeting: str | dt.date | None = None


def _weekday(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        if not 0 <= value <= 6:
            raise InputError("weekday", "must be a day name such as 'tuesday'.")
        return value
    return recurrence.parse_weekday(value)


def set_logistics(
    session: Session, group: Group, data: LogisticsInput, *, today: dt.date | None = None
) -> Group:
    """Validate the whole schedule, then store it on the group."""
    frequency = validate.choice("frequency", data.frequency, recurrence.FREQUENCIES)
    start = (
        data.start_time
        if isinstance(data.start_time, dt.time)
        else recurrence.parse_time(data.start_time or "")
    )
    duration = validate.int_in_range(
        "duration_minutes", data.duration_minutes, DURATION_MIN, DURATION_MAX, required=True
    )
    interval = validate.int_in_range("interval", data.interval, 1, 12) or 1
    weekday = _weekday(data.weekday)
    nth = validate.int_in_range("nth", data.nth, -1, 4)
    if nth == 0:
        raise InputError("nth", "must be 1 to 4, or -1 for the last one in the month.")
    month_day = validate.int_in_range("month_day", data.month_day, 1, 31)
    tz = (data.timezone or "").strip() or group.timezone or recurrence.machine_timezone()
    first = validate.parse_date("first_meeting", data.first_meeting)
    dates = tuple(sorted(set(data.dates)))
    if first is None:
        first = dates[0] if dates else clock.today()
    schedule = recurrence.Schedule(
        frequency=frequency,
        start_time=start,
        duration_minutes=duration,
        timezone=tz,
        first_date=first,
        interval=interval,
        weekday=weekday,
        nth=nth,
        month_day=month_day,
        custom_dates=dates,
    )
    recurrence.validate_schedule(schedule)
    place = validate.optional_line("place", data.place)
    link = validate.optional_line("video_link", data.video_link)
    _carry_changes_to_future_meetings(
        session, group, start, duration, place, link, today or clock.today()
    )
    group.frequency = frequency
    group.start_time = start
    group.duration_minutes = duration
    group.interval = interval
    group.weekday = weekday
    group.nth = nth
    group.month_day = month_day
    group.timezone = tz
    group.first_meeting = first
    _store_custom_dates(session, group, dates if frequency == "custom" else ())
    group.place = place
    group.video_link = link
    session.add(group)
    session.flush()
    return group


def _carry_changes_to_future_meetings(
    session: Session,
    group: Group,
    start: dt.time,
    duration: int,
    place: str,
    link: str,
    today: dt.date,
) -> None:
    """A new start time or length applies to future meetings still at the old one
    (meetings moved by hand keep theirs); a new place or link changes every future
    event. Either way the events' SEQUENCE rises so calendars take the update."""
    if group.id is None or group.start_time is None:
        return
    retime = (start, duration) != (group.start_time, group.duration_minutes)
    relocate = (place, link) != (group.place, group.video_link)
    if not (retime or relocate):
        return
    for m in list_meetings(session, group, start=today):
        changed = relocate and not m.place
        if (
            retime
            and m.start_time == group.start_time
            and m.duration_minutes == group.duration_minutes
        ):
            m.start_time, m.duration_minutes = start, duration
            changed = True
        if changed:
            touch_meeting(m)
            session.add(m)


def custom_dates(session: Session, group: Group) -> tuple[dt.date, ...]:
    """The dates of a group that meets on a custom list, in order."""
    return tuple(
        session.exec(
            select(CustomDate.on).where(CustomDate.group_id == group.id).order_by(CustomDate.on)
        )
    )


def _store_custom_dates(session: Session, group: Group, dates: tuple[dt.date, ...]) -> None:
    have = {
        row.on: row
        for row in session.exec(select(CustomDate).where(CustomDate.group_id == group.id))
    }
    for day, row in have.items():
        if day not in dates:
            session.delete(row)
    for day in dates:
        if day not in have:
            session.add(CustomDate(group_id=group.id, on=day))


def schedule_for(session: Session, group: Group) -> recurrence.Schedule | None:
    if group.frequency is None or group.start_time is None or group.first_meeting is None:
        return None
    dates = custom_dates(session, group) if group.frequency == "custom" else ()
    return recurrence.Schedule(
        frequency=group.frequency,
        start_time=group.start_time,
        duration_minutes=group.duration_minutes,
        timezone=group.timezone,
        first_date=group.first_meeting,
        interval=group.interval,
        weekday=group.weekday,
        nth=group.nth,
        month_day=group.month_day,
        custom_dates=dates,
    )


# --- skip dates -------------------------------------------------------------


def skip_dates(session: Session, group: Group) -> list[SkipDate]:
    return list(
        session.exec(select(SkipDate).where(SkipDate.group_id == group.id).order_by(SkipDate.on))
    )


def add_skip_date(
    session: Session, group: Group, on: str | dt.date | None, reason: str = ""
) -> SkipDate:
    """Keep ``on`` free of meetings. A meeting already generated for that date is cancelled."""
    day = validate.parse_date("skip date", on, required=True)
    existing = session.exec(
        select(SkipDate).where(SkipDate.group_id == group.id, SkipDate.on == day)
    ).first()
    if existing:
        return existing
    row = SkipDate(group_id=group.id, on=day, reason=validate.optional_line("reason", reason))
    session.add(row)
    for m in session.exec(
        select(Meeting).where(
            Meeting.group_id == group.id, Meeting.series_date == day, Meeting.on == day
        )
    ):
        if m.status == "scheduled":
            cancel_meeting(session, m)
    session.flush()
    return row


def remove_skip_date(session: Session, group: Group, on: dt.date) -> None:
    for row in session.exec(
        select(SkipDate).where(SkipDate.group_id == group.id, SkipDate.on == on)
    ):
        session.delete(row)
    session.flush()


# --- generating -------------------------------------------------------------


def list_meetings(
    session: Session,
    group: Group,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_cancelled: bool = True,
) -> list[Meeting]:
    stmt = select(Meeting).where(Meeting.group_id == group.id)
    if start:
        stmt = stmt.where(Meeting.on >= start)
    if end:
        stmt = stmt.where(Meeting.on <= end)
    if not include_cancelled:
        stmt = stmt.where(Meeting.status == "scheduled")
    return list(session.exec(stmt.order_by(Meeting.on, Meeting.start_time, Meeting.id)))


def _existing_series_dates(session: Session, group: Group) -> set[dt.date]:
    return {
        d
        for d in session.exec(select(Meeting.series_date).where(Meeting.group_id == group.id))
        if d is not None
    }


def preview_meetings(
    session: Session,
    group: Group,
    *,
    months: int = HORIZON_MONTHS,
    today: dt.date | None = None,
    start: dt.date | None = None,
) -> list[dt.date]:
    """Dates that ``generate_meetings`` would add, without saving anything."""
    schedule = schedule_for(session, group)
    if schedule is None:
        raise InputError(
            "frequency", "set how often and when the group meets before generating meetings."
        )
    months = validate.int_in_range("months", months, 1, 120, required=True)
    today = today or clock.today()
    begin = start or today
    end = recurrence.horizon_end(begin, months)
    skips = [s.on for s in skip_dates(session, group)]
    have = _existing_series_dates(session, group)
    return [
        d for d in recurrence.generate_meeting_dates(schedule, begin, end, skips) if d not in have
    ]


def generate_meetings(
    session: Session,
    group: Group,
    *,
    months: int = HORIZON_MONTHS,
    today: dt.date | None = None,
    start: dt.date | None = None,
) -> list[Meeting]:
    schedule = schedule_for(session, group)
    dates = preview_meetings(session, group, months=months, today=today, start=start)
    created = []
    for d in dates:
        m = Meeting(
            group_id=group.id,
            uid=meeting_uid(group, d),
            series_date=d,
            on=d,
            start_time=schedule.start_time,
            duration_minutes=schedule.duration_minutes,
        )
        session.add(m)
        created.append(m)
    session.flush()
    return created


def meeting_uid(group: Group, series_date: dt.date) -> str:
    """Stable calendar UID: the group's identity plus the date the schedule gave."""
    return f"{series_date:%Y%m%d}-{group.uuid[:16]}@peergroup"


def extend_preview(
    session: Session, group: Group, *, months: int = HORIZON_MONTHS
) -> list[dt.date]:
    start = _extend_start(session, group)
    return preview_meetings(session, group, months=months, start=start)


def extend_meetings(
    session: Session, group: Group, *, months: int = HORIZON_MONTHS
) -> list[Meeting]:
    """Add the ``months`` after the last meeting already planned."""
    return generate_meetings(session, group, months=months, start=_extend_start(session, group))


def _extend_start(session: Session, group: Group) -> dt.date:
    have = _existing_series_dates(session, group)
    if not have:
        return max(clock.today(), group.first_meeting or clock.today())
    return max(have) + dt.timedelta(days=1)


# --- changing one meeting ---------------------------------------------------


def touch_meeting(meeting: Meeting) -> None:
    """Record that what a calendar shows for ``meeting`` changed (raises .ics SEQUENCE)."""
    meeting.sequence += 1
    meeting.updated_at = utcnow()


def move_meeting(
    session: Session, meeting: Meeting, on: str | dt.date, start_time: str | dt.time | None = None
) -> Meeting:
    day = validate.parse_date("date", on, required=True)
    if start_time not in (None, ""):
        start = start_time if isinstance(start_time, dt.time) else recurrence.parse_time(start_time)
    else:
        start = meeting.start_time
    if day == meeting.on and start == meeting.start_time:
        return meeting
    meeting.on = day
    meeting.start_time = start
    touch_meeting(meeting)
    session.add(meeting)
    session.flush()
    return meeting


def cancel_meeting(session: Session, meeting: Meeting) -> Meeting:
    if meeting.status != "cancelled":
        meeting.status = "cancelled"
        touch_meeting(meeting)
        session.add(meeting)
        session.flush()
    return meeting


def restore_meeting(session: Session, meeting: Meeting) -> Meeting:
    if meeting.status == "cancelled":
        meeting.status = "scheduled"
        touch_meeting(meeting)
        session.add(meeting)
        session.flush()
    return meeting


def set_agenda(
    session: Session, meeting: Meeting, *, title: str, agenda_note: str = "", prompt_key: str = ""
) -> Meeting:
    """The meeting's own topic line, agenda note and reflection prompt (ad hoc agendas)."""
    from .. import content

    title = validate.optional_line("title", title, validate.LINE_MAX)
    note = validate.text("agenda_note", agenda_note, 5_000)
    key = (prompt_key or "").strip()
    if key and key not in {p["key"] for p in content.prompts()}:
        raise InputError(
            "prompt_key", "is not one of the bundled reflection prompts; pick one from the list."
        )
    if (title, note, key) != (meeting.title, meeting.agenda_note, meeting.prompt_key):
        meeting.title, meeting.agenda_note, meeting.prompt_key = title, note, key
        touch_meeting(meeting)  # the calendar event's text changes
        session.add(meeting)
        session.flush()
    return meeting


def next_meeting(session: Session, group: Group, today: dt.date | None = None) -> Meeting | None:
    today = today or clock.today()
    stmt = (
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.on >= today, Meeting.status == "scheduled")
        .order_by(Meeting.on, Meeting.start_time)
    )
    return session.exec(stmt).first()


def set_expectations(
    session: Session, group: Group, attendance: str, communication: str, agenda: str
) -> Group:
    group.expect_attendance = validate.text("attendance", attendance, 5_000)
    group.expect_communication = validate.text("communication", communication, 5_000)
    group.expect_agenda = validate.text("agenda", agenda, 5_000)
    session.add(group)
    session.flush()
    return group


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("logistics")
    last = session.exec(
        select(func.max(Meeting.on)).where(
            Meeting.group_id == group.id, Meeting.status == "scheduled"
        )
    ).one()
    if group.frequency is None:
        step.missing.append("Set how often, when and where the group meets.")
    if last is None or last < today + relativedelta(months=5):
        step.missing.append("Set meeting dates six months ahead.")
    if not (group.expect_attendance or group.expect_communication or group.expect_agenda):
        step.missing.append("Write down what members can expect of each other.")
    return step.finish(group.frequency is not None or last is not None)


@dataclass(frozen=True)
class MeetingRef:
    id: int
    on: dt.date
    status: str


def meeting_to_open(
    session: Session,
    group_id: int,
    meeting_id: int | None = None,
    *,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> MeetingRef | str:
    """The meeting whose minutes to take, or a sentence saying why there is none.

    By default today's meeting, else the next one, else the most recent.
    """
    today = today or clock.today()
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
    elif on is not None:
        meeting = session.exec(
            select(Meeting)
            .where(Meeting.group_id == group_id, Meeting.on == on)
            .order_by(Meeting.status.desc(), Meeting.start_time)  # scheduled before cancelled
        ).first()
        if meeting is None:
            return f"No meeting on {on:%a %d %b %Y}; showing the roadmap."
    else:
        group = session.get(Group, group_id)
        meeting = next_meeting(session, group, today)
        if meeting is None:
            past = list_meetings(session, group, end=today, include_cancelled=False)
            meeting = past[-1] if past else None
        if meeting is None:
            return (
                "No meetings yet: set the schedule and generate meetings on the calendar (step 4)."
            )
    if meeting is None or meeting.group_id != group_id:
        return "That meeting no longer exists."
    if meeting.status == "cancelled":
        return (
            f"The meeting of {meeting.on:%d %b %Y} is cancelled; restore it on the calendar first."
        )
    return MeetingRef(meeting.id, meeting.on, meeting.status)
