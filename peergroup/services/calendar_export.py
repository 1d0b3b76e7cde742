"""The group's meetings as an .ics calendar, for the group or for one member.

One VEVENT per meeting, cancelled meetings included with STATUS:CANCELLED so
that re-importing removes them for everyone. A member's calendar also holds
that member's own dated pair check-ins (``pair_calendar.checkin_events``): they are
arrangements between two people, so the group calendar leaves them out. The DTSTAMP is the export time,
or SOURCE_DATE_EPOCH when set (reproducible output).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlmodel import Session

from .. import clock
from ..calendar.ics import IcsEvent, build_calendar
from ..models import Group, Meeting, Member
from . import meetings as meetings_svc
from . import reflections
from ._ids import id_of
from .groups import get_group
from .membership import find_member, get_member, list_members
from .roles import LEAD, SCRIBE, held_by_key, holders_by_meeting, is_member_on
from .topics import topic_lines


def export_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return clock.utcnow().replace(microsecond=0)


def meeting_events(
    session: Session, group: Group, meetings: list[Meeting], member: Member | None = None
) -> list[IcsEvent]:
    from .experts import guests

    group_id = id_of(group)
    lines_by_meeting = topic_lines(session, group_id)
    guests_by_meeting = guests(session, group_id)
    prompts = reflections.prompt_texts(session, group_id)
    roles = holders_by_meeting(session, group)
    events = []
    for m in meetings:
        topic = lines_by_meeting.get(id_of(m), "")
        held = roles.get(id_of(m), {})
        mine = [
            h.role_name for h in held.values() if member is not None and h.member_id == member.id
        ]
        summary = f"{group.name}: {topic}" if topic else f"{group.name} meeting"
        if mine:
            summary += f" (you: {', '.join(sorted(mine)).lower()})"
        lines = []
        if topic:
            lines.append(f"Topic: {topic}")
        for key in (SCRIBE, LEAD):
            if h := held_by_key(held, key):
                lines.append(f"{h.role_name}: {h.member_name}")
        for guest in guests_by_meeting.get(id_of(m), []):
            lines.append(f"Guest expert: {guest}")
        place = m.place or group.place
        if place:
            lines.append(f"Place: {place}")
        if group.video_link:
            lines.append(f"Video: {group.video_link}")
        if m.agenda_note:
            lines.append(f"Agenda: {m.agenda_note}")
        if m.prompt_key and m.prompt_key in prompts:
            lines.append(f"Reflection prompt: {prompts[m.prompt_key]}")
        events.append(
            IcsEvent(
                uid=m.uid,
                local_start=dt.datetime.combine(m.on, m.start_time),
                duration_minutes=m.duration_minutes,
                summary=summary,
                description="\n".join(lines),
                location=place,
                url=group.video_link,
                cancelled=m.status == "cancelled",
                sequence=m.sequence,
                last_modified=_aware(m.updated_at) if m.sequence else None,
            )
        )
    return events


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def group_calendar(
    session: Session, group: Group, *, member_name: str | None = None, member: Member | None = None
) -> tuple[bytes, int]:
    """The .ics bytes and the number of events, for the group or one member."""
    if member is None and member_name:
        member = find_member(session, group, member_name)
    meetings = meetings_svc.list_meetings(session, group)
    if member is not None:
        meetings = [m for m in meetings if is_member_on(member, m.on)]
    events = meeting_events(session, group, meetings, member)
    if member is not None:  # a member's own one-on-ones; the group calendar has none
        from .pair_calendar import checkin_events

        events += checkin_events(session, group, member)
    name = group.name if member is None else f"{group.name} ({member.name})"
    return build_calendar(name, group.timezone, events, export_time()), len(events)


def why_empty(session: Session, group: Group, member: Member | None = None) -> str:
    """Why a calendar holds no meeting, in a sentence (for the CLI and the export dialog)."""
    if not meetings_svc.list_meetings(session, group):
        return "the group has no meetings yet: set the schedule and plan them (step 4)."
    if member is None:
        return ""
    if member.status == "prospective":
        return f"{member.name} is on the recruitment list, not a member yet."
    if member.left_on is not None:
        return f"{member.name} left on {member.left_on}, before any of the group's meetings."
    if member.joined_on is not None:
        return f"{member.name} joins on {member.joined_on}, after the last planned meeting."
    return ""


@dataclass(frozen=True)
class IcsExportForm:
    """What the .ics export dialog offers: the whole group or one member."""

    group_name: str
    members: tuple[tuple[str, int], ...]  # (name, id) of active and former members
    file_name: str  # a file name made from the group's name, e.g. "calendar-crew.ics"


def export_form(session: Session, group_id: int) -> IcsExportForm:
    group = get_group(session, group_id)
    members = list_members(session, group, ("active", "alumni"))
    safe = "".join(ch if ch.isalnum() else "-" for ch in group.name.lower()).strip("-")[:40]
    return IcsExportForm(
        group_name=group.name,
        members=tuple((m.name, id_of(m)) for m in members),
        file_name=f"{safe or 'group'}.ics",
    )


def calendar_for(
    session: Session, group_id: int, member_id: int | None = None
) -> tuple[bytes, int]:
    """``group_calendar`` by ids: the .ics bytes and the number of events."""
    group = get_group(session, group_id)
    member = get_member(session, member_id) if member_id else None
    if member is not None and member.group_id != group.id:
        from ..errors import InputError

        raise InputError("member_id", "that member is not in this group.")
    return group_calendar(session, group, member=member)
