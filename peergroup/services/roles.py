"""Step 4: roles, shared out fairly.

Standing roles (facilitator, correspondence) have one holder. Rotating roles
(scribe, discussion lead, and any custom role marked as rotating) are given
per meeting: ``rotate`` fills the upcoming meetings so that each member's
count stays as even as possible, skipping members who sent apologies or are
not members on that date. Assignments made by hand are marked ``manual`` and
rotation leaves them alone (but counts them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Attendance, Group, Meeting, Member, Role, RoleAssignment
from ..text import fold
from . import validate


def list_roles(session: Session, group: Group) -> list[Role]:
    return list(session.exec(select(Role).where(Role.group_id == group.id).order_by(Role.id)))


SCRIBE, LEAD, FACILITATOR = "scribe", "lead", "facilitator"  # stable role keys


def role_by_key(session: Session, group_id: int, key: str) -> Role | None:
    """A group's built-in role by its stable key ("scribe", "lead", ...)."""
    return session.exec(select(Role).where(Role.group_id == group_id, Role.key == key)).first()


def find_role(session: Session, group: Group, name: str) -> Role:
    """A role by its key or by its name as typed (any case)."""
    role = (
        role_by_key(session, group.id, name.strip())
        or session.exec(
            select(Role).where(Role.group_id == group.id, Role.name_key == fold(name))
        ).first()
    )
    if role is None:
        raise NotFound(f"No role called {name!r} in {group.name}.")
    return role


def add_role(session: Session, group: Group, name: str, rotates: bool = True) -> Role:
    name = validate.required_line("role", name, 80)
    clash = session.exec(
        select(Role).where(Role.group_id == group.id, Role.name_key == fold(name))
    ).first()
    if clash is not None:
        raise InputError("role", f"a role called {clash.name!r} already exists.")
    role = Role(group_id=group.id, name=name, rotates=rotates)
    session.add(role)
    session.flush()
    return role


def set_holder(session: Session, role: Role, member: Member | None) -> Role:
    if member is not None and member.group_id != role.group_id:
        raise InputError("holder", "that member is not in this group.")
    role.holder_id = member.id if member else None
    session.add(role)
    session.flush()
    return role


def is_member_on(member: Member, day: dt.date) -> bool:
    """Whether ``member`` belongs to the group on ``day`` (prospective never do)."""
    if member.status == "prospective":
        return False
    if member.joined_on and member.joined_on > day:
        return False
    return not (member.left_on and member.left_on <= day)


def assignments(session: Session, meeting: Meeting) -> dict[int, RoleAssignment]:
    """role_id -> assignment for one meeting."""
    rows = session.exec(select(RoleAssignment).where(RoleAssignment.meeting_id == meeting.id))
    return {a.role_id: a for a in rows}


@dataclass(frozen=True)
class Held:
    """Who holds a role at one meeting."""

    role_id: int
    role_key: str | None  # "scribe", "lead", ... or None for the group's own roles
    role_name: str
    member_id: int
    member_name: str


def holders_by_meeting(session: Session, group: Group) -> dict[int, dict[int, Held]]:
    """meeting id -> role id -> who holds it, for the whole group in one query.

    The scribe of a meeting is its "scribe" assignment: a takeover on the day
    changes that assignment (see minutes.take_over_scribe), so the calendar, the
    minutes, the .ics and the running list all read the same fact.
    """
    rows = session.exec(
        select(RoleAssignment.meeting_id, Role.id, Role.key, Role.name, Member.id, Member.name)
        .join(Role, Role.id == RoleAssignment.role_id)
        .join(Member, Member.id == RoleAssignment.member_id)
        .where(Role.group_id == group.id)
        .order_by(Role.id)
    )
    out: dict[int, dict[int, Held]] = {}
    for meeting_id, role_id, key, role_name, member_id, name in rows:
        out.setdefault(meeting_id, {})[role_id] = Held(role_id, key, role_name, member_id, name)
    return out


def held_by_key(held: dict[int, Held], key: str) -> Held | None:
    """The holder of the built-in role ``key`` among one meeting's holders."""
    return next((h for h in held.values() if h.role_key == key), None)


def holder(session: Session, meeting_id: int, key: str) -> Member | None:
    """Who holds the built-in role ``key`` ("scribe", "lead", ...) at a meeting."""
    stmt = (
        select(Member)
        .join(RoleAssignment, RoleAssignment.member_id == Member.id)
        .join(Role, Role.id == RoleAssignment.role_id)
        .where(RoleAssignment.meeting_id == meeting_id, Role.key == key)
    )
    return session.exec(stmt).first()


def holder_name(session: Session, meeting: Meeting, role: str) -> str:
    """The name of whoever holds ``role`` (a key, or a role's name) at ``meeting``."""
    group = session.get(Group, meeting.group_id)
    found = find_role(session, group, role)
    stmt = (
        select(Member.name)
        .join(RoleAssignment, RoleAssignment.member_id == Member.id)
        .where(RoleAssignment.meeting_id == meeting.id, RoleAssignment.role_id == found.id)
    )
    return session.exec(stmt).first() or ""


def assign(
    session: Session,
    meeting: Meeting,
    role: Role,
    member: Member | None,
    *,
    touch: bool = True,
) -> RoleAssignment | None:
    """Give ``role`` at ``meeting`` to ``member`` by hand (None clears it).

    ``touch=False`` is for records being created (a group-file import): the
    meeting's first version, so its calendar SEQUENCE stays 0.
    """
    if role.group_id != meeting.group_id:
        raise InputError("role", "that role belongs to another group.")
    from .meetings import touch_meeting

    current = assignments(session, meeting).get(role.id)
    if member is None:
        if current is not None:
            session.delete(current)
            if touch:
                touch_meeting(meeting)  # the event's description names role holders
                session.add(meeting)
            session.flush()
        return None
    if member.group_id != meeting.group_id:
        raise InputError("member", "that member is not in this group.")
    if not is_member_on(member, meeting.on):
        raise InputError("member", f"{member.name} is not a member on {meeting.on}.")
    row = current or RoleAssignment(meeting_id=meeting.id, role_id=role.id, member_id=member.id)
    if touch and (current is None or current.member_id != member.id):
        touch_meeting(meeting)
        session.add(meeting)
    row.member_id = member.id
    row.manual = True
    session.add(row)
    session.flush()
    return row


def _apologies(session: Session, meeting_ids: list[int]) -> set[tuple[int, int]]:
    if not meeting_ids:
        return set()
    rows = session.exec(
        select(Attendance.meeting_id, Attendance.member_id).where(
            Attendance.meeting_id.in_(meeting_ids), Attendance.status == "apologies"
        )
    )
    return set(rows)


def rotate(
    session: Session, group: Group, today: dt.date | None = None, *, touch: bool = True
) -> int:
    """(Re)assign rotating roles for upcoming meetings. Returns how many were set.

    ``touch=False`` is for meetings being created (an import): their first
    version, so the calendar SEQUENCE stays 0.
    """
    today = today or clock.today()
    roles = [r for r in list_roles(session, group) if r.rotates]
    members = list(session.exec(select(Member).where(Member.group_id == group.id)))
    meetings = list(
        session.exec(
            select(Meeting)
            .where(Meeting.group_id == group.id, Meeting.status == "scheduled")
            .order_by(Meeting.on, Meeting.start_time, Meeting.id)
        )
    )
    upcoming = [m for m in meetings if m.on >= today]
    past_ids = {m.id for m in meetings if m.on < today}
    away = _apologies(session, [m.id for m in upcoming])
    all_rows = list(
        session.exec(
            select(RoleAssignment)
            .join(Meeting)
            .where(Meeting.group_id == group.id, Meeting.status == "scheduled")
        )
    )
    # Index once: role -> meeting -> assignment.
    by_role: dict[int, dict[int, RoleAssignment]] = {r.id: {} for r in roles}
    for a in all_rows:
        if a.role_id in by_role:
            by_role[a.role_id][a.meeting_id] = a
    order = {m.id: i for i, m in enumerate(meetings)}
    from .meetings import touch_meeting

    changed = 0
    touched: set[int] = set()
    for role in roles:
        by_meeting = by_role[role.id]
        fixed = [a for a in by_meeting.values() if a.meeting_id in past_ids or a.manual]
        # Counts start from what is fixed: past meetings and manual choices.
        counts: Counter[int] = Counter(a.member_id for a in fixed)
        last_turn: dict[int, int] = {}
        for a in sorted(fixed, key=lambda a: order[a.meeting_id]):
            last_turn[a.member_id] = order[a.meeting_id]
        for m in upcoming:
            current = by_meeting.get(m.id)
            if current is not None and current.manual:
                continue
            others = {
                rows[m.id].member_id
                for rid, rows in by_role.items()
                if rid != role.id and m.id in rows
            }
            eligible = [p for p in members if is_member_on(p, m.on) and (m.id, p.id) not in away]
            if not eligible:
                if current is not None:
                    session.delete(current)
                    del by_meeting[m.id]
                    changed += 1
                    touched.add(m.id)
                continue
            pick = min(
                eligible,
                key=lambda p: (
                    counts[p.id],
                    p.id in others,
                    last_turn.get(p.id, -1),
                    p.name.casefold(),
                    p.id,
                ),
            )
            counts[pick.id] += 1
            last_turn[pick.id] = order[m.id]
            if current is None:
                current = RoleAssignment(meeting_id=m.id, role_id=role.id, member_id=pick.id)
                by_meeting[m.id] = current
                changed += 1
                touched.add(m.id)
            elif current.member_id != pick.id:
                changed += 1
                touched.add(m.id)
            current.member_id = pick.id
            session.add(current)
    for m in upcoming:
        if touch and m.id in touched:  # the event's description names the role holders
            touch_meeting(m)
            session.add(m)
    session.flush()
    return changed


@dataclass(frozen=True)
class RoleCount:
    member_id: int
    name: str
    status: str
    done: dict[str, int]  # role name -> count at past meetings
    planned: dict[str, int]  # role name -> count at upcoming meetings


def role_counts(session: Session, group: Group, today: dt.date | None = None) -> list[RoleCount]:
    """Per-member counts of rotating roles, past and planned."""
    today = today or clock.today()
    roles = {r.id: r.name for r in list_roles(session, group) if r.rotates}
    rows = session.exec(
        select(RoleAssignment, Meeting.on)
        .join(Meeting)
        .where(Meeting.group_id == group.id, Meeting.status == "scheduled")
    ).all()
    done: Counter[tuple[int, str]] = Counter()
    planned: Counter[tuple[int, str]] = Counter()
    for a, on in rows:
        if a.role_id not in roles:
            continue
        (done if on < today else planned)[(a.member_id, roles[a.role_id])] += 1
    members = session.exec(
        select(Member).where(Member.group_id == group.id, Member.status != "prospective")
    ).all()
    out = []
    for m in sorted(members, key=lambda m: (m.status != "active", m.name.casefold())):
        out.append(
            RoleCount(
                member_id=m.id,
                name=m.name,
                status=m.status,
                done={name: done[(m.id, name)] for name in roles.values()},
                planned={name: planned[(m.id, name)] for name in roles.values()},
            )
        )
    return out
