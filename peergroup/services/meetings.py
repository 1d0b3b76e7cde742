"""Step 4: the meetings themselves: skips, moves, cancellations, agendas.

Meetings are planned ahead from the group's schedule (six months by default)
by one operation, ``schedule_change.plan_schedule_change`` / ``apply_...``,
which compares what is planned with what the schedule gives and recomputes
rather than appends. Each planned meeting remembers the ``series_date`` the
schedule gave it, so planning again never duplicates a meeting, and a moved
meeting is not put back on its old date.

What the screens call for one meeting by id (move, cancel, restore, agenda,
which meeting to open) is in ``meetings_views`` (still importable from here).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from .. import clock
from ..calendar import recurrence
from ..calendar.parse import parse_time
from ..errors import InputError, NotFound
from ..models import Group, Meeting, SkipDate, utcnow
from ..steps import StepStatus
from . import _moved, validate
from ._ids import id_of
from .groups import get_group
from .logistics import (  # noqa: F401 - the schedule's rules, long reached through here
    DURATION_MAX,
    DURATION_MIN,
    LogisticsInput,
    check_first_meeting,
    custom_dates,
    schedule_for,
    set_group_logistics,
    set_logistics,
    start_instant,
)

HORIZON_MONTHS = 6


# --- skip dates -------------------------------------------------------------


def skip_dates(session: Session, group: Group) -> list[SkipDate]:
    return list(
        session.exec(
            select(SkipDate).where(SkipDate.group_id == group.id).order_by(col(SkipDate.on))
        )
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
    row = SkipDate(group_id=id_of(group), on=day, reason=validate.optional_line("reason", reason))
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


# --- planning (see schedule_change) ------------------------------------------


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
    return list(
        session.exec(stmt.order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id)))
    )


def preview_meetings(
    session: Session,
    group: Group,
    *,
    months: int = HORIZON_MONTHS,
    today: dt.date | None = None,
) -> list[dt.date]:
    """Dates that ``generate_meetings`` would add, without saving anything."""
    from .schedule_change import plan_schedule_change

    plan = plan_schedule_change(session, id_of(group), today, months=months)
    return [p.on for p in plan.add]


def generate_meetings(
    session: Session,
    group: Group,
    *,
    months: int = HORIZON_MONTHS,
    today: dt.date | None = None,
) -> list[Meeting]:
    """Plan ``months`` ahead from ``today`` (``schedule_change``), without rotating
    roles; returns the meetings added. Running it twice adds nothing."""
    from .schedule_change import apply_schedule_change

    done = apply_schedule_change(session, id_of(group), today, months=months, rotate=False)
    return [get_meeting(session, mid) for mid in done.added_ids]


def extend_preview(
    session: Session, group: Group, *, months: int = HORIZON_MONTHS
) -> list[dt.date]:
    from .schedule_change import plan_schedule_change

    plan = plan_schedule_change(session, id_of(group), months=months, extend=True)
    return [p.on for p in plan.add]


def extend_meetings(
    session: Session, group: Group, *, months: int = HORIZON_MONTHS
) -> list[Meeting]:
    """Add the ``months`` after the last meeting already planned."""
    from .schedule_change import apply_schedule_change

    done = apply_schedule_change(session, id_of(group), months=months, extend=True, rotate=False)
    return [get_meeting(session, mid) for mid in done.added_ids]


def meeting_uid(group: Group, series_date: dt.date) -> str:
    """Stable calendar UID: the group's identity plus the date the schedule gave."""
    return f"{series_date:%Y%m%d}-{group.uuid[:16]}@peergroup"


def moved_by_hand(meeting: Meeting, group: Group) -> bool:
    """Whether ``meeting`` sits elsewhere than the schedule put it (date or time)."""
    return (
        meeting.series_date is None
        or meeting.on != meeting.series_date
        or (meeting.start_time, meeting.duration_minutes)
        != (group.start_time, group.duration_minutes)
    )


# --- changing one meeting ---------------------------------------------------


def day_label(day: dt.date) -> str:
    """ "Tue 9 Mar 2027": how dialogs and messages name a meeting's day."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def meeting_label(meeting: Meeting) -> str:
    """ "the meeting of Tue 9 Mar 2027, 07:30–08:30 (Salary talks)"."""
    start = dt.datetime.combine(meeting.on, meeting.start_time)
    end = start + dt.timedelta(minutes=meeting.duration_minutes)
    title = f" ({meeting.title})" if meeting.title else ""
    return f"the meeting of {day_label(meeting.on)}, {start:%H:%M}–{end:%H:%M}{title}"


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("That meeting no longer exists; it may have been removed in another window.")
    return meeting


def touch_meeting(meeting: Meeting) -> None:
    """Record that what a calendar shows for ``meeting`` changed (raises .ics SEQUENCE)."""
    meeting.sequence += 1
    meeting.updated_at = utcnow()


def touch_upcoming(
    session: Session,
    group_id: int,
    *,
    meeting_ids: set[int] | None = None,
    today: dt.date | None = None,
) -> int:
    """Touch the group's meetings from ``today`` on (or only ``meeting_ids`` of them)
    after a change every such event shows, e.g. the group's or a role holder's
    name: calendars that imported them take the new text. Returns how many."""
    today = today or clock.today()
    n = 0
    for m in session.exec(select(Meeting).where(Meeting.group_id == group_id, Meeting.on >= today)):
        if meeting_ids is None or m.id in meeting_ids:
            touch_meeting(m)
            session.add(m)
            n += 1
    return n


def overlapping(
    session: Session,
    group_id: int,
    day: dt.date,
    start: dt.time,
    minutes: int,
    *,
    exclude: int | None = None,
) -> Meeting | None:
    """A scheduled meeting of the group that overlaps ``start`` on ``day`` for ``minutes``."""
    begin = dt.datetime.combine(day, start)
    end = begin + dt.timedelta(minutes=minutes)
    near = session.exec(
        select(Meeting).where(
            Meeting.group_id == group_id,
            Meeting.status == "scheduled",
            Meeting.on >= day - dt.timedelta(days=1),
            Meeting.on <= day + dt.timedelta(days=1),
        )
    )
    for m in near:
        other = dt.datetime.combine(m.on, m.start_time)
        if (
            m.id != exclude
            and other < end
            and begin < other + dt.timedelta(minutes=m.duration_minutes)
        ):
            return m
    return None


def move_meeting(
    session: Session, meeting: Meeting, on: str | dt.date, start_time: str | dt.time | None = None
) -> Meeting:
    """Move one meeting; the others stay. Refused onto a time the group already
    meets, and (for a time-limited group) after the group's end."""
    day = validate.parse_date("on", on, required=True)
    if start_time not in (None, ""):
        start = (
            start_time if isinstance(start_time, dt.time) else parse_time(start_time, "start_time")
        )
    else:
        start = meeting.start_time
    if day == meeting.on and start == meeting.start_time:
        return meeting
    end = ends_on(get_group(session, meeting.group_id))
    if end is not None and day > end:
        raise InputError("on", f"the group ends on {day_label(end)}; choose a day on or before it.")
    clash = overlapping(
        session, meeting.group_id, day, start, meeting.duration_minutes, exclude=meeting.id
    )
    if clash is not None:
        raise InputError(
            "on",
            f"the group already meets then: {meeting_label(clash)}. "
            "Choose another day or time, or move that meeting first.",
        )
    meeting.on = day
    meeting.start_time = start
    touch_meeting(meeting)
    session.add(meeting)
    session.flush()
    return meeting


def ends_on(group: Group) -> dt.date | None:
    """The last day a time-limited group meets; None for an ongoing group."""
    return group.end_date if group.membership == "time-limited" else None


def cancel_meeting(session: Session, meeting: Meeting) -> Meeting:
    if meeting.status != "cancelled":
        meeting.status = "cancelled"
        touch_meeting(meeting)
        session.add(meeting)
        session.flush()
    return meeting


def restore_meeting(session: Session, meeting: Meeting) -> Meeting:
    if meeting.status == "cancelled":
        clash = overlapping(
            session,
            meeting.group_id,
            meeting.on,
            meeting.start_time,
            meeting.duration_minutes,
            exclude=meeting.id,
        )
        if clash is not None:
            raise InputError(
                "meeting",
                f"the group already meets then: {meeting_label(clash)}. "
                "Move this meeting before restoring it.",
            )
        # One cancelled by a schedule change has no series date: restored by hand,
        # it stays out of the series, so planning keeps it instead of cancelling it.
        meeting.status = "scheduled"
        touch_meeting(meeting)
        session.add(meeting)
        session.flush()
    return meeting


def set_agenda(
    session: Session, meeting: Meeting, *, title: str, agenda_note: str = "", prompt_key: str = ""
) -> Meeting:
    """The meeting's own topic line, agenda note and reflection prompt (ad hoc agendas)."""
    from .reflections import check_prompt_key

    title = validate.optional_line("title", title, validate.LINE_MAX)
    note = validate.text("agenda_note", agenda_note, 5_000)
    key = (prompt_key or "").strip()
    if key != meeting.prompt_key:  # a retired own prompt may stay where it was
        key = check_prompt_key(session, meeting.group_id, key)
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
        .order_by(col(Meeting.on), col(Meeting.start_time))
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
    needed = _needed_until(session, group, today)
    if needed is not None and (last is None or last < needed):
        step.missing.append("Set meeting dates six months ahead.")
    if not (group.expect_attendance or group.expect_communication or group.expect_agenda):
        step.missing.append("Write down what members can expect of each other.")
    return step.finish(group.frequency is not None or last is not None)


def _needed_until(session: Session, group: Group, today: dt.date) -> dt.date | None:
    """How far ahead meetings should be planned: five months, or for a group that
    ends sooner, its last date on the schedule (None: no date left to plan)."""
    wanted = today + relativedelta(months=5)
    end = ends_on(group)
    if end is None or end >= wanted:
        return wanted
    schedule = schedule_for(session, group)
    if schedule is None:
        return min(wanted, end)
    skips = [s.on for s in skip_dates(session, group)]
    dates = recurrence.generate_meeting_dates(schedule, today, end, skips)
    return dates[-1] if dates else None


# --- moved: what screens call for one meeting, by id, is in meetings_views ------

if TYPE_CHECKING:
    from .meetings_views import (  # noqa: F401 - forwarded by __getattr__ below
        MeetingRef,
        cancel,
        meeting_to_open,
        move,
        restore,
        set_group_expectations,
        set_meeting_agenda,
        skip_day,
    )


def __getattr__(name: str) -> object:
    return _moved.forward(__name__, name, "meetings_views")
