"""Step 10: what each part of the yearly review shows, and what its dialogs start from.

One view object per part screen (goals, survey, tallies, figures, decision)
and per dialog that needs the database to fill its fields. Plain values only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from .. import clock
from . import membership as membership_svc
from . import pulse as pulse_svc
from . import review as review_svc
from . import review_figures, review_goals, survey, tallies
from .groups import get_group
from .review import DECISION_LABELS, label, period_span


@dataclass(frozen=True)
class PartHeader:
    evaluation_id: int
    label: str  # "2025-26"
    span: str  # "Sep 2025 to Aug 2026"
    finished: bool


def header(session: Session, evaluation_id: int) -> PartHeader:
    ev = review_svc.get_review(session, evaluation_id)
    return PartHeader(
        evaluation_id, label(ev), period_span(ev.period_start), ev.completed_on is not None
    )


# --- part 1: goals ------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalsPart:
    header: PartHeader
    rows: tuple[review_goals.ReviewGoalRow, ...]


def goals_part(session: Session, evaluation_id: int) -> GoalsPart:
    return GoalsPart(
        header(session, evaluation_id),
        tuple(review_goals.review_goal_rows(session, evaluation_id)),
    )


# --- part 2: survey -------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyPart:
    header: PartHeader
    results: survey.SurveyResults
    waiting: tuple[str, ...]  # members who have not answered yet
    own: frozenset[str]  # keys of the group's own statements


def survey_part(session: Session, evaluation_id: int) -> SurveyPart:
    ev = review_svc.get_review(session, evaluation_id)
    people = survey.respondents(session, evaluation_id)
    own = {i.key for i in survey.items(session, ev.group_id, evaluation_id=ev.id) if i.own}
    return SurveyPart(
        header(session, evaluation_id),
        survey.results(session, evaluation_id),
        tuple(p.name for p in people if not p.answered),
        frozenset(own),
    )


@dataclass(frozen=True)
class SurveyForm:
    label: str
    people: tuple[tuple[str, int], ...]  # (name, member id) of those who may still answer
    items: tuple[survey.Item, ...]


def survey_form(session: Session, evaluation_id: int) -> SurveyForm:
    ev = review_svc.get_review(session, evaluation_id)
    review_svc.require_open(ev)
    people = tuple(
        (p.name, p.member_id) for p in survey.respondents(session, evaluation_id) if not p.answered
    )
    return SurveyForm(
        label(ev), people, tuple(survey.items(session, ev.group_id, evaluation_id=ev.id))
    )


# --- part 3: tallies -------------------------------------------------------------------------


@dataclass(frozen=True)
class TalliesPart:
    header: PartHeader
    rows: tuple[tallies.TallyRow, ...]
    totals: tuple[tuple[str, int, int | None], ...]  # (kind, this year, the year before)
    previous_label: str  # "" when there is no earlier review


def tallies_part(session: Session, evaluation_id: int) -> TalliesPart:
    ev = review_svc.get_review(session, evaluation_id)
    rows = tallies.tally_rows(session, evaluation_id)
    reviews = review_svc.list_reviews(session, get_group(session, ev.group_id))
    earlier = [r for r in reviews if r.period_start < ev.period_start]
    before = tallies.totals_by_review(session, earlier[-1:]) if earlier else {}
    prev = before.get(earlier[-1].id or 0, {}) if earlier else {}
    totals = tuple(
        (t.label, t.total, prev.get(t.label, 0) if earlier else None) for t in tallies.totals(rows)
    )
    return TalliesPart(
        header(session, evaluation_id),
        tuple(rows),
        totals,
        label(earlier[-1]) if earlier else "",
    )


@dataclass(frozen=True)
class TallyForm:
    label: str
    members: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[str, str], ...]  # (label, key), "other" last


def tally_form(session: Session, evaluation_id: int) -> TallyForm:
    ev = review_svc.get_review(session, evaluation_id)
    review_svc.require_open(ev)
    group = get_group(session, ev.group_id)
    members = tuple(
        (m.name, m.id or 0)
        for m in membership_svc.list_members(session, group, ("active", "alumni"))
    )
    kinds = tuple((name, key) for key, name in tallies.kinds()) + (
        ("Other (name it below)", tallies.OTHER),
    )
    return TallyForm(label(ev), members, kinds)


# --- part 4: figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FiguresPart:
    header: PartHeader
    figures: review_figures.ActivityFigures
    previous_rate: float | None  # attendance the year before
    previous_label: str
    pulse: pulse_svc.PulseTrend | None = None  # how useful each meeting was (3+ answers)


def figures_part(session: Session, evaluation_id: int, today: dt.date | None = None) -> FiguresPart:
    today = today or clock.today()
    ev = review_svc.get_review(session, evaluation_id)
    reviews = review_svc.list_reviews(session, get_group(session, ev.group_id))
    earlier = [r for r in reviews if r.period_start < ev.period_start]
    prev = review_figures.figures_for(session, earlier[-1], today) if earlier else None
    figures = review_figures.figures_for(session, ev, today)
    return FiguresPart(
        header(session, evaluation_id),
        figures,
        prev.attendance_rate if prev else None,
        label(earlier[-1]) if earlier else "",
        pulse_svc.trend(session, ev.group_id, figures.start, figures.end),
    )


# --- part 6: decision --------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionPart:
    header: PartHeader
    decision: str  # "" | continue | adjust
    decision_label: str
    adjustments: str
    summary: str
    completed_on: dt.date | None
    undecided_goals: int
    reopenings: tuple[tuple[dt.date, str], ...]


def decision_part(session: Session, evaluation_id: int) -> DecisionPart:
    ev = review_svc.get_review(session, evaluation_id)
    return DecisionPart(
        header(session, evaluation_id),
        ev.decision,
        DECISION_LABELS.get(ev.decision, "not made yet"),
        ev.adjustments,
        ev.summary,
        ev.completed_on,
        len(review_goals.undecided(session, ev)) if ev.completed_on is None else 0,
        tuple((r.on, r.reason) for r in review_svc.reopenings(session, evaluation_id)),
    )
