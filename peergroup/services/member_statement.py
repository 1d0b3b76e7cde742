"""A member's statement of their work in the group, for a promotion dossier or portfolio.

Recognising the mentoring and teaching people do in a peer group is one of the
few levers a department has, and a dossier needs facts it can check. The
statement holds only what the group's records say about one member: the period
of membership, meetings attended out of those held while they were a member,
the roles they took and how often, the sessions they led and on what, their
own goals met, and the outcomes recorded for them in yearly reviews.

What it never reads: reflections (private or shared), the journal, anonymous
survey or check answers, minutes text. Who invited an outside expert is not
recorded anywhere, so experts are not credited to anyone.

A meeting is *held* when it was not cancelled and its date has passed;
attendance counts only held meetings whose attendance was taken. With a
year, everything is restricted to that calendar year: meetings on its days,
goals met in it, and the tallies of reviews whose period starts in it. A goal
counts as met on the day of its first 100% check-in, else on its due date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..export.document import Bullets, Document, Facts, Heading, Para, Table, render
from ..models import (
    Attendance,
    Evaluation,
    Goal,
    Group,
    Meeting,
    Member,
    OutcomeTally,
    Role,
    RoleAssignment,
)
from . import competencies as comp
from . import goals as goals_svc
from . import roles as roles_svc
from . import tallies
from . import topics as topics_svc

# How each built-in role is named in a statement (a custom role keeps its own name).
ROLE_WORDING = {
    "facilitator": "Facilitator",
    "scribe": "Scribe (minutes)",
    "lead": "Discussion lead",
    "correspondence": "Correspondence",
}


@dataclass(frozen=True)
class LedSession:
    on: dt.date
    topic: str  # the meeting's topic line (services.topics.topic_line)


@dataclass(frozen=True)
class GoalMet:
    goal_id: int
    title: str
    on: dt.date | None  # None: marked achieved with no check-in and no due date


@dataclass(frozen=True)
class Statement:
    group: str
    member: str
    year: int | None
    joined_on: dt.date | None
    left_on: dt.date | None
    status: str
    held: int  # meetings held while a member with attendance taken (in the year, if any)
    attended: int  # of those, present
    roles: tuple[tuple[str, int], ...]  # (role name, times), most first
    led: tuple[LedSession, ...]
    goals_met: tuple[GoalMet, ...]
    outcomes: tuple[tuple[str, int], ...]  # (outcome label, count)
    # Competencies of the topics of the sessions they led and of their goals met
    # (labels with how many sessions or goals carried each), framework order.
    competencies: tuple[tuple[str, int], ...] = ()
    framework: str = ""
    # Set when the group's meetings are on record only from a day after the
    # statement's period began (joined, or 1 January of the year): say so.
    records_from: dt.date | None = None
    today: dt.date = dt.date.min  # the day it was prepared (always given)


def _span(year: int | None) -> tuple[dt.date, dt.date] | None:
    return (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else None


def _in(day: dt.date | None, span: tuple[dt.date, dt.date] | None) -> bool:
    if span is None:
        return True
    return day is not None and span[0] <= day <= span[1]


def statement(
    session: Session, member_id: int, year: int | None = None, today: dt.date | None = None
) -> Statement:
    today = today or clock.today()
    member = session.get(Member, member_id)
    if member is None:
        from ..errors import NotFound

        raise NotFound("That member is no longer in the database.")
    group = session.get(Group, member.group_id)
    span = _span(year)
    held = [
        m
        for m in session.exec(
            select(Meeting)
            .where(Meeting.group_id == member.group_id, Meeting.status == "scheduled")
            .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
        )
        if m.on < today and _in(m.on, span)
    ]
    held_ids = [m.id for m in held if m.id is not None]
    present: set[int] = set()
    recorded: set[int] = set()
    roles_of: dict[int, list[int]] = {}
    if held_ids:
        for a in session.exec(
            select(Attendance).where(
                col(Attendance.meeting_id).in_(held_ids), Attendance.member_id == member_id
            )
        ):
            recorded.add(a.meeting_id)
            if a.status == "present":
                present.add(a.meeting_id)
        for ra in session.exec(
            select(RoleAssignment).where(
                col(RoleAssignment.meeting_id).in_(held_ids),
                RoleAssignment.member_id == member_id,
            )
        ):
            roles_of.setdefault(ra.meeting_id, []).append(ra.role_id)
    # Held while a member (on a day they belonged, or one they were recorded at),
    # counting only meetings whose attendance was taken, as the yearly review does.
    taken = (
        set(
            session.exec(
                select(col(Attendance.meeting_id)).where(col(Attendance.meeting_id).in_(held_ids))
            )
        )
        if held_ids
        else set()
    )
    mine = [
        m
        for m in held
        if m.id in taken and (roles_svc.is_member_on(member, m.on) or m.id in recorded)
    ]
    roles = {r.id: r for r in session.exec(select(Role).where(Role.group_id == member.group_id))}
    counts: Counter[str] = Counter()
    led: list[LedSession] = []
    lines = topics_svc.topic_lines(session, member.group_id)
    by_topic = comp.tags_by_topic(session, member.group_id)
    worked: Counter[str] = Counter()
    for m in held:
        for role_id in roles_of.get(m.id or 0, []):
            role = roles.get(role_id)
            if role is None:
                continue
            counts[ROLE_WORDING.get(role.key or "", role.name)] += 1
            if role.key == roles_svc.LEAD:
                led.append(LedSession(m.on, lines.get(m.id or 0, "")))
                worked.update(by_topic.get(m.topic_id, []) if m.topic_id is not None else [])
    met = _goals_met(session, member_id, span)
    for g in met:
        worked.update(comp.goal_tags(session, g.goal_id))
    names = comp.available(session, member.group_id)
    return Statement(
        group=group.name if group else "",
        member=member.name,
        year=year,
        joined_on=member.joined_on,
        left_on=member.left_on,
        status=member.status,
        held=len(mine),
        attended=sum(1 for m in mine if m.id in present),
        roles=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))),
        led=tuple(led),
        goals_met=tuple(met),
        outcomes=tuple(_outcomes(session, member_id, year)),
        today=today,
        competencies=tuple((c.label, worked[c.key]) for c in names if worked[c.key]),
        framework=comp.framework_name(),
        records_from=_records_from(session, member, span),
    )


def _records_from(
    session: Session, member: Member, span: tuple[dt.date, dt.date] | None
) -> dt.date | None:
    first = session.exec(
        select(col(Meeting.on)).where(Meeting.group_id == member.group_id).order_by(col(Meeting.on))
    ).first()
    begins = max(d for d in (member.joined_on, span[0] if span else None, dt.date.min) if d)
    return first if first is not None and first > begins else None


def _goals_met(
    session: Session, member_id: int, span: tuple[dt.date, dt.date] | None
) -> list[GoalMet]:
    goals = list(
        session.exec(
            select(Goal)
            .where(Goal.member_id == member_id, Goal.status == "achieved")
            .order_by(col(Goal.id))
        )
    )
    out = []
    met = goals_svc.met_on(session, goals)
    for g in goals:
        on = met.get(g.id or 0)
        if _in(on, span):
            out.append(GoalMet(g.id or 0, g.title, on))
    out.sort(key=lambda g: (g.on or dt.date.max, g.title.casefold()))
    return out


def _outcomes(session: Session, member_id: int, year: int | None) -> list[tuple[str, int]]:
    query = (
        select(OutcomeTally.kind, OutcomeTally.label, OutcomeTally.count)
        .join(Evaluation, col(Evaluation.id) == OutcomeTally.evaluation_id)
        .where(OutcomeTally.member_id == member_id, col(OutcomeTally.count) > 0)
    )
    if year:
        query = query.where(Evaluation.year == year)
    totals: Counter[str] = Counter()
    for kind, label, count in session.exec(query):
        totals[tallies.kind_label(kind, label)] += count
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


# --- the document ------------------------------------------------------------------


def _day(d: dt.date | None) -> str:
    return f"{d:%d %b %Y}" if d else "—"


def document(view: Statement) -> Document:
    period = f"the year {view.year}" if view.year else "the whole membership"
    doc = Document(
        title=f"{view.member}: contribution to {view.group}",
        subtitle=f"Statement of participation · {period}",
        footer=(
            f"Prepared with Peergroup on {_day(view.today)} from the group's own records "
            "(attendance, roles, goals and yearly reviews). Private reflections, journal "
            "entries and anonymous answers are never part of it."
        ),
    )
    until = _day(view.left_on) if view.left_on else "present"
    rate = f" ({view.attended * 100 // view.held}%)" if view.held else ""
    doc.add(
        Facts(
            [
                ("Member", view.member),
                ("Group", view.group),
                ("Membership", f"{_day(view.joined_on)} to {until}"),
                (
                    "Meetings attended",
                    f"{view.attended} of {view.held} held while a member{rate}"
                    + (" (meetings whose attendance was taken)" if view.held else ""),
                ),
            ]
        )
    )
    if view.records_from:
        doc.add(
            Para(
                f"The group's meetings are on record from {_day(view.records_from)}; "
                "earlier meetings, roles and sessions are not counted here.",
                "note",
            )
        )
    doc.add(Heading("Roles held"))
    if view.roles:
        doc.add(Table(["Role", "Times"], [[name, str(n)] for name, n in view.roles], numeric=[1]))
    else:
        doc.add(Para("No roles recorded in this period.", "note"))
    doc.add(Heading("Sessions led"))
    if view.led:
        doc.add(Table(["Date", "Topic"], [[_day(s.on), s.topic or "—"] for s in view.led]))
    else:
        doc.add(Para("No sessions led in this period.", "note"))
    if view.competencies:
        doc.add(
            Heading(
                f"Competencies worked on ({view.framework})"
                if view.framework
                else "Competencies worked on"
            )
        )
        doc.add(
            Para(
                "From the competency tags of the topics of the sessions led and of the goals met.",
                "note",
            )
        )
        doc.add(
            Table(
                ["Competency", "Sessions and goals"],
                [[name, str(n)] for name, n in view.competencies],
                numeric=[1],
            )
        )
    doc.add(Heading("Own goals met"))
    if view.goals_met:
        doc.add(Bullets([f"{g.title} ({_day(g.on)})" if g.on else g.title for g in view.goals_met]))
    else:
        doc.add(Para("No goals marked as met in this period.", "note"))
    doc.add(Heading("Outcomes recorded in yearly reviews"))
    if view.outcomes:
        doc.add(
            Table(["Outcome", "Count"], [[name, str(n)] for name, n in view.outcomes], numeric=[1])
        )
    else:
        doc.add(Para("No outcomes recorded for this member in this period.", "note"))
    return doc


def member_statement(
    session: Session,
    member_id: int,
    fmt: str,
    year: int | None = None,
    today: dt.date | None = None,
) -> tuple[str, str]:
    """(the rendered statement, the member's name)."""
    view = statement(session, member_id, year, today)
    return render(document(view), fmt), view.member
