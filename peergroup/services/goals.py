"""Step 3: SMART goals with check-ins, and the mission statement's history.

What the goals screen and its dialogs read and save, by id, is in
``goals_views`` (still importable from here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypedDict

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Goal, GoalCheckin, Group, Member, MissionVersion
from ..steps import StepStatus
from . import _moved, validate
from ._ids import id_of
from .groups import get_group

HORIZONS = ("short", "long")
GOAL_STATUSES = ("open", "achieved", "dropped")
MISSION_MAX_MONTHS = 12  # revisit at least yearly


@dataclass(frozen=True)
class GoalInput:
    title: str
    horizon: str = "short"
    member_id: int | None = None  # None: a goal of the whole group
    specific: str = ""
    measure: str = ""
    achievable: str = ""
    relevant: str = ""
    due: str | dt.date | None = None
    status: str = "open"
    # Comma-separated competency keys or labels; None leaves the tags as they are.
    competencies: str | list[str] | None = None


class _GoalFields(TypedDict):
    """A goal's columns, checked, as ``_clean`` gives them."""

    title: str
    horizon: str
    status: str
    member_id: int | None
    specific: str
    measure: str
    achievable: str
    relevant: str
    due: dt.date | None


def _clean(session: Session, group: Group, data: GoalInput) -> _GoalFields:
    title = validate.required_line("title", data.title, validate.LINE_MAX)
    horizon = validate.choice("horizon", data.horizon, HORIZONS)
    status = validate.choice("status", data.status, GOAL_STATUSES)
    if data.member_id is not None:
        member = session.get(Member, data.member_id)
        if member is None or member.group_id != group.id:
            raise InputError(
                "owner",
                "that member is not in this group; pick a member or leave it as a group goal.",
            )
    return _GoalFields(
        title=title,
        horizon=horizon,
        status=status,
        member_id=data.member_id,
        specific=validate.text("specific", data.specific, 5_000),
        measure=validate.text("measure", data.measure, 5_000),
        achievable=validate.text("achievable", data.achievable, 5_000),
        relevant=validate.text("relevant", data.relevant, 5_000),
        due=validate.parse_date("due", data.due),
    )


def add_goal(session: Session, group: Group, data: GoalInput) -> Goal:
    from . import competencies

    values = _clean(session, group, data)
    tags = competencies.parse(session, id_of(group), data.competencies)
    goal = Goal(group_id=id_of(group), **values)
    session.add(goal)
    session.flush()
    competencies.set_goal_tags(session, id_of(goal), tags)
    return goal


def update_goal(session: Session, goal: Goal, data: GoalInput) -> Goal:
    from . import competencies

    values = _clean(session, get_group(session, goal.group_id), data)
    if data.competencies is not None:
        tags = competencies.parse(session, goal.group_id, data.competencies)
        competencies.set_goal_tags(session, id_of(goal), tags)
    for k, v in values.items():
        setattr(goal, k, v)
    session.add(goal)
    session.flush()
    return goal


def list_goals(session: Session, group: Group, *, include_closed: bool = True) -> list[Goal]:
    stmt = select(Goal).where(Goal.group_id == group.id)
    if not include_closed:
        stmt = stmt.where(Goal.status == "open")
    goals = list(session.exec(stmt))
    # group goals first, then by horizon and due date
    return sorted(
        goals,
        key=lambda g: (g.member_id is not None, g.horizon != "short", g.due or dt.date.max, g.id),
    )


def get_goal(session: Session, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(f"No goal with id {goal_id}; it may have been removed meanwhile.")
    return goal


@dataclass(frozen=True)
class SmartProblem:
    letter: str  # S, M, A, R or T
    field: str
    message: str


class SmartFields(Protocol):
    """What the SMART check reads: a stored goal, or one being typed (``GoalDraft``)."""

    @property
    def specific(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def achievable(self) -> str: ...
    @property
    def relevant(self) -> str: ...
    @property
    def due(self) -> dt.date | None: ...
    @property
    def status(self) -> str: ...


def smart_check(goal: SmartFields, today: dt.date | None = None) -> list[SmartProblem]:
    """Name exactly which SMART parts are missing; an empty list means the goal is SMART."""
    today = today or clock.today()
    problems = []
    if len(goal.specific.split()) < 3:
        problems.append(
            SmartProblem(
                "S",
                "specific",
                "Not specific: say exactly what will be done (a few words at least).",
            )
        )
    if not goal.measure.strip():
        problems.append(
            SmartProblem(
                "M",
                "measure",
                "No measurable target: say how you will know it is done (a number, a document, a decision).",
            )
        )
    elif not any(ch.isdigit() for ch in goal.measure) and len(goal.measure.split()) < 3:
        problems.append(
            SmartProblem("M", "measure", "The target is vague: add a number or a concrete result.")
        )
    if not goal.achievable.strip():
        problems.append(
            SmartProblem(
                "A",
                "achievable",
                "Not shown to be achievable: note the time, skills or help that make it doable.",
            )
        )
    if not goal.relevant.strip():
        problems.append(
            SmartProblem(
                "R",
                "relevant",
                "Relevance not stated: say how it serves the member's or group's aims.",
            )
        )
    if goal.due is None:
        problems.append(SmartProblem("T", "due", "No deadline: set a due date."))
    elif goal.status == "open" and goal.due < today:
        problems.append(
            SmartProblem(
                "T",
                "due",
                f"The deadline {goal.due:%Y-%m-%d} has passed: mark the goal achieved or dropped, or set a new date.",
            )
        )
    return problems


def smart_badge(goal: SmartFields, today: dt.date | None = None) -> str:
    """'SMART' with missing letters replaced by '·', e.g. 'S·ART'."""
    missing = {p.letter for p in smart_check(goal, today)}
    return "".join("·" if letter in missing else letter for letter in "SMART")


def add_checkin(
    session: Session,
    goal: Goal,
    progress: str | int | None,
    note: str = "",
    on: str | dt.date | None = None,
) -> GoalCheckin:
    pct = validate.int_in_range("progress", progress, 0, 100, required=True)
    day = validate.parse_date("on", on) or clock.today()
    row = GoalCheckin(
        goal_id=id_of(goal), on=day, progress=pct, note=validate.text("note", note, 5_000)
    )
    session.add(row)
    if pct == 100 and goal.status == "open":
        goal.status = "achieved"
        session.add(goal)
    session.flush()
    return row


def checkins(session: Session, goal: Goal) -> list[GoalCheckin]:
    return list(
        session.exec(
            select(GoalCheckin)
            .where(GoalCheckin.goal_id == goal.id)
            .order_by(col(GoalCheckin.on), col(GoalCheckin.id))
        )
    )


def latest_progress(session: Session, goal: Goal) -> int | None:
    rows = checkins(session, goal)
    return rows[-1].progress if rows else None


def met_on(session: Session, goals: list[Goal]) -> dict[int, dt.date | None]:
    """When each achieved goal of ``goals`` was met: the day of its first 100% check-in,
    else its due date (None: marked achieved with neither). Goals not achieved are left out.
    One rule for every report that counts goals met in a period."""
    achieved = {g.id: g for g in goals if g.status == "achieved" and g.id is not None}
    first_full: dict[int, dt.date] = {}
    if achieved:
        for goal_id, on in session.exec(
            select(col(GoalCheckin.goal_id), col(GoalCheckin.on))
            .where(col(GoalCheckin.goal_id).in_(list(achieved)), GoalCheckin.progress == 100)
            .order_by(col(GoalCheckin.on))
        ):
            first_full.setdefault(goal_id, on)
    return {gid: first_full.get(gid) or g.due for gid, g in achieved.items()}


# --- mission ----------------------------------------------------------------


def adopt_mission(
    session: Session,
    group: Group,
    text: str,
    revisit_by: str | dt.date | None = None,
    adopted_on: str | dt.date | None = None,
) -> MissionVersion:
    """Add a new version of the mission; older versions stay as history."""
    body = validate.text("mission", text, 5_000)
    if not body:
        raise InputError("mission", "is empty; write a sentence or two on what the group is for.")
    adopted = validate.parse_date("adopted", adopted_on) or clock.today()
    latest = adopted + relativedelta(months=MISSION_MAX_MONTHS)
    revisit = validate.parse_date("revisit_by", revisit_by) or latest
    if revisit <= adopted:
        raise InputError(
            "revisit_by", f"{revisit} is not after the adoption date {adopted}; pick a later date."
        )
    if revisit > latest:
        raise InputError(
            "revisit_by",
            f"{revisit} is more than 12 months away; revisit the mission by {latest} at the latest.",
        )
    row = MissionVersion(group_id=id_of(group), text=body, adopted_on=adopted, revisit_by=revisit)
    session.add(row)
    session.flush()
    return row


def mission_history(session: Session, group: Group) -> list[MissionVersion]:
    """Newest first."""
    stmt = select(MissionVersion).where(MissionVersion.group_id == group.id)
    return sorted(session.exec(stmt), key=lambda m: (m.adopted_on, m.id), reverse=True)


def current_mission(session: Session, group: Group) -> MissionVersion | None:
    history = mission_history(session, group)
    return history[0] if history else None


def mission_overdue(mission: MissionVersion | None, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return mission is not None and mission.revisit_by < today


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("goals")
    # Achieved goals still count as the group's goals (meeting one is progress,
    # not a step back); dropped ones do not. Only open goals need to be SMART.
    everything = list_goals(session, group, include_closed=True)
    goals = [g for g in everything if g.status != "dropped"]
    open_goals = [g for g in goals if g.status == "open"]
    mission = current_mission(session, group)
    if mission is None:
        step.missing.append("Write the group's mission statement.")
    elif mission_overdue(mission, today):
        step.flag(
            f"The mission was due for a revisit on {mission.revisit_by:%Y-%m-%d}: "
            "review it and adopt a new version."
        )
    if not any(g.member_id is None for g in goals):
        step.missing.append("Add at least one goal for the group as a whole.")
    if not any(g.member_id is not None for g in goals):
        step.missing.append("Add individual goals for members.")
    unsmart = [g for g in open_goals if smart_check(g, today)]
    if unsmart:
        step.missing.append(
            f"{len(unsmart)} goal(s) are not fully SMART yet, e.g. {unsmart[0].title!r}."
        )
    return step.finish(bool(goals) or mission is not None)


# --- moved: what the goals screen reads and saves is in goals_views -------------

if TYPE_CHECKING:
    from .goals_views import (  # noqa: F401 - forwarded by __getattr__ below
        GoalDraft,
        GoalForm,
        GoalRow,
        GoalsView,
        MissionForm,
        MissionView,
        check_in,
        draft_problems,
        goal_form,
        goals_view,
        mission_form,
        mission_history_view,
        new_mission_version,
        save_goal,
    )


def __getattr__(name: str) -> object:
    return _moved.forward(__name__, name, "goals_views")
