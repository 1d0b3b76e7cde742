"""What the calendar and meeting screens call for one meeting, by id.

Commands on one meeting (move, cancel, restore, its agenda), keeping a day
free, the written expectations, and which meeting the meeting screen opens.
Results are plain values. The rules are in ``meetings``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..models import Meeting
from . import validate
from ._ids import id_of
from .groups import get_group
from .meetings import (
    add_skip_date,
    cancel_meeting,
    day_label,
    get_meeting,
    list_meetings,
    move_meeting,
    next_meeting,
    restore_meeting,
    set_agenda,
    set_expectations,
)

__all__ = [
    "MeetingRef",
    "cancel",
    "meeting_to_open",
    "move",
    "restore",
    "set_group_expectations",
    "set_meeting_agenda",
    "skip_day",
]


def move(
    session: Session, meeting_id: int, on: str | dt.date, start_time: str | dt.time | None = None
) -> MeetingRef:
    return MeetingRef.of(move_meeting(session, get_meeting(session, meeting_id), on, start_time))


def cancel(session: Session, meeting_id: int) -> MeetingRef:
    return MeetingRef.of(cancel_meeting(session, get_meeting(session, meeting_id)))


def restore(session: Session, meeting_id: int) -> MeetingRef:
    return MeetingRef.of(restore_meeting(session, get_meeting(session, meeting_id)))


def set_meeting_agenda(
    session: Session, meeting_id: int, *, title: str, agenda_note: str = "", prompt_key: str = ""
) -> MeetingRef:
    m = set_agenda(
        session,
        get_meeting(session, meeting_id),
        title=title,
        agenda_note=agenda_note,
        prompt_key=prompt_key,
    )
    return MeetingRef.of(m)


def skip_day(session: Session, group_id: int, on: str | dt.date | None, reason: str = "") -> str:
    """Keep ``on`` free of meetings; returns a sentence saying what happened."""
    group = get_group(session, group_id)
    day = validate.parse_date("on", on, required=True)
    cancelled = [
        m
        for m in list_meetings(session, group, start=day, end=day, include_cancelled=False)
        if m.series_date == day
    ]
    add_skip_date(session, group, day, reason)
    said = f"No meeting on {day_label(day)}"
    if cancelled:
        return said + "; the meeting planned that day is cancelled."
    return said + "; planning will leave it out."


def set_group_expectations(
    session: Session, group_id: int, attendance: str, communication: str, agenda: str
) -> None:
    set_expectations(session, get_group(session, group_id), attendance, communication, agenda)


@dataclass(frozen=True)
class MeetingRef:
    id: int
    on: dt.date
    status: str

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingRef:
        return cls(id_of(meeting), meeting.on, meeting.status)


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
            # scheduled before cancelled
            .order_by(col(Meeting.status).desc(), col(Meeting.start_time))
        ).first()
        if meeting is None:
            return f"No meeting on {on:%a %d %b %Y}; showing the roadmap."
    else:
        group = get_group(session, group_id)
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
    return MeetingRef.of(meeting)
