"""Step 4: the group's schedule (how often, when, where, in which time zone).

``set_logistics`` validates and stores the schedule; what that means for the
planned meetings is worked out by ``schedule_change``. Changes of time, length,
place or time zone reach future meetings here at once, with a higher calendar
SEQUENCE wherever an event changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, select

from .. import clock
from ..calendar import recurrence
from ..calendar.parse import parse_time, parse_weekday
from ..calendar.zones import machine_timezone
from ..errors import InputError
from ..models import CustomDate, Group
from . import validate
from ._ids import id_of
from .groups import get_group

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
    return parse_weekday(value)


# Names the schedule rules use, as the logistics form (and group file) calls them.
_FORM_FIELDS = {"first_date": "first_meeting", "custom_dates": "dates"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def set_logistics(
    session: Session, group: Group, data: LogisticsInput, *, today: dt.date | None = None
) -> Group:
    """Validate the whole schedule, then store it on the group.

    An empty first meeting means the first date on or after ``today`` that fits
    the schedule (for a list of dates: the earliest one). Future meetings take
    a new start time, length, place or time zone at once, and those whose
    calendar event changes get a higher SEQUENCE; which dates are planned
    changes only through ``schedule_change`` (the calendar's "plan").
    """
    _store_logistics(session, group, data, today or clock.today())
    return group


def _store_logistics(
    session: Session, group: Group, data: LogisticsInput, today: dt.date
) -> recurrence.Schedule:
    """``set_logistics``; returns the schedule stored."""
    frequency = validate.choice("frequency", data.frequency, recurrence.FREQUENCIES)
    start = (
        data.start_time
        if isinstance(data.start_time, dt.time)
        else parse_time(data.start_time or "")
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
    tz = (data.timezone or "").strip() or group.timezone or machine_timezone()
    first = validate.parse_date("first_meeting", data.first_meeting)
    dates = tuple(sorted(set(data.dates)))
    schedule = recurrence.Schedule(
        frequency=frequency,
        start_time=start,
        duration_minutes=duration,
        timezone=tz,
        first_date=first or today,
        interval=interval,
        weekday=weekday,
        nth=nth,
        month_day=month_day,
        custom_dates=dates,
    )
    try:
        if frequency == "custom":
            first = first or (dates[0] if dates else today)
        elif first is None:
            first = recurrence.first_meeting_on_or_after(schedule, today)
        else:
            check_first_meeting(schedule, first)
        schedule = replace(schedule, first_date=first)
        recurrence.validate_schedule(schedule)
    except InputError as exc:
        raise InputError(_FORM_FIELDS.get(exc.field, exc.field), exc.message) from None
    place = validate.optional_line("place", data.place)
    link = validate.optional_line("video_link", data.video_link)
    _carry_changes_to_future_meetings(session, group, schedule, place, link, today)
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
    return schedule


def check_first_meeting(schedule: recurrence.Schedule, first: dt.date) -> None:
    """Refuse a first meeting that does not fit the schedule, naming the nearest
    dates that do ("2027-03-10 is a Wednesday; the group meets on Tuesdays:
    2027-03-09 or 2027-03-16?")."""
    try:
        recurrence.validate_schedule(replace(schedule, first_date=first))
        return
    except InputError as exc:
        if exc.field != "first_date":
            raise
    # Any date on the pattern can start a series (an every-2-weeks group's
    # phase starts at its first meeting), so look for the nearest ones.
    pattern = replace(
        schedule,
        frequency="weekly" if schedule.frequency == "every-n-weeks" else schedule.frequency,
        interval=1,
    )
    after = recurrence.first_meeting_on_or_after(pattern, first)
    look_from = first - dt.timedelta(days=70)
    anchor = recurrence.first_meeting_on_or_after(pattern, look_from)
    earlier = recurrence.generate_meeting_dates(
        replace(pattern, first_date=anchor), look_from, first - dt.timedelta(days=1)
    )
    options = " or ".join(d.isoformat() for d in (*earlier[-1:], after))
    day = recurrence.WEEKDAYS[first.weekday()].capitalize()
    if schedule.frequency == "monthly-day":
        what = f"is day {first.day} of its month"
        month_day = recurrence.required_field(schedule.month_day, "month_day")
        rule = f"the {_ordinal(month_day)} of each month"
    else:
        weekday = recurrence.required_field(schedule.weekday, "weekday")
        wanted = recurrence.WEEKDAYS[weekday].capitalize()
        what = f"is a {day}"
        if schedule.frequency == "monthly-nth-weekday":
            nth = _ORDINALS[recurrence.required_field(schedule.nth, "nth")]
            if first.weekday() == weekday:
                what += f" but not the {nth} {wanted} of its month"
            rule = f"the {nth} {wanted} of each month"
        else:
            rule = f"{wanted}s"
    raise InputError(
        "first_meeting",
        f"{first.isoformat()} {what}; the group meets on {rule}: {options}? "
        "Or leave it empty to start on the first such day from today.",
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _carry_changes_to_future_meetings(
    session: Session,
    group: Group,
    new: recurrence.Schedule,
    place: str,
    link: str,
    today: dt.date,
) -> None:
    """Future meetings (on or after ``today``) follow a new start time or length,
    unless they were moved by hand (those keep their own). A meeting whose
    calendar event changes gets a higher SEQUENCE: a new start instant (a new
    time, or a new time zone, which moves hand-moved meetings too), a new
    length, or a new place or link for a meeting without a place of its own."""
    if group.id is None or group.start_time is None:
        return
    old_slot = (group.start_time, group.duration_minutes)
    new_slot = (new.start_time, new.duration_minutes)
    relocate = (place, link) != (group.place, group.video_link)
    if old_slot == new_slot and group.timezone == new.timezone and not relocate:
        return
    from . import meetings

    for m in meetings.list_meetings(session, group, start=today):
        start, length = (
            new_slot
            if (m.start_time, m.duration_minutes) == old_slot
            else (
                m.start_time,
                m.duration_minutes,
            )
        )
        changed = (relocate and not m.place) or length != m.duration_minutes
        if start_instant(m.on, m.start_time, group.timezone) != start_instant(
            m.on, start, new.timezone
        ):
            changed = True
        m.start_time, m.duration_minutes = start, length
        if changed:
            meetings.touch_meeting(m)
            session.add(m)


def start_instant(day: dt.date, start: dt.time, timezone: str) -> dt.datetime:
    """When a meeting at local ``start`` on ``day`` in ``timezone`` begins, in UTC."""
    probe = recurrence.Schedule(
        frequency="custom",
        start_time=start,
        duration_minutes=DURATION_MIN,
        timezone=timezone,
        first_date=day,
    )
    return recurrence.utc_start(day, probe)


def custom_dates(session: Session, group: Group) -> tuple[dt.date, ...]:
    """The dates of a group that meets on a custom list, in order."""
    return tuple(
        session.exec(
            select(col(CustomDate.on))
            .where(CustomDate.group_id == group.id)
            .order_by(col(CustomDate.on))
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
            session.add(CustomDate(group_id=id_of(group), on=day))


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


def set_group_logistics(
    session: Session, group_id: int, data: LogisticsInput, today: dt.date | None = None
) -> str:
    """Store the schedule; returns its description for the user."""
    schedule = _store_logistics(session, get_group(session, group_id), data, today or clock.today())
    return recurrence.describe_schedule(schedule)
