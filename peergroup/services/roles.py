"""Step 4: roles, shared out fairly.

Standing roles (facilitator, correspondence) have one holder. Rotating roles
(scribe, discussion lead, and any custom role marked as rotating) are given
per meeting: ``rotate`` fills the upcoming meetings so that each member's
count stays as even as possible, skipping members who sent apologies or are
not members on that date. Assignments made by hand are marked ``manual`` and
rotation leaves them alone (but counts them).

Per-member counts, and what the roles screen and its dialogs read and save,
are in ``roles_views`` (still importable from here).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Attendance, Group, Meeting, Member, Role, RoleAssignment
from ..text import fold
from . import _moved, validate
from ._ids import id_of
from .groups import get_group
from .rotation import Person, Turns, choose_holders


def list_roles(session: Session, group: Group) -> list[Role]:
    return list(session.exec(select(Role).where(Role.group_id == group.id).order_by(col(Role.id))))


SCRIBE, LEAD, FACILITATOR = "scribe", "lead", "facilitator"  # stable role keys


def role_by_key(session: Session, group_id: int, key: str) -> Role | None:
    """A group's built-in role by its stable key ("scribe", "lead", ...)."""
    return session.exec(select(Role).where(Role.group_id == group_id, Role.key == key)).first()


def find_role(session: Session, group: Group, name: str) -> Role:
    """A role by its key or by its name as typed (any case)."""
    role = (
        role_by_key(session, id_of(group), name.strip())
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
    role = Role(group_id=id_of(group), name=name, rotates=rotates)
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
    changes that assignment (see scribe.take_over_scribe), so the calendar, the
    minutes, the .ics and the running list all read the same fact.
    """
    rows = session.exec(
        select(
            col(RoleAssignment.meeting_id), Role, col(RoleAssignment.member_id), col(Member.name)
        )
        .join(Role, col(Role.id) == RoleAssignment.role_id)
        .join(Member, col(Member.id) == RoleAssignment.member_id)
        .where(Role.group_id == group.id)
        .order_by(col(Role.id))
    )
    out: dict[int, dict[int, Held]] = {}
    for meeting_id, role, member_id, name in rows:
        role_id = id_of(role)
        out.setdefault(meeting_id, {})[role_id] = Held(
            role_id, role.key, role.name, member_id, name
        )
    return out


def held_by_key(held: dict[int, Held], key: str) -> Held | None:
    """The holder of the built-in role ``key`` among one meeting's holders."""
    return next((h for h in held.values() if h.role_key == key), None)


def holder(session: Session, meeting_id: int, key: str) -> Member | None:
    """Who holds the built-in role ``key`` ("scribe", "lead", ...) at a meeting."""
    stmt = (
        select(Member)
        .join(RoleAssignment, col(RoleAssignment.member_id) == Member.id)
        .join(Role, col(Role.id) == RoleAssignment.role_id)
        .where(RoleAssignment.meeting_id == meeting_id, Role.key == key)
    )
    return session.exec(stmt).first()


def holder_name(session: Session, meeting: Meeting, role: str) -> str:
    """The name of whoever holds ``role`` (a key, or a role's name) at ``meeting``."""
    found = find_role(session, get_group(session, meeting.group_id), role)
    stmt = (
        select(Member.name)
        .join(RoleAssignment, col(RoleAssignment.member_id) == Member.id)
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

    A rotating role given by hand to someone who already holds another
    *rotated* role at that meeting takes that other role off them: it passes to
    someone available who holds none there (one person, one role, while there
    are enough people). Roles given by hand are never taken back.

    ``touch=False`` is for records being created (a group-file import): the
    meeting's first version, so its calendar SEQUENCE stays 0.
    """
    if role.group_id != meeting.group_id:
        raise InputError("role", "that role belongs to another group.")
    from .meetings import touch_meeting

    current = assignments(session, meeting).get(id_of(role))
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
    member_id = id_of(member)
    row = current or RoleAssignment(
        meeting_id=id_of(meeting), role_id=id_of(role), member_id=member_id
    )
    changed = current is None or current.member_id != member_id
    row.member_id = member_id
    row.manual = True
    session.add(row)
    session.flush()
    if role.rotates:
        changed = _pass_on_other_roles(session, meeting, role, member) or changed
    if touch and changed:
        touch_meeting(meeting)  # the event's description names role holders
        session.add(meeting)
    session.flush()
    return row


def _pass_on_other_roles(session: Session, meeting: Meeting, kept: Role, member: Member) -> bool:
    """Rotated roles ``member`` holds at ``meeting`` besides ``kept`` go to others."""
    rotating = {
        r.id
        for r in session.exec(select(Role).where(Role.group_id == meeting.group_id))
        if r.rotates
    }
    rows = assignments(session, meeting)
    clashes = [
        a
        for rid, a in rows.items()
        if rid != kept.id and rid in rotating and a.member_id == member.id and not a.manual
    ]
    changed = False
    for a in clashes:
        holding = {x.member_id for x in rows.values()}
        free = [p for p in _available(session, meeting) if p.id not in holding]
        if not free:
            continue
        turns = Counter(
            session.exec(
                select(RoleAssignment.member_id)
                .join(Meeting)
                .where(RoleAssignment.role_id == a.role_id, Meeting.status == "scheduled")
            )
        )
        pick = min(free, key=lambda p: (turns[id_of(p)], p.name.casefold(), id_of(p)))
        a.member_id = id_of(pick)
        session.add(a)
        changed = True
    return changed


def _available(session: Session, meeting: Meeting) -> list[Member]:
    """Who can take a role at ``meeting``: those marked present once anyone is,
    else the members of that day who did not send apologies."""
    marks = dict(
        session.exec(
            select(Attendance.member_id, Attendance.status).where(
                Attendance.meeting_id == meeting.id
            )
        ).all()
    )
    members = session.exec(select(Member).where(Member.group_id == meeting.group_id))
    if "present" in marks.values():
        return [p for p in members if marks.get(id_of(p)) == "present"]
    return [p for p in members if is_member_on(p, meeting.on) and p.id not in marks]


def _apologies(session: Session, meeting_ids: list[int]) -> set[tuple[int, int]]:
    if not meeting_ids:
        return set()
    rows = session.exec(
        select(Attendance.meeting_id, Attendance.member_id).where(
            col(Attendance.meeting_id).in_(meeting_ids), Attendance.status == "apologies"
        )
    )
    return set(rows)


def rotate(
    session: Session,
    group: Group,
    today: dt.date | None = None,
    *,
    touch: bool = True,
    keep_current: bool = False,
) -> int:
    """(Re)assign rotating roles for upcoming meetings. Returns how many were set.

    ``keep_current`` only fills what is missing: a role nobody holds, or one
    held by someone who cannot be there (left, or sent apologies). Holders the
    group already knows about stay put; the roles screen's "plan" rebalances
    everything that was not chosen by hand.

    The roles of one meeting are chosen together (``choose_holders``): nobody
    gets two rotating roles at a meeting while someone available has none, and
    each role's turns stay as even as the members' availability allows.

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
            .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
        )
    )
    upcoming = [m for m in meetings if m.on >= today]
    past_ids = {id_of(m) for m in meetings if m.on < today}
    away = _apologies(session, [id_of(m) for m in upcoming])
    role_ids = {id_of(r) for r in roles}
    # Index once: meeting -> role -> assignment.
    by_meeting: dict[int, dict[int, RoleAssignment]] = {}
    for a in session.exec(
        select(RoleAssignment)
        .join(Meeting)
        .where(Meeting.group_id == group.id, Meeting.status == "scheduled")
    ):
        if a.role_id in role_ids:
            by_meeting.setdefault(a.meeting_id, {})[a.role_id] = a
    order = {id_of(m): i for i, m in enumerate(meetings)}
    # Turns start from what is fixed: past meetings and choices made by hand.
    turns = Turns(role_ids)
    fixed = [
        a
        for rows in by_meeting.values()
        for a in rows.values()
        if a.meeting_id in past_ids or a.manual
    ]
    for a in sorted(fixed, key=lambda a: order[a.meeting_id]):
        turns.took(a.role_id, a.member_id, order[a.meeting_id])
    from .meetings import touch_meeting

    changed = 0
    for m in upcoming:
        meeting_id = id_of(m)
        current = by_meeting.setdefault(meeting_id, {})
        free = [rid for rid in map(id_of, roles) if not (rid in current and current[rid].manual)]
        if not free:
            continue
        eligible = [
            Person(id_of(p), p.name)
            for p in members
            if is_member_on(p, m.on) and (meeting_id, id_of(p)) not in away
        ]
        busy = {a.member_id for a in current.values() if a.manual}
        if keep_current:
            can_come = {p.id for p in eligible}
            kept = []
            for rid in free:
                row = current.get(rid)
                if row is not None and row.member_id in can_come and row.member_id not in busy:
                    kept.append(rid)
                    busy.add(row.member_id)
                    turns.took(rid, row.member_id, order[meeting_id])
            free = [rid for rid in free if rid not in kept]
            if not free:
                continue
        picks = choose_holders(free, eligible, busy, turns)
        touched = False
        for role_id in free:
            row, pick = current.get(role_id), picks.get(role_id)
            if pick is None:
                if row is not None:
                    session.delete(row)
                    del current[role_id]
                    changed += 1
                    touched = True
                continue
            turns.took(role_id, pick, order[meeting_id])
            if row is None:
                current[role_id] = RoleAssignment(
                    meeting_id=meeting_id, role_id=role_id, member_id=pick
                )
                session.add(current[role_id])
            elif row.member_id != pick:
                row.member_id = pick
                session.add(row)
            else:
                continue
            changed += 1
            touched = True
        if touch and touched:  # the event's description names the role holders
            touch_meeting(m)
            session.add(m)
    session.flush()
    return changed


# --- moved: what the roles screen reads and saves is in roles_views ----------------

if TYPE_CHECKING:
    from .roles_views import (  # noqa: F401 - forwarded by __getattr__ below
        AssignForm,
        HoldersForm,
        RoleColumn,
        RoleCount,
        RolesView,
        StandingRole,
        TurnsRow,
        UpcomingRoles,
        assign_by_ids,
        assign_form,
        holders_form,
        new_role,
        role_counts,
        roles_view,
        rotate_group,
        set_holders,
    )


def __getattr__(name: str) -> object:
    return _moved.forward(__name__, name, "roles_views")
