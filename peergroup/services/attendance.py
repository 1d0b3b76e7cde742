"""Step 10: who came to a meeting, and who can be picked on the day.

The attendance list of a meeting is everyone who belongs to the group on its
date, plus anyone recorded. Apologies sent ahead for an upcoming meeting
re-rotate the roles, so the scribe or discussion lead who cannot come is
replaced. Pickers (owner of an action item, scribe, author of an amendment)
list people with their e-mail when two share a name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, select

from .. import clock
from ..errors import InputError
from ..models import Attendance, Group, Meeting, Member
from ..text import fold
from . import roles as roles_svc
from . import validate
from ._ids import id_of
from .minutes import as_meeting, group_member, refuse_if_finalised

ATTENDANCE = ("present", "apologies", "absent")


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    name: str
    status: str | None  # None: not recorded yet


@dataclass(frozen=True)
class Person:
    """Someone to pick in a meeting's dialogs."""

    member_id: int
    name: str
    email: str
    label: str  # the name, with the e-mail added when another person has the same name
    status: str | None  # attendance at this meeting (None: not recorded)


def labels(members: list[Member]) -> dict[int, str]:
    """member id -> how to show them in a picker: the name, and the e-mail too when
    another of ``members`` has the same name."""
    same_name = Counter(fold(m.name) for m in members)
    return {
        id_of(m): f"{m.name} <{m.email}>" if same_name[fold(m.name)] > 1 and m.email else m.name
        for m in members
    }


def attendance(session: Session, meeting: Meeting | int) -> list[AttendanceRow]:
    """Everyone who belongs to the group on the day, plus anyone recorded."""
    return [AttendanceRow(p.member_id, p.name, p.status) for p in _people(session, meeting)]


def _recorded(session: Session, meeting_id: int) -> dict[int, str]:
    return {
        a.member_id: a.status
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id))
    }


def _people(session: Session, meeting: Meeting | int) -> list[Person]:
    meeting = as_meeting(session, meeting)
    recorded = _recorded(session, id_of(meeting))
    members = [
        m
        for m in session.exec(select(Member).where(Member.group_id == meeting.group_id))
        if m.id in recorded or roles_svc.is_member_on(m, meeting.on)
    ]
    shown = labels(members)
    people = []
    for m in members:
        member_id = id_of(m)
        people.append(
            Person(
                member_id=member_id,
                name=m.name,
                email=m.email,
                label=shown[member_id],
                status=recorded.get(member_id),
            )
        )
    return sorted(people, key=lambda p: (p.name.casefold(), p.email.casefold(), p.member_id))


def meeting_people(session: Session, meeting_id: int, *, who: str = "members") -> list[Person]:
    """People to pick at a meeting, by name (e-mail added where two share a name).

    ``who``: "members" (everyone on the attendance list), "present" (marked
    present), or "scribe" (who may take over the minutes: those marked present
    once attendance is recorded, else the active members on the day).
    """
    who = validate.choice("who", who, ("members", "present", "scribe"))
    meeting = as_meeting(session, meeting_id)
    people = _people(session, meeting)
    if who == "present":
        return [p for p in people if p.status == "present"]
    if who == "scribe":
        if any(p.status for p in people):
            return [p for p in people if p.status == "present"]
        active = {
            m.id
            for m in session.exec(
                select(Member).where(Member.group_id == meeting.group_id, Member.status == "active")
            )
        }
        return [p for p in people if p.member_id in active]
    return people


def set_attendance(
    session: Session, meeting: Meeting | int, member: Member | int, status: str
) -> Attendance:
    meeting = as_meeting(session, meeting)
    status = validate.choice("attendance", status, ATTENDANCE)
    member_id = member if isinstance(member, int) else id_of(member)
    group_member(session, member_id, meeting.group_id, "member")
    refuse_if_finalised(session, meeting, "attendance")
    row = session.exec(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.member_id == member_id
        )
    ).first() or Attendance(meeting_id=id_of(meeting), member_id=member_id)
    row.status = status
    session.add(row)
    session.flush()
    return row


def record_attendance(
    session: Session,
    meeting_id: int,
    statuses: dict[int, str | None],
    today: dt.date | None = None,
) -> int:
    """Record attendance for several members at once; returns how many roles moved.

    A member mapped to None or "" is left as it was (e.g. apologies sent
    ahead). For a meeting today or later, roles are re-rotated around the
    apologies, so whoever was due a role and cannot come steps aside.
    """
    meeting = as_meeting(session, meeting_id)
    changed = False
    for member_id, status in statuses.items():
        if status:
            set_attendance(session, meeting, member_id, status)
            changed = True
    if not changed:
        return 0
    if meeting.on >= (today or clock.today()):
        group = session.get(Group, meeting.group_id)
        if group is None:  # pragma: no cover - a meeting always has its group
            raise InputError("meeting", "its group no longer exists.")
        # Only the roles of someone who sent apologies move; others keep theirs.
        return roles_svc.rotate(session, group, keep_current=True)
    return 0
