"""What the goals screen (step 3) and its dialogs read and save, by id.

Plain values out: the goals table with each goal's SMART check, the mission
and its history, the goal and mission forms, and the commands those dialogs
save through. The rules (SMART, check-ins, mission versions) are in ``goals``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError
from ..models import GoalCheckin, Member, MissionVersion
from . import validate
from ._ids import id_of
from .goals import (
    MISSION_MAX_MONTHS,
    GoalInput,
    SmartProblem,
    add_checkin,
    add_goal,
    adopt_mission,
    current_mission,
    get_goal,
    list_goals,
    mission_history,
    mission_overdue,
    smart_check,
    update_goal,
)
from .groups import get_group
from .membership import list_members

__all__ = [
    "GoalDraft",
    "GoalForm",
    "GoalRow",
    "GoalsView",
    "MissionForm",
    "MissionView",
    "check_in",
    "draft_problems",
    "goal_form",
    "goals_view",
    "mission_form",
    "mission_history_view",
    "new_mission_version",
    "save_goal",
]


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
    valid_competencies: str = ""  # the tags one may type, for the hint


def goal_form(session: Session, group_id: int, goal_id: int | None) -> GoalForm:
    from . import competencies as comp

    group = get_group(session, group_id)
    owners = tuple((m.name, id_of(m)) for m in list_members(session, group, ("active", "alumni")))
    valid = ", ".join(c.key for c in comp.available(session, group_id))
    if goal_id is None:
        return GoalForm(owners, None, valid)
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
            competencies=comp.tags_text(comp.goal_tags(session, goal_id)) or None,
        ),
        valid,
    )


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
