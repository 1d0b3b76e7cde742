"""Step 10: the scribe of a meeting, and who took over from whom.

The scribe is the meeting's "scribe" role assignment (``roles``): a takeover
changes that assignment and records the handover, so the meeting screen, the
minutes export, the running list, the calendar and the .ics all name the same
person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import Attendance, ScribeChange
from . import roles as roles_svc
from ._ids import id_of
from .groups import get_group
from .minutes import get_meeting, group_member, member_name, minutes_row

__all__ = ["Handover", "handovers", "scribe_changes", "take_over_scribe"]


@dataclass(frozen=True)
class Handover:
    """One scribe takeover: ``to_name`` took over from ``from_name`` (may be "")."""

    from_name: str
    to_name: str
    changed_at: dt.datetime  # UTC
    local_time: dt.datetime  # the same instant in the group's time zone

    def sentence(self) -> str:
        """ "Ben Osei took over from Ada Lin at 10:15" """
        source = f" from {self.from_name}" if self.from_name else ""
        return f"{self.to_name} took over{source} at {self.local_time:%H:%M}"


def take_over_scribe(
    session: Session, meeting_id: int, member_id: int | None, *, touch: bool = True
) -> ScribeChange | None:
    """``member_id`` becomes the scribe from now on. None if they already were.

    The handover is recorded ("Ben took over from Ada at 10:15").
    ``touch=False``: a record being imported (a group file's scribe of a past
    meeting), not a change: the calendar SEQUENCE stays and no handover is
    recorded, since nobody took over from anyone.
    """
    meeting = get_meeting(session, meeting_id)
    if member_id is None:
        raise InputError("scribe", "is empty; pick who takes over the minutes.")
    member = group_member(session, member_id, meeting.group_id, "scribe")
    minutes = minutes_row(session, meeting, create=True)
    if minutes.finalised_at is not None:
        raise InputError(
            "scribe", f"the minutes of {meeting.on} are finalised; the scribe can no longer change."
        )
    member_id = id_of(member)
    recorded = {
        a.member_id: a.status
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    if recorded and recorded.get(member_id) != "present":
        raise InputError("scribe", f"{member.name} is not marked present; mark them present first.")
    if not recorded and (
        member.status != "active" or not roles_svc.is_member_on(member, meeting.on)
    ):
        raise InputError(
            "scribe", f"{member.name} is not an active member of the group on {meeting.on}."
        )
    role = roles_svc.role_by_key(session, meeting.group_id, roles_svc.SCRIBE)
    if role is None:
        raise InputError("scribe", "this group has no scribe role; add one on the roles screen.")
    current = roles_svc.holder(session, id_of(meeting), roles_svc.SCRIBE)
    if current is not None and current.id == member_id:
        return None
    # The scribe assignment is the one record of who took the minutes: every
    # view (calendar, .ics, minutes export, running list) reads it.
    roles_svc.assign(session, meeting, role, member, touch=touch)
    if not touch:
        return None
    change = ScribeChange(
        meeting_id=id_of(meeting),
        from_member_id=current.id if current else None,
        to_member_id=member_id,
    )
    session.add(change)
    session.flush()
    return change


def scribe_changes(session: Session, meeting_id: int) -> list[ScribeChange]:
    return list(
        session.exec(
            select(ScribeChange)
            .where(ScribeChange.meeting_id == meeting_id)
            .order_by(col(ScribeChange.changed_at), col(ScribeChange.id))
        )
    )


def handovers(session: Session, meeting_id: int) -> list[Handover]:
    """The meeting's scribe takeovers as sentences' parts, oldest first."""
    meeting = get_meeting(session, meeting_id)
    group = get_group(session, meeting.group_id)
    try:
        zone = ZoneInfo(group.timezone) if group.timezone else dt.UTC
    except (ValueError, KeyError):  # an unknown zone name in an old file: say UTC
        zone = dt.UTC
    out = []
    for change in scribe_changes(session, meeting_id):
        at = change.changed_at
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        out.append(
            Handover(
                from_name=member_name(session, change.from_member_id),
                to_name=member_name(session, change.to_member_id),
                changed_at=at.astimezone(dt.UTC),
                local_time=at.astimezone(zone),
            )
        )
    return out
