"""Step 10, part 5 of the yearly review: the mission and next year's membership.

The mission is either reaffirmed (the same words adopted again today) or
replaced by a new version; both reset its revisit date to a year from now and
are recorded with the review. The opt-in/opt-out round for the next year asks
every active member whether they continue (``OptInRound`` of the year the next
review period starts in); someone who opts out leaves the group that day. The
openings and the recruitment list (prospective members) come from step 2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from .. import clock
from ..errors import InputError
from ..models import Member, OptInRound
from . import goals as goals_svc
from . import membership as membership_svc
from .groups import get_group
from .review import get_review, label, require_open

ANSWER_LABELS = {"pending": "no answer yet", "in": "continues", "out": "leaves"}


@dataclass(frozen=True)
class OptInRow:
    member_id: int
    name: str
    answer: str  # pending | in | out | "" (not asked: the round has not started)
    answered_on: dt.date | None

    @property
    def answer_label(self) -> str:
        return ANSWER_LABELS.get(self.answer, "not asked yet")


@dataclass(frozen=True)
class MissionPart:
    review_label: str
    finished: bool
    mission: str  # "" when the group has none
    adopted_on: dt.date | None
    revisit_by: dt.date | None
    overdue: bool
    outcome: str  # "" | reaffirmed | revised (during this review)
    outcome_on: dt.date | None
    round_year: int  # the OptInRound year: when the next twelve months start
    round_started: bool
    answers: tuple[OptInRow, ...]
    target: int | None
    active: int
    openings: int
    recruits: tuple[OptInRow, ...]  # the recruitment list (prospective members)


def round_year(evaluation_year: int) -> int:
    return evaluation_year + 1


def mission_part(session: Session, evaluation_id: int, today: dt.date | None = None) -> MissionPart:
    today = today or clock.today()
    ev = get_review(session, evaluation_id)
    group = get_group(session, ev.group_id)
    mission = goals_svc.current_mission(session, group)
    year = round_year(ev.year)
    rounds = {
        r.member_id: r
        for r in session.exec(
            select(OptInRound).where(OptInRound.group_id == group.id, OptInRound.year == year)
        )
    }
    people = membership_svc.list_members(session, group, ("active", "alumni"))
    answers = tuple(
        OptInRow(m.id or 0, m.name, rounds[m.id].answer, rounds[m.id].answered_on)
        if m.id in rounds
        else OptInRow(m.id or 0, m.name, "", None)
        for m in people
        if m.id in rounds or m.status == "active"
    )
    summary = membership_svc.summary(session, group, today)
    recruits = tuple(
        OptInRow(m.id or 0, m.name, "", None)
        for m in membership_svc.list_members(session, group, ("prospective",))
    )
    return MissionPart(
        review_label=label(ev),
        finished=ev.completed_on is not None,
        mission=mission.text if mission else "",
        adopted_on=mission.adopted_on if mission else None,
        revisit_by=mission.revisit_by if mission else None,
        overdue=goals_svc.mission_overdue(mission, today),
        outcome=ev.mission,
        outcome_on=ev.mission_on,
        round_year=year,
        round_started=bool(rounds),
        answers=answers,
        target=summary.target,
        active=summary.active,
        openings=summary.openings,
        recruits=recruits,
    )


def reaffirm_mission(session: Session, evaluation_id: int, today: dt.date | None = None) -> str:
    """The group keeps its mission as it is: adopted again today, revisit in a year."""
    today = today or clock.today()
    ev = get_review(session, evaluation_id)
    require_open(ev)
    group = get_group(session, ev.group_id)
    current = goals_svc.current_mission(session, group)
    if current is None:
        raise InputError(
            "mission", "the group has no mission yet; write one (a new version) instead."
        )
    if current.adopted_on >= today:  # adopted today already: nothing to renew
        if ev.mission == "revised" and ev.mission_on == today:
            raise InputError(
                "mission", "a new version was adopted today in this review; it stands as it is."
            )
        revisit = current.revisit_by
    else:
        revisit = goals_svc.adopt_mission(session, group, current.text, adopted_on=today).revisit_by
    ev.mission, ev.mission_on = "reaffirmed", today
    session.add(ev)
    session.flush()
    return f"Mission reaffirmed; revisit it by {revisit:%d %b %Y}."


def revise_mission(
    session: Session,
    evaluation_id: int,
    text: str | None,
    revisit_by: str | dt.date | None = None,
    today: dt.date | None = None,
) -> str:
    """A new version of the mission, adopted today; the old one stays in its history."""
    today = today or clock.today()
    ev = get_review(session, evaluation_id)
    require_open(ev)
    group = get_group(session, ev.group_id)
    version = goals_svc.adopt_mission(
        session, group, text or "", revisit_by=revisit_by, adopted_on=today
    )
    ev.mission, ev.mission_on = "revised", today
    session.add(ev)
    session.flush()
    return f"New mission adopted; revisit it by {version.revisit_by:%d %b %Y}."


def mission_draft(
    session: Session, evaluation_id: int, today: dt.date | None = None
) -> tuple[str, dt.date]:
    """What the new-version dialog starts from: the current words and a revisit date."""
    today = today or clock.today()
    ev = get_review(session, evaluation_id)
    current = goals_svc.current_mission(session, get_group(session, ev.group_id))
    return (current.text if current else "", today + relativedelta(months=12))


def start_round(session: Session, evaluation_id: int) -> str:
    """Ask every active member whether they continue next year."""
    ev = get_review(session, evaluation_id)
    require_open(ev)
    group = get_group(session, ev.group_id)
    year = round_year(ev.year)
    rows = membership_svc.start_opt_in_round(session, group, year)
    return f"Opt-in round for {year} started: {len(rows)} member(s) asked."


def answer_round(
    session: Session,
    evaluation_id: int,
    member_id: int,
    answer: str | None,
    today: dt.date | None = None,
) -> str:
    """Record a member's answer: "in" (continues), "out" (leaves today) or "pending"."""
    today = today or clock.today()
    ev = get_review(session, evaluation_id)
    require_open(ev)
    year = round_year(ev.year)
    chosen = (answer or "").strip()
    if chosen not in ANSWER_LABELS:
        raise InputError("answer", "choose: continues, leaves, or no answer yet.")
    row = session.exec(
        select(OptInRound).where(
            OptInRound.group_id == ev.group_id,
            OptInRound.year == year,
            OptInRound.member_id == member_id,
        )
    ).first()
    member = session.get(Member, member_id)
    if member is None or member.group_id != ev.group_id:
        raise InputError("member", "that person is not a member of this group.")
    if row is None:
        if member.status != "active":
            raise InputError("member", f"{member.name} is not an active member.")
        row = OptInRound(group_id=ev.group_id, member_id=member_id, year=year)
    if row.answer == "out" and member.status == "alumni" and chosen != "out":
        raise InputError(
            "answer",
            f"{member.name} left on {member.left_on}; to bring them back, make them an "
            "active member again (j).",
        )
    membership_svc.record_opt_in(session, row, chosen, today)
    return f"{member.name}: {ANSWER_LABELS[chosen]}."


def join(session: Session, evaluation_id: int, member_id: int, today: dt.date | None = None) -> str:
    """Someone from the recruitment list (or a former member) joins, from today."""
    ev = get_review(session, evaluation_id)
    require_open(ev)
    member = session.get(Member, member_id)
    if member is None or member.group_id != ev.group_id:
        raise InputError("member", "that person is not in this group's lists.")
    done = membership_svc.join_group(session, member_id, today or clock.today())
    if done.already_active:
        return f"{done.name} is already an active member."
    return f"{done.name} joined on {done.joined_on:%d %b %Y}."
