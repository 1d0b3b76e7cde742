"""Step 3: SMART goals with check-ins, and the mission statement's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, TypedDict

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Goal, GoalCheckin, Group, Member, MissionVersion
from ..steps import StepStatus
from . import validate
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
    goal = Goal(group_id=id_of(group), **_clean(session, group, data))
    session.add(goal)
    session.flush()
    return goal


def update_goal(session: Session, goal: Goal, data: GoalInput) -> Goal:
    values = _clean(session, get_group(session, goal.group_id), data)
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


# --- what the goals screen shows, and what its dialogs read and save ---------------


@dataclass(frozen=True)
class GoalRow:
    id: int
    owner: str  # "Group" for a goal of the whole group, else the member's name
    member_id: int | None
    horizon: str
    title: str
    status: str
    due: dt.date | None
    badge: str  # "SMART" with missing letters as "·"
    problems: tuple[SmartProblem, ...]
    progress: int | None  # the latest check-in, percent


@dataclass(frozen=True)
class MissionView:
    text: str
    adopted_on: dt.date
    revisit_by: dt.date
    overdue: bool


@dataclass(frozen=True)
class GoalsView:
    mission: MissionView | None
    earlier_missions: int  # versions before the current one
    goals: tuple[GoalRow, ...]


def _mission(m: MissionVersion, today: dt.date) -> MissionView:
    return MissionView(m.text, m.adopted_on, m.revisit_by, mission_overdue(m, today))


def goals_view(session: Session, group_id: int, today: dt.date | None = None) -> GoalsView:
    today = today or clock.today()
    group = get_group(session, group_id)
    history = mission_history(session, group)
    names = {
        member_id: name
        for member_id, name in session.exec(
            select(Member.id, Member.name).where(Member.group_id == group.id)
        )
    }
    goals = list_goals(session, group)
    latest: dict[int, int] = {}
    if goals:
        # Check-ins in date order: the last one seen per goal is its latest.
        for goal_id, progress in session.exec(
            select(GoalCheckin.goal_id, GoalCheckin.progress)
            .where(col(GoalCheckin.goal_id).in_([id_of(g) for g in goals]))
            .order_by(col(GoalCheckin.on), col(GoalCheckin.id))
        ):
            latest[goal_id] = progress
    rows = []
    for g in goals:
        problems = tuple(smart_check(g, today))
        missing = {p.letter for p in problems}
        rows.append(
            GoalRow(
                id=id_of(g),
                owner="Group" if g.member_id is None else names.get(g.member_id, "?"),
                member_id=g.member_id,
                horizon=g.horizon,
                title=g.title,
                status=g.status,
                due=g.due,
                badge="".join("·" if letter in missing else letter for letter in "SMART"),
                problems=problems,
                progress=latest.get(id_of(g)),
            )
        )
    return GoalsView(
        mission=_mission(history[0], today) if history else None,
        earlier_missions=max(0, len(history) - 1),
        goals=tuple(rows),
    )


@dataclass(frozen=True)
class GoalForm:
    """What the goal dialog starts from: the possible owners and the goal (None: a new one)."""

    owners: tuple[tuple[str, int], ...]  # (name, member id) of active members and alumni
    goal: GoalInput | None


def goal_form(session: Session, group_id: int, goal_id: int | None) -> GoalForm:
    from .membership import list_members

    group = get_group(session, group_id)
    owners = tuple((m.name, id_of(m)) for m in list_members(session, group, ("active", "alumni")))
    if goal_id is None:
        return GoalForm(owners, None)
    g = get_goal(session, goal_id)
    return GoalForm(
        owners,
        GoalInput(
            title=g.title,
            horizon=g.horizon,
            member_id=g.member_id,
            specific=g.specific,
            measure=g.measure,
            achievable=g.achievable,
            relevant=g.relevant,
            due=g.due,
            status=g.status,
        ),
    )


def get_goal(session: Session, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(f"No goal with id {goal_id}; it may have been removed meanwhile.")
    return goal


def save_goal(session: Session, group_id: int, goal_id: int | None, data: GoalInput) -> int:
    """Add a goal to the group (``goal_id`` None) or change one; returns its id."""
    if goal_id is None:
        return id_of(add_goal(session, get_group(session, group_id), data))
    return id_of(update_goal(session, get_goal(session, goal_id), data))


def check_in(
    session: Session,
    goal_id: int,
    progress: str | int,
    note: str = "",
    on: str | dt.date | None = None,
) -> int:
    """Record progress on a goal; returns the check-in's id."""
    return id_of(add_checkin(session, get_goal(session, goal_id), progress, note, on))


@dataclass(frozen=True)
class GoalDraft:
    """A goal being typed, for the live SMART check (no database needed)."""

    specific: str = ""
    measure: str = ""
    achievable: str = ""
    relevant: str = ""
    due: dt.date | None = None
    status: str = "open"


def draft_problems(data: GoalInput, today: dt.date) -> list[SmartProblem]:
    """The SMART check of a goal as typed so far; an unreadable due date counts as none."""
    try:
        due = validate.parse_date("due", data.due)
    except InputError:
        due = None
    draft = GoalDraft(
        specific=data.specific or "",
        measure=data.measure or "",
        achievable=data.achievable or "",
        relevant=data.relevant or "",
        due=due,
        status=data.status or "open",
    )
    return smart_check(draft, today)


@dataclass(frozen=True)
class MissionForm:
    text: str  # the current mission, to edit into the next version
    revisit_by: dt.date  # suggested: 12 months from today


def mission_form(session: Session, group_id: int, today: dt.date | None = None) -> MissionForm:
    today = today or clock.today()
    current = current_mission(session, get_group(session, group_id))
    return MissionForm(
        current.text if current else "", today + relativedelta(months=MISSION_MAX_MONTHS)
    )


def new_mission_version(
    session: Session, group_id: int, text: str, revisit_by: str | dt.date | None = None
) -> int:
    """Adopt a new version of the group's mission today; returns its id."""
    return id_of(adopt_mission(session, get_group(session, group_id), text, revisit_by))


def mission_history_view(
    session: Session, group_id: int, today: dt.date | None = None
) -> tuple[MissionView, ...]:
    """Every version of the mission, newest first."""
    today = today or clock.today()
    return tuple(_mission(m, today) for m in mission_history(session, get_group(session, group_id)))


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("goals")
    goals = list_goals(session, group, include_closed=False)
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
    unsmart = [g for g in goals if smart_check(g, today)]
    if unsmart:
        step.missing.append(
            f"{len(unsmart)} goal(s) are not fully SMART yet, e.g. {unsmart[0].title!r}."
        )
    return step.finish(bool(goals) or mission is not None)
