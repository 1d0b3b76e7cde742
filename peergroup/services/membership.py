"""Step 2: members, their status over time, openings and the recruitment list.

Prospective members are the recruitment list. A member who leaves becomes
``alumni`` with a ``left_on`` date; rows are never deleted once they carry
history, so minutes, goals and role counts stay intact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Group, Meeting, Member, OptInRound, RoleAssignment
from ..steps import StepStatus
from ..text import fold
from . import validate
from ._ids import id_of
from .groups import get_group

STATUSES = ("prospective", "active", "alumni")


def list_members(
    session: Session, group: Group, statuses: tuple[str, ...] = STATUSES
) -> list[Member]:
    order = {"active": 0, "prospective": 1, "alumni": 2}
    rows = session.exec(
        select(Member).where(Member.group_id == group.id, col(Member.status).in_(statuses))
    )
    return sorted(rows, key=lambda m: (order.get(m.status, 9), m.name.casefold()))


def get_member(session: Session, member_id: int) -> Member:
    m = session.get(Member, member_id)
    if m is None:
        raise NotFound(f"No member with id {member_id}.")
    return m


def find_member(session: Session, group: Group, name: str) -> Member:
    """The member called ``name`` (any case or Unicode spelling); a name that is not
    one gets the closest names suggested ("priya" -> "Priya Raman")."""
    key = fold(name)
    members = list_members(session, group)
    for m in members:
        if fold(m.name) == key:
            return m
    raise NotFound(f"No member called {name!r} in {group.name}.{_suggest(key, members)}")


def _suggest(key: str, members: list[Member]) -> str:
    import difflib

    names = {fold(m.name): m.name for m in members}
    # A first name, a surname or the start of a name ...
    close = [
        real
        for folded, real in names.items()
        if key and (folded.startswith(key) or key in folded.split())
    ]
    # ... or a near miss of the whole name.
    close += [names[f] for f in difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)]
    unique = list(dict.fromkeys(close))[:3]
    if not unique:
        return " Members: " + ", ".join(m.name for m in members[:8]) + "." if members else ""
    return " Did you mean " + " or ".join(repr(n) for n in unique) + "?"


@dataclass(frozen=True)
class MemberInput:
    name: str
    email: str = ""
    status: str = "active"
    joined_on: str | dt.date | None = None
    left_on: str | dt.date | None = None
    notes: str = ""


class _MemberFields(TypedDict):
    """A member's columns, checked, as ``_clean`` gives them."""

    name: str
    email: str
    status: str
    joined_on: dt.date | None
    left_on: dt.date | None
    notes: str


def _clean(
    session: Session, group: Group, data: MemberInput, member_id: int | None
) -> _MemberFields:
    name = validate.required_line("name", data.name)
    email = validate.email("email", data.email)
    status = validate.choice("status", data.status, STATUSES)
    joined = validate.parse_date("joined", data.joined_on)
    left = validate.parse_date("left", data.left_on)
    notes = validate.text("notes", data.notes, limit=5_000)
    if status == "active" and joined is None:
        joined = clock.today()
    if status == "alumni" and left is None:
        raise InputError("left", "an alumni member needs the date they left (YYYY-MM-DD).")
    if status != "alumni" and left is not None:
        raise InputError(
            "left", "only alumni have a leaving date; set status to alumni or clear it."
        )
    if joined and left and left < joined:
        raise InputError("left", f"{left} is before the joining date {joined}; check both dates.")
    if email:
        # The folded e-mail has a unique index per group: a lookup, and a clear message.
        other = session.exec(
            select(Member).where(Member.group_id == group.id, Member.email_key == fold(email))
        ).first()
        if other is not None and other.id != member_id:
            raise InputError(
                "email",
                f"{email} already belongs to {other.name}; each member needs their own address.",
            )
    return _MemberFields(
        name=name, email=email, status=status, joined_on=joined, left_on=left, notes=notes
    )


def add_member(session: Session, group: Group, data: MemberInput) -> Member:
    member = Member(group_id=id_of(group), **_clean(session, group, data, None))
    session.add(member)
    session.flush()
    return member


def update_member(session: Session, member: Member, data: MemberInput) -> Member:
    group = get_group(session, member.group_id)
    values = _clean(session, group, data, member.id)
    renamed = values.get("name", member.name) != member.name
    for key, value in values.items():
        setattr(member, key, value)
    session.add(member)
    if renamed:  # events name their scribe and discussion lead
        from .meetings import touch_upcoming

        held = set(
            session.exec(
                select(RoleAssignment.meeting_id).where(RoleAssignment.member_id == member.id)
            )
        )
        if held:
            touch_upcoming(session, group.id or 0, meeting_ids=held)
    session.flush()
    return member


def member_leaves(session: Session, member: Member, on: dt.date | str | None = None) -> Member:
    left = validate.parse_date("left", on) or clock.today()
    if member.joined_on and left < member.joined_on:
        raise InputError("left", f"{left} is before {member.name} joined ({member.joined_on}).")
    member.status = "alumni"
    member.left_on = left
    session.add(member)
    session.flush()
    _hand_on_roles_after(session, member, left)
    return member


def _hand_on_roles_after(session: Session, member: Member, left: dt.date) -> None:
    """Someone who leaves holds no role at a meeting after they left (chosen by hand
    or not); those roles go to others, everyone else's stay as planned."""
    from . import roles as roles_svc
    from .meetings import touch_meeting

    rows = session.exec(
        select(RoleAssignment, Meeting)
        .join(Meeting, col(Meeting.id) == RoleAssignment.meeting_id)
        .where(
            RoleAssignment.member_id == member.id,
            Meeting.on >= left,  # gone on the day they leave (roles.is_member_on)
            Meeting.on >= clock.today(),  # what was held at past meetings stays history
        )
    ).all()
    for row, meeting in rows:
        session.delete(row)
        touch_meeting(meeting)  # the calendar names the role holders
        session.add(meeting)
    session.flush()
    roles_svc.rotate(session, get_group(session, member.group_id), keep_current=True)


def activate(session: Session, member: Member, on: dt.date | None = None) -> Member:
    """A prospective member joins (or an alumnus returns)."""
    member.status = "active"
    member.joined_on = on or clock.today()
    member.left_on = None
    session.add(member)
    session.flush()
    return member


@dataclass(frozen=True)
class MembershipSummary:
    active: int
    prospective: int
    alumni: int
    target: int | None
    openings: int  # target - active, never negative
    recruits_short: int  # openings not covered by the recruitment list
    size_warning: str | None
    next_opt_in: dt.date | None
    last_joined: dt.date | None


def next_opt_in(group: Group, today: dt.date) -> dt.date | None:
    if not group.opt_in_month:
        return None
    year = today.year if today.month <= group.opt_in_month else today.year + 1
    return dt.date(year, group.opt_in_month, 1)


def summary(session: Session, group: Group, today: dt.date | None = None) -> MembershipSummary:
    from .groups import size_warning

    today = today or clock.today()
    members = list_members(session, group)
    counts = {s: sum(1 for m in members if m.status == s) for s in STATUSES}
    target = group.target_size
    openings = max(0, (target or 0) - counts["active"])
    joined = [m.joined_on for m in members if m.joined_on]
    return MembershipSummary(
        active=counts["active"],
        prospective=counts["prospective"],
        alumni=counts["alumni"],
        target=target,
        openings=openings,
        recruits_short=max(0, openings - counts["prospective"]),
        size_warning=size_warning(target),
        next_opt_in=next_opt_in(group, today),
        last_joined=max(joined) if joined else None,
    )


# --- what the members screen shows, and what its keys do ---------------------------


@dataclass(frozen=True)
class MemberRow:
    """One member as the screens show them."""

    id: int
    name: str
    email: str
    status: str
    joined_on: dt.date | None
    left_on: dt.date | None
    notes: str = ""


def _row(member: Member) -> MemberRow:
    return MemberRow(
        id=id_of(member),
        name=member.name,
        email=member.email,
        status=member.status,
        joined_on=member.joined_on,
        left_on=member.left_on,
        notes=member.notes,
    )


@dataclass(frozen=True)
class MembersView:
    """Step 2 at a glance: the rules, the counts and every member."""

    group_name: str
    membership: str  # ongoing | time-limited
    end_date: dt.date | None
    end_condition: str
    opt_in_month: int | None
    summary: MembershipSummary
    members: tuple[MemberRow, ...]


def members_view(session: Session, group_id: int, today: dt.date | None = None) -> MembersView:
    from .groups import get_group

    group = get_group(session, group_id)
    return MembersView(
        group_name=group.name,
        membership=group.membership,
        end_date=group.end_date,
        end_condition=group.end_condition,
        opt_in_month=group.opt_in_month,
        summary=summary(session, group, today),
        members=tuple(_row(m) for m in list_members(session, group)),
    )


def member_details(session: Session, member_id: int) -> MemberRow:
    """One member, notes included (what the edit dialog starts from)."""
    return _row(get_member(session, member_id))


def save_member(
    session: Session, group_id: int, member_id: int | None, data: MemberInput
) -> MemberRow:
    """Add a member to the group (``member_id`` None) or change one; returns them."""
    from .groups import get_group

    if member_id is None:
        return _row(add_member(session, get_group(session, group_id), data))
    return _row(update_member(session, get_member(session, member_id), data))


@dataclass(frozen=True)
class Joined:
    name: str
    joined_on: dt.date | None
    already_active: bool  # nothing changed: they were active already


def join_group(session: Session, member_id: int, on: dt.date | None = None) -> Joined:
    """A prospective member (or an alumnus) becomes active, from ``on`` (default: today)."""
    member = get_member(session, member_id)
    if member.status == "active":
        return Joined(member.name, member.joined_on, already_active=True)
    activate(session, member, on)
    return Joined(member.name, member.joined_on, already_active=False)


def leave_group(session: Session, member_id: int, on: dt.date | str | None = None) -> MemberRow:
    return _row(member_leaves(session, get_member(session, member_id), on))


def start_opt_in_round(session: Session, group: Group, year: int) -> list[OptInRound]:
    """Ask every active member to opt in or out for ``year`` (idempotent)."""
    existing = {
        r.member_id: r
        for r in session.exec(
            select(OptInRound).where(OptInRound.group_id == group.id, OptInRound.year == year)
        )
    }
    rows = []
    for m in list_members(session, group, ("active",)):
        member_id = id_of(m)
        row = existing.get(member_id) or OptInRound(
            group_id=id_of(group), member_id=member_id, year=year
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def record_opt_in(
    session: Session, row: OptInRound, answer: str, on: dt.date | None = None
) -> OptInRound:
    row.answer = validate.choice("answer", answer, ("in", "out", "pending"))
    row.answered_on = on or clock.today()
    session.add(row)
    if row.answer == "out":
        member_leaves(session, get_member(session, row.member_id), row.answered_on)
    session.flush()
    return row


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("membership")
    s = summary(session, group, today)
    if s.target is None:
        step.missing.append("Set a target group size (4 to 12 is typical).")
    if s.active == 0:
        step.missing.append("Add the group's members.")
    elif s.active < 2:
        step.missing.append("Add more members: a peer group needs at least two.")
    if group.opt_in_month is None and group.membership == "ongoing":
        step.missing.append("Pick the month of the yearly opt-in/opt-out round.")
    if s.recruits_short:
        step.missing.append(
            f"{s.openings} opening(s) and only {s.prospective} on the recruitment list: "
            "add prospective members."
        )
    return step.finish(s.active > 0 or s.target is not None)
