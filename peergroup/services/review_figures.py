"""Step 10: the activity figures of a review year, computed from the group's records.

Meetings held, planned and cancelled; attendance per meeting and per member;
minutes recorded; action items opened, closed and overdue; topics covered by
family; outside experts who came; who took which rotating role; members who
joined and left. A meeting is *held* when it was not cancelled and its date
has passed; attendance rates count only meetings whose attendance was taken.

When a review is finished its figures are frozen (``Evaluation.figures``, as
JSON) so the record stays as it was decided on. A year Peergroup has no
meetings for keeps the figures it was given (a group file can bring the
figures of years before the group used Peergroup).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock, content
from ..models import (
    ActionItem,
    Attendance,
    Evaluation,
    Expert,
    ExpertInvitation,
    Group,
    Meeting,
    Member,
    Minutes,
    Role,
    RoleAssignment,
    Topic,
)
from . import roles as roles_svc
from .review import period_end


@dataclass(frozen=True)
class MeetingFigure:
    on: dt.date
    present: int
    expected: int  # members on the day (plus anyone recorded); 0: attendance not taken

    @property
    def rate(self) -> float | None:
        return round(100 * self.present / self.expected, 1) if self.expected else None


@dataclass(frozen=True)
class MemberFigure:
    name: str
    present: int
    expected: int  # held meetings with attendance taken while they were a member

    @property
    def rate(self) -> float | None:
        return round(100 * self.present / self.expected, 1) if self.expected else None


@dataclass(frozen=True)
class RoleFigure:
    name: str  # the member
    counts: tuple[int, ...]  # one per ``ActivityFigures.role_names``


@dataclass(frozen=True)
class ActivityFigures:
    start: dt.date
    end: dt.date
    planned: int  # every meeting on the calendar in the year, cancelled ones included
    held: int
    cancelled: int
    upcoming: int  # not cancelled, date not reached yet
    attendance_rate: float | None  # percent over meetings with attendance taken
    minutes_recorded: int  # held meetings with minutes
    minutes_finalised: int
    actions_opened: int
    actions_closed: int
    actions_overdue: int  # raised in the year, still open, past their due date
    active_members: int  # at the end of the year (or today, if sooner)
    joined: int
    left: int
    meetings: tuple[MeetingFigure, ...] = ()
    members: tuple[MemberFigure, ...] = ()
    topics: tuple[tuple[str, int], ...] = ()  # (family label, meetings held on it)
    experts: tuple[str, ...] = ()  # outside experts who came
    role_names: tuple[str, ...] = ()
    roles: tuple[RoleFigure, ...] = ()
    frozen: bool = False  # read from the finished record, not computed now

    @property
    def no_meetings(self) -> bool:
        return self.planned == 0


# --- reads of other areas' tables (small, so they can move to their services) -----------


def topic_families_held(session: Session, meeting_ids: list[int]) -> Counter[str]:
    """family key -> how many of these meetings had a topic of that family."""
    if not meeting_ids:
        return Counter()
    rows = session.exec(
        select(Topic.family)
        .join(Meeting, col(Meeting.topic_id) == Topic.id)
        .where(col(Meeting.id).in_(meeting_ids))
    )
    return Counter(rows)


def experts_who_came(session: Session, meeting_ids: list[int]) -> list[str]:
    """Names of outside experts marked as having attended one of these meetings."""
    if not meeting_ids:
        return []
    rows = session.exec(
        select(Expert.name)
        .join(ExpertInvitation, col(ExpertInvitation.expert_id) == Expert.id)
        .where(
            col(ExpertInvitation.meeting_id).in_(meeting_ids),
            ExpertInvitation.status == "attended",
        )
    )
    return sorted(set(rows), key=str.casefold)


# --- computing -------------------------------------------------------------------------


def compute(
    session: Session, group: Group, start: dt.date, today: dt.date | None = None
) -> ActivityFigures:
    today = today or clock.today()
    end = period_end(start)
    meetings = list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.group_id == group.id,
                col(Meeting.on) >= start,
                col(Meeting.on) <= end,
            )
            .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
        )
    )
    held = [m for m in meetings if m.status == "scheduled" and m.on < today]
    held_ids = [m.id for m in held if m.id is not None]
    all_ids = [m.id for m in meetings if m.id is not None]
    members = list(session.exec(select(Member).where(Member.group_id == group.id)))

    recorded: dict[int, dict[int, str]] = {}
    if held_ids:
        for a in session.exec(select(Attendance).where(col(Attendance.meeting_id).in_(held_ids))):
            recorded.setdefault(a.meeting_id, {})[a.member_id] = a.status
    per_meeting = []
    present_by: Counter[int] = Counter()
    expected_by: Counter[int] = Counter()
    for m in held:
        statuses = recorded.get(m.id or 0, {})
        if not statuses:
            per_meeting.append(MeetingFigure(m.on, 0, 0))
            continue
        people = {
            p.id for p in members if p.id is not None and roles_svc.is_member_on(p, m.on)
        } | set(statuses)
        present = [pid for pid in people if statuses.get(pid) == "present"]
        for pid in people:
            expected_by[pid] += 1
        for pid in present:
            present_by[pid] += 1
        per_meeting.append(MeetingFigure(m.on, len(present), len(people)))
    total_expected = sum(f.expected for f in per_meeting)
    total_present = sum(f.present for f in per_meeting)
    names: dict[int | None, str] = {p.id: p.name for p in members}
    per_member = tuple(
        sorted(
            (MemberFigure(names[pid], present_by[pid], n) for pid, n in expected_by.items()),
            key=lambda f: f.name.casefold(),
        )
    )

    with_minutes = finalised = 0
    if held_ids:
        for text, done in session.exec(
            select(Minutes.text, Minutes.finalised_at).where(col(Minutes.meeting_id).in_(held_ids))
        ):
            with_minutes += bool(text.strip())
            finalised += done is not None

    opened = closed = overdue = 0
    if all_ids:
        for item in session.exec(select(ActionItem).where(col(ActionItem.meeting_id).in_(all_ids))):
            opened += 1
            if item.status != "open":
                closed += 1
            elif item.due is not None and item.due < today:
                overdue += 1

    families = content.topic_families()
    held_topics = topic_families_held(session, held_ids)
    topics = tuple(
        (families.get(key, key.capitalize()), n)
        for key, n in sorted(held_topics.items(), key=lambda kv: (-kv[1], kv[0]))
    )

    role_names, role_rows = _role_counts(session, group, held_ids, names)
    until = min(end, today)
    return ActivityFigures(
        start=start,
        end=end,
        planned=len(meetings),
        held=len(held),
        cancelled=sum(1 for m in meetings if m.status == "cancelled"),
        upcoming=sum(1 for m in meetings if m.status == "scheduled" and m.on >= today),
        attendance_rate=round(100 * total_present / total_expected, 1) if total_expected else None,
        minutes_recorded=with_minutes,
        minutes_finalised=finalised,
        actions_opened=opened,
        actions_closed=closed,
        actions_overdue=overdue,
        active_members=sum(1 for p in members if roles_svc.is_member_on(p, until)),
        joined=sum(1 for p in members if p.joined_on and start <= p.joined_on <= end),
        left=sum(1 for p in members if p.left_on and start <= p.left_on <= end),
        meetings=tuple(per_meeting),
        members=per_member,
        topics=topics,
        experts=tuple(experts_who_came(session, held_ids)),
        role_names=role_names,
        roles=role_rows,
    )


def _role_counts(
    session: Session, group: Group, held_ids: list[int], names: dict[int | None, str]
) -> tuple[tuple[str, ...], tuple[RoleFigure, ...]]:
    roles = [r for r in roles_svc.list_roles(session, group) if r.rotates]
    if not roles or not held_ids:
        return tuple(r.name for r in roles), ()
    counts: Counter[tuple[int, int]] = Counter()
    for member_id, role_id in session.exec(
        select(RoleAssignment.member_id, RoleAssignment.role_id)
        .join(Role, col(Role.id) == RoleAssignment.role_id)
        .where(col(RoleAssignment.meeting_id).in_(held_ids), col(Role.rotates).is_(True))
    ):
        counts[(member_id, role_id)] += 1
    people = sorted({m for m, _r in counts}, key=lambda m: names.get(m, "").casefold())
    rows = tuple(
        RoleFigure(names.get(m, "?"), tuple(counts[(m, r.id or 0)] for r in roles)) for m in people
    )
    return tuple(r.name for r in roles), rows


# --- frozen figures ------------------------------------------------------------------------


def to_json(figures: ActivityFigures) -> str:
    data = dataclasses.asdict(figures)
    data.pop("frozen", None)
    return json.dumps(data, default=str, sort_keys=True)


def from_json(text: str) -> ActivityFigures:
    data = json.loads(text)
    day = dt.date.fromisoformat
    return ActivityFigures(
        **{
            **{k: v for k, v in data.items() if k in _SCALARS},
            "start": day(data["start"]),
            "end": day(data["end"]),
            "meetings": tuple(
                MeetingFigure(day(m["on"]), m["present"], m["expected"])
                for m in data.get("meetings", ())
            ),
            "members": tuple(
                MemberFigure(m["name"], m["present"], m["expected"])
                for m in data.get("members", ())
            ),
            "topics": tuple((t[0], t[1]) for t in data.get("topics", ())),
            "experts": tuple(data.get("experts", ())),
            "role_names": tuple(data.get("role_names", ())),
            "roles": tuple(
                RoleFigure(r["name"], tuple(r["counts"])) for r in data.get("roles", ())
            ),
            "frozen": True,
        }
    )


_SCALARS = {
    "planned",
    "held",
    "cancelled",
    "upcoming",
    "attendance_rate",
    "minutes_recorded",
    "minutes_finalised",
    "actions_opened",
    "actions_closed",
    "actions_overdue",
    "active_members",
    "joined",
    "left",
}
SCALARS = tuple(sorted(_SCALARS))


def figures_for(session: Session, ev: Evaluation, today: dt.date | None = None) -> ActivityFigures:
    """A finished review's frozen figures; an open one's as they stand today (or the
    figures it was given, for a year with no meetings in the database)."""
    from .groups import get_group

    if ev.figures and ev.completed_on is not None:
        return from_json(ev.figures)
    group = get_group(session, ev.group_id)
    live = compute(session, group, ev.period_start, today)
    if live.no_meetings and ev.figures:
        return from_json(ev.figures)
    return live


def freeze(session: Session, ev: Evaluation, today: dt.date) -> None:
    """Keep the figures as they stand (called when the review is finished)."""
    from .groups import get_group

    live = compute(session, get_group(session, ev.group_id), ev.period_start, today)
    if live.no_meetings and ev.figures:
        return  # a year from before Peergroup: keep the figures it was given
    ev.figures = to_json(live)
    session.add(ev)
