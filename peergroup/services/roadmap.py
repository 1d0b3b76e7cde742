"""The home screen's roadmap: each step's status computed from the data.

Nothing here is ticked by hand. A step is ``done`` when the data shows the
group has done it, ``partial`` when it has started, ``todo`` when nothing is
there, ``attention`` when something has lapsed (an overdue mission, a check
more than a year old), and ``optional`` for a step only needed sometimes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from .. import clock, content
from ..models import (
    ConsequenceCheck,
    Evaluation,
    Expert,
    Group,
    Meeting,
    Minutes,
    Reflection,
    SupportRequest,
    Topic,
    TopicRating,
)
from . import goals as goals_svc
from . import membership as membership_svc
from . import peer as peer_svc

STATES = ("done", "partial", "todo", "attention", "optional")


@dataclass
class StepStatus:
    number: int
    key: str
    title: str
    summary: str
    state: str = "todo"
    missing: list[str] = field(default_factory=list)
    next_action: str = ""


def _count(session: Session, stmt) -> int:  # noqa: ANN001
    return session.exec(stmt).one()


def roadmap(session: Session, group: Group, today: dt.date | None = None) -> list[StepStatus]:
    today = today or clock.today()
    steps = {
        s["key"]: StepStatus(s["number"], s["key"], s["title"], s["summary"])
        for s in content.steps()
    }
    _peer(session, group, steps["peer"])
    _membership(session, group, steps["membership"], today)
    _goals(session, group, steps["goals"], today)
    _logistics(session, group, steps["logistics"], today)
    _support(session, group, steps["support"])
    _topics(session, group, steps["topics"], today)
    _experts(session, group, steps["experts"])
    _reflection(session, group, steps["reflection"], today)
    _consequences(session, group, steps["consequences"], today)
    _tracking(session, group, steps["tracking"], today)
    return sorted(steps.values(), key=lambda s: s.number)


def next_step(statuses: list[StepStatus]) -> StepStatus | None:
    """The one next thing to do: anything lapsed first, then the earliest unfinished step."""
    for s in statuses:
        if s.state == "attention":
            return s
    for s in statuses:
        if s.state in ("todo", "partial"):
            return s
    return None


def _finish(step: StepStatus, started: bool) -> None:
    if step.state == "attention":
        return
    if not step.missing:
        step.state = "done"
    else:
        step.state = "partial" if started else "todo"
        step.next_action = step.next_action or step.missing[0]


def _peer(session: Session, group: Group, step: StepStatus) -> None:
    lines = peer_svc.definition_lines(session, group)
    if not lines:
        step.missing.append(
            "Say what members have in common (institution, track, career stage, ...)."
        )
    _finish(step, bool(lines))


def _membership(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    s = membership_svc.summary(session, group, today)
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
            f"{s.openings} opening(s) and only {s.prospective} on the recruitment list: add prospective members."
        )
    _finish(step, s.active > 0 or s.target is not None)


def _goals(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    goals = goals_svc.list_goals(session, group, include_closed=False)
    mission = goals_svc.current_mission(session, group)
    group_goals = [g for g in goals if g.member_id is None]
    if mission is None:
        step.missing.append("Write the group's mission statement.")
    elif goals_svc.mission_overdue(mission, today):
        step.state = "attention"
        step.next_action = f"The mission was due for a revisit on {mission.revisit_by:%Y-%m-%d}: review it and adopt a new version."
        step.missing.append(step.next_action)
    if not group_goals:
        step.missing.append("Add at least one goal for the group as a whole.")
    if not any(g.member_id is not None for g in goals):
        step.missing.append("Add individual goals for members.")
    unsmart = [g for g in goals if goals_svc.smart_check(g, today)]
    if unsmart:
        step.missing.append(
            f"{len(unsmart)} goal(s) are not fully SMART yet, e.g. {unsmart[0].title!r}."
        )
    _finish(step, bool(goals) or mission is not None)


def _logistics(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    last = session.exec(
        select(func.max(Meeting.on)).where(
            Meeting.group_id == group.id, Meeting.status == "scheduled"
        )
    ).one()
    if group.frequency is None:
        step.missing.append("Set how often, when and where the group meets.")
    if last is None or last < today + relativedelta(months=5):
        step.missing.append("Set meeting dates six months ahead.")
    if not (group.expect_attendance or group.expect_communication or group.expect_agenda):
        step.missing.append("Write down what members can expect of each other.")
    _finish(step, group.frequency is not None or last is not None)


def _support(session: Session, group: Group, step: StepStatus) -> None:
    n = _count(
        session,
        select(func.count()).select_from(SupportRequest).where(SupportRequest.group_id == group.id),
    )
    if not n:
        step.missing.append("Plan what to ask the department for, and of whom.")
    _finish(step, n > 0)


def _topics(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    topics = _count(
        session, select(func.count()).select_from(Topic).where(Topic.group_id == group.id)
    )
    ratings = _count(
        session,
        select(func.count()).select_from(TopicRating).join(Topic).where(Topic.group_id == group.id),
    )
    planned = _count(
        session,
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.group_id == group.id, Meeting.on >= today, Meeting.topic_id.is_not(None)),
    )
    if not ratings:
        step.missing.append("Run the needs assessment: members rate the topics they want.")
    if not planned:
        step.missing.append("Give upcoming meetings a topic (or plan a curriculum).")
    _finish(step, topics > 0 or ratings > 0)


def _experts(session: Session, group: Group, step: StepStatus) -> None:
    n = _count(session, select(func.count()).select_from(Expert).where(Expert.group_id == group.id))
    if n:
        step.state = "done"
    else:
        step.state = "optional"
        step.next_action = "When a topic needs outside input, add an expert to invite."


def _reflection(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    prompts = _count(
        session,
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.group_id == group.id, Meeting.prompt_key != ""),
    )
    reflections = _count(
        session,
        select(func.count())
        .select_from(Reflection)
        .join(Meeting)
        .where(Meeting.group_id == group.id),
    )
    if not prompts:
        step.missing.append("Pick a reflection prompt for an upcoming meeting.")
    _finish(step, prompts > 0 or reflections > 0)


def _consequences(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    last = session.exec(
        select(func.max(ConsequenceCheck.on)).where(ConsequenceCheck.group_id == group.id)
    ).one()
    if last is None:
        step.missing.append(
            "Do a first check for unintended consequences (enmeshment, exclusivity, time cost)."
        )
    elif last < today - relativedelta(months=12):
        step.state = "attention"
        step.next_action = (
            f"The last check for unintended consequences was on {last:%Y-%m-%d}: do this year's."
        )
        step.missing.append(step.next_action)
    _finish(step, last is not None)


def _tracking(session: Session, group: Group, step: StepStatus, today: dt.date) -> None:
    past = list(
        session.exec(
            select(Meeting.id).where(
                Meeting.group_id == group.id, Meeting.on < today, Meeting.status == "scheduled"
            )
        )
    )
    with_minutes = _count(
        session,
        select(func.count())
        .select_from(Minutes)
        .join(Meeting)
        .where(Meeting.group_id == group.id, Minutes.text != ""),
    )
    if past and with_minutes < len(past):
        step.missing.append(f"{len(past) - with_minutes} past meeting(s) have no minutes.")
    if not past:
        step.missing.append("Hold the first meeting and record its minutes.")
    age_start = group.first_meeting or (group.created_at.date() if group.created_at else today)
    if age_start <= today - relativedelta(months=12):
        recent = _count(
            session,
            select(func.count())
            .select_from(Evaluation)
            .where(Evaluation.group_id == group.id, Evaluation.year >= today.year - 1),
        )
        if not recent:
            step.missing.append("Run the yearly evaluation of goals and outcomes.")
    _finish(step, with_minutes > 0)
