"""What the roles screen (step 4) and its dialogs read and save, by id.

Plain values out: per-member role counts, the roles table, the assign and
holders forms, and the commands those dialogs save through. The rules (who
may hold a role, rotation) are in ``roles``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError
from ..models import Group, Meeting, Member, Role, RoleAssignment
from ._ids import id_of
from .groups import get_group
from .meetings import day_label, get_meeting
from .membership import list_members
from .roles import (
    add_role,
    assign,
    assignments,
    holders_by_meeting,
    is_member_on,
    list_roles,
    rotate,
    set_holder,
)

__all__ = [
    "AssignForm",
    "HoldersForm",
    "RoleColumn",
    "RoleCount",
    "RolesView",
    "StandingRole",
    "TurnsRow",
    "UpcomingRoles",
    "assign_by_ids",
    "assign_form",
    "holders_form",
    "new_role",
    "role_counts",
    "roles_view",
    "rotate_group",
    "set_holders",
]


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
    roles = {id_of(r): r.name for r in list_roles(session, group) if r.rotates}
    rows = session.exec(
        select(RoleAssignment, col(Meeting.on))
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
        member_id = id_of(m)
        out.append(
            RoleCount(
                member_id=member_id,
                name=m.name,
                status=m.status,
                done={name: done[(member_id, name)] for name in roles.values()},
                planned={name: planned[(member_id, name)] for name in roles.values()},
            )
        )
    return out


@dataclass(frozen=True)
class RoleColumn:
    role_id: int
    name: str


@dataclass(frozen=True)
class StandingRole:
    role_id: int
    name: str
    holder_id: int | None
    holder_name: str  # "" when nobody holds it


@dataclass(frozen=True)
class TurnsRow:
    member_id: int
    name: str
    status: str
    turns: tuple[tuple[int, int], ...]  # (taken, planned) per rotating role, in column order


@dataclass(frozen=True)
class UpcomingRoles:
    meeting_id: int
    on: dt.date
    holders: tuple[str, ...]  # per rotating role, in column order ("" if nobody)

    @property
    def label(self) -> str:
        return day_label(self.on)


@dataclass(frozen=True)
class RolesView:
    group_name: str
    rotating: tuple[RoleColumn, ...]
    standing: tuple[StandingRole, ...]
    counts: tuple[TurnsRow, ...]
    upcoming: tuple[UpcomingRoles, ...]


def roles_view(session: Session, group_id: int, today: dt.date | None = None) -> RolesView:
    today = today or clock.today()
    group = get_group(session, group_id)
    all_roles = list_roles(session, group)
    rotating = [r for r in all_roles if r.rotates]
    counts = role_counts(session, group, today)
    names = {
        id_of(m): m.name for m in session.exec(select(Member).where(Member.group_id == group.id))
    }
    held = holders_by_meeting(session, group)
    upcoming = session.exec(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.on >= today, Meeting.status == "scheduled")
        .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
    )
    return RolesView(
        group_name=group.name,
        rotating=tuple(RoleColumn(id_of(r), r.name) for r in rotating),
        standing=tuple(
            StandingRole(
                id_of(r),
                r.name,
                r.holder_id,
                "" if r.holder_id is None else names.get(r.holder_id, ""),
            )
            for r in all_roles
            if not r.rotates
        ),
        counts=tuple(
            TurnsRow(
                c.member_id,
                c.name,
                c.status,
                tuple((c.done[r.name], c.planned[r.name]) for r in rotating),
            )
            for c in counts
        ),
        upcoming=tuple(
            UpcomingRoles(
                id_of(m),
                m.on,
                tuple(
                    h.member_name if (h := held.get(id_of(m), {}).get(id_of(r))) else ""
                    for r in rotating
                ),
            )
            for m in upcoming
        ),
    )


def rotate_group(session: Session, group_id: int, today: dt.date | None = None) -> int:
    return rotate(session, get_group(session, group_id), today)


@dataclass(frozen=True)
class AssignForm:
    meeting_id: int
    on: dt.date
    roles: tuple[tuple[str, int], ...]  # rotating roles: (name, id)
    members: tuple[tuple[str, int], ...]  # members on that day: (name, id)
    current: tuple[tuple[int, int], ...]  # (role id, member id) held now


def assign_form(session: Session, meeting_id: int) -> AssignForm:
    meeting = get_meeting(session, meeting_id)
    group = get_group(session, meeting.group_id)
    return AssignForm(
        meeting_id=id_of(meeting),
        on=meeting.on,
        roles=tuple((r.name, id_of(r)) for r in list_roles(session, group) if r.rotates),
        members=_choices(_members(session, group, meeting.on)),
        current=tuple((rid, a.member_id) for rid, a in assignments(session, meeting).items()),
    )


def assign_by_ids(
    session: Session, meeting_id: int, role_id: int | None, member_id: int | None
) -> str:
    """Give a role at one meeting by hand (``member_id`` None clears it); says what was done."""
    if not role_id:
        raise InputError("role_id", "pick a role.")
    meeting = get_meeting(session, meeting_id)
    role = session.get(Role, role_id)
    if role is None or role.group_id != meeting.group_id:
        raise InputError("role_id", "that role no longer exists; pick another.")
    member = session.get(Member, member_id) if member_id else None
    if member_id and member is None:
        raise InputError("member_id", "that member no longer exists; pick another.")
    assign(session, meeting, role, member)
    who = member.name if member else "nobody"
    return f"{role.name} on {day_label(meeting.on)}: {who} (kept when roles rotate)."


@dataclass(frozen=True)
class HoldersForm:
    roles: tuple[StandingRole, ...]
    members: tuple[tuple[str, int], ...]  # (name, id)


def holders_form(session: Session, group_id: int) -> HoldersForm:
    view = roles_view(session, group_id)
    group = get_group(session, group_id)
    return HoldersForm(
        roles=view.standing,
        members=_choices(_members(session, group)),
    )


def set_holders(session: Session, group_id: int, holders: dict[int, int | None]) -> None:
    """Standing roles: role id -> member id (None: nobody)."""
    for role_id, member_id in holders.items():
        role = session.get(Role, role_id)
        if role is None or role.group_id != group_id:
            raise InputError(f"role_{role_id}", "that role no longer exists.")
        member = session.get(Member, member_id) if member_id else None
        set_holder(session, role, member)


def new_role(session: Session, group_id: int, name: str, rotates: bool) -> int:
    return id_of(add_role(session, get_group(session, group_id), name, rotates))


def _members(session: Session, group: Group, on: dt.date | None = None) -> list[Member]:
    """Who may take a role: members on that meeting's day; for standing roles, current
    members only (no alumni, no one on the recruitment list)."""
    if on is None:
        return list_members(session, group, ("active",))
    return [m for m in list_members(session, group, ("active", "alumni")) if is_member_on(m, on)]


def _choices(members: list[Member]) -> tuple[tuple[str, int], ...]:
    """(label, id) for a picker: same-named members are told apart by e-mail."""
    from .attendance import labels

    shown = labels(members)
    return tuple((shown[id_of(m)], id_of(m)) for m in members)
