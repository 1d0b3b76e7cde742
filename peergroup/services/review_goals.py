"""Step 10, part 1 of the yearly review: a verdict on every goal open during the year.

The goals of a review are every goal of the group, and of its members, that was
open at some point in the twelve months: still open, or checked in on or due
during the year (goals an earlier review closed are left out). Each gets a
verdict and a note. A verdict closes the goal, except "carried", which keeps it
open with a new due date after the year:

    met -> achieved;  carried -> open, new due date;  partly, not met, dropped -> dropped

A finished review shows the verdicts it was finished with, including each goal's
title and owner as they were then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import Evaluation, Goal, GoalCheckin, GoalReview, Member
from ..models.evaluation import REVIEW_VERDICTS
from . import validate
from .goals import list_goals
from .groups import get_group
from .review import get_review, period_end, require_open

VERDICT_LABELS = {
    "met": "met",
    "partly": "partly met",
    "not-met": "not met",
    "carried": "carried into next year",
    "dropped": "dropped",
}
SHORT_LABELS = {**VERDICT_LABELS, "carried": "carried"}
STATUS_AFTER = {
    "met": "achieved",
    "carried": "open",
    "partly": "dropped",
    "not-met": "dropped",
    "dropped": "dropped",
}


@dataclass(frozen=True)
class CheckinView:
    on: dt.date
    progress: int
    note: str


@dataclass(frozen=True)
class ReviewGoalRow:
    key: str  # "g<goal id>", or "r<verdict id>" for a goal not in the database
    owner: str  # "" for a goal of the whole group
    title: str
    horizon: str
    due: dt.date | None
    status: str  # the goal's status now ("" when it is not in the database)
    checkins: tuple[CheckinView, ...]
    verdict: str  # "" while undecided
    note: str
    new_due: dt.date | None

    @property
    def whose(self) -> str:
        return self.owner or "Group"

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, "")

    @property
    def verdict_short(self) -> str:
        return SHORT_LABELS.get(self.verdict, "")


def _verdicts(session: Session, evaluation_id: int) -> list[GoalReview]:
    return list(
        session.exec(
            select(GoalReview)
            .where(GoalReview.evaluation_id == evaluation_id)
            .order_by(col(GoalReview.id))
        )
    )


def goals_in_review(session: Session, ev: Evaluation) -> list[Goal]:
    """The database's goals this review covers (see the module's docstring)."""
    group = get_group(session, ev.group_id)
    start, end = ev.period_start, period_end(ev.period_start)
    reviewed = {v.goal_id for v in _verdicts(session, ev.id or 0)}
    goals = list_goals(session, group)
    if ev.completed_on is not None:
        return [g for g in goals if g.id in reviewed]
    closed_earlier = set(
        session.exec(
            select(GoalReview.goal_id)
            .join(Evaluation, col(Evaluation.id) == GoalReview.evaluation_id)
            .where(
                Evaluation.group_id == group.id,
                col(Evaluation.period_start) < start,
                GoalReview.verdict != "carried",
            )
        )
    )
    ids = [g.id for g in goals]
    active = set(
        session.exec(
            select(GoalCheckin.goal_id).where(
                col(GoalCheckin.goal_id).in_(ids),
                col(GoalCheckin.on) >= start,
                col(GoalCheckin.on) <= end,
            )
        )
    )
    out = []
    for g in goals:
        if g.id in reviewed:
            out.append(g)
        elif g.id in closed_earlier or (g.created_at and g.created_at.date() > end):
            continue
        elif g.status == "open" or g.id in active or (g.due and start <= g.due <= end):
            out.append(g)
    return out


def review_goal_rows(session: Session, evaluation_id: int) -> list[ReviewGoalRow]:
    ev = get_review(session, evaluation_id)
    goals = goals_in_review(session, ev)
    verdicts = _verdicts(session, evaluation_id)
    by_goal = {v.goal_id: v for v in verdicts if v.goal_id is not None}
    names = dict(
        session.exec(select(Member.id, Member.name).where(Member.group_id == ev.group_id)).all()
    )
    checkins: dict[int, list[CheckinView]] = {}
    if goals:
        for c in session.exec(
            select(GoalCheckin)
            .where(col(GoalCheckin.goal_id).in_([g.id for g in goals]))
            .order_by(col(GoalCheckin.on), col(GoalCheckin.id))
        ):
            checkins.setdefault(c.goal_id, []).append(CheckinView(c.on, c.progress, c.note))
    rows = []
    for g in goals:
        v = by_goal.get(g.id or 0)
        rows.append(
            ReviewGoalRow(
                key=f"g{g.id}",
                owner=v.owner if v and ev.completed_on else names.get(g.member_id, ""),
                title=v.title if v and ev.completed_on else g.title,
                horizon=g.horizon,
                due=g.due,
                status=g.status,
                checkins=tuple(checkins.get(g.id or 0, ())),
                verdict=v.verdict if v else "",
                note=v.note if v else "",
                new_due=v.new_due if v else None,
            )
        )
    for v in verdicts:
        if v.goal_id is None:  # reviewed, but not (or no longer) in the database
            rows.append(
                ReviewGoalRow(
                    f"r{v.id}", v.owner, v.title, "", None, "", (), v.verdict, v.note, v.new_due
                )
            )
    return rows


def undecided(session: Session, ev: Evaluation) -> list[str]:
    """Titles of the review's goals without a verdict."""
    return [r.title for r in review_goal_rows(session, ev.id or 0) if not r.verdict]


def record_verdict(
    session: Session,
    evaluation_id: int,
    row_key: str,
    verdict: str | None,
    note: str | None = "",
    new_due: str | dt.date | None = None,
    *,
    from_file: bool = False,
) -> ReviewGoalRow:
    """Record (or change) the verdict on one goal of the review, and close or carry the
    goal accordingly. Nothing is saved if anything is wrong. ``from_file``: a group
    file's history, which states the goals as they are now (left alone)."""
    ev = get_review(session, evaluation_id)
    require_open(ev)
    if not (verdict or "").strip():
        raise InputError(
            "verdict", "is empty; choose met, partly met, not met, carried or dropped."
        )
    chosen = validate.choice("verdict", verdict, REVIEW_VERDICTS)
    due = validate.parse_date("new_due", new_due)
    end = period_end(ev.period_start)
    if chosen == "carried":
        if due is None:
            raise InputError(
                "new_due",
                "is empty; a goal carried into next year needs its new due date (YYYY-MM-DD).",
            )
        if due <= end:
            raise InputError(
                "new_due",
                f"{due} falls inside the year under review (it ends {end}); give a date after it.",
            )
    elif due is not None:
        raise InputError(
            "new_due",
            "only a goal carried into next year gets a new due date; clear it, "
            "or choose 'carried'.",
        )
    text = validate.text("note", note, 5_000)
    row = _verdict_row(session, ev, row_key, check_year=not from_file)
    row.verdict, row.note, row.new_due = chosen, text, due
    session.add(row)
    if not from_file and row.goal_id is not None:
        goal = session.get(Goal, row.goal_id)
        if goal is not None:
            goal.status = STATUS_AFTER[chosen]
            if chosen == "carried":
                goal.due = due
            session.add(goal)
    session.flush()
    return next(r for r in review_goal_rows(session, evaluation_id) if r.key == _key(row))


def _key(row: GoalReview) -> str:
    return f"g{row.goal_id}" if row.goal_id is not None else f"r{row.id}"


def _verdict_row(
    session: Session, ev: Evaluation, row_key: str, *, check_year: bool = True
) -> GoalReview:
    kind, number = (row_key or "")[:1], (row_key or "")[1:]
    if kind not in ("g", "r") or not number.isdigit():
        raise InputError("goal", f"{row_key!r} is not a goal of this review.")
    if kind == "r":
        found = session.get(GoalReview, int(number))
        if found is None or found.evaluation_id != ev.id:
            raise InputError("goal", "that goal is not part of this review.")
        return found
    goal_id = int(number)
    goal = session.get(Goal, goal_id)
    if goal is None or goal.group_id != ev.group_id:
        raise InputError("goal", "that goal is not one of this group's.")
    if check_year and goal_id not in {g.id for g in goals_in_review(session, ev)}:
        raise InputError(
            "goal", "that goal was not open during this review's year; it cannot be reviewed here."
        )
    existing = session.exec(
        select(GoalReview).where(GoalReview.evaluation_id == ev.id, GoalReview.goal_id == goal_id)
    ).first()
    if existing is not None:
        return existing
    owner = session.get(Member, goal.member_id) if goal.member_id else None
    return GoalReview(
        evaluation_id=ev.id or 0,
        goal_id=goal_id,
        title=goal.title,
        owner=owner.name if owner else "",
        verdict="met",
    )


def snapshot_titles(session: Session, ev: Evaluation) -> None:
    """Keep each reviewed goal's title and owner as they are now (at finishing)."""
    names = dict(
        session.exec(select(Member.id, Member.name).where(Member.group_id == ev.group_id)).all()
    )
    for v in _verdicts(session, ev.id or 0):
        goal = session.get(Goal, v.goal_id) if v.goal_id is not None else None
        if goal is not None:
            v.title, v.owner = goal.title, names.get(goal.member_id, "")
            session.add(v)


def add_recorded_verdict(
    session: Session,
    ev: Evaluation,
    title: str,
    owner: str,
    verdict: str,
    note: str = "",
    new_due: dt.date | None = None,
) -> GoalReview:
    """A verdict on a goal that is not in the database (from a group file's history)."""
    row = GoalReview(
        evaluation_id=ev.id or 0,
        title=validate.required_line("title", title, validate.LINE_MAX),
        owner=owner,
        verdict=validate.choice("verdict", verdict, REVIEW_VERDICTS),
        note=validate.text("note", note, 5_000),
        new_due=new_due,
    )
    if row.verdict == "carried" and new_due is None:
        raise InputError("new_due", "is missing; a carried goal needs its new due date.")
    session.add(row)
    session.flush()
    return row


def verdict_counts(session: Session, evaluation_ids: list[int]) -> dict[int, Counter[str]]:
    """review id -> verdict -> how many goals."""
    out: dict[int, Counter[str]] = {i: Counter() for i in evaluation_ids}
    if evaluation_ids:
        for ev_id, verdict in session.exec(
            select(GoalReview.evaluation_id, GoalReview.verdict).where(
                col(GoalReview.evaluation_id).in_(evaluation_ids)
            )
        ):
            out[ev_id][verdict] += 1
    return out


def verdict_choices() -> list[tuple[str, str]]:
    return [(VERDICT_LABELS[v], v) for v in REVIEW_VERDICTS]
