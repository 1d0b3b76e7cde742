"""Step 10: what the yearly review's screens show — the review at a glance with its
six parts, and every figure that repeats compared across the years.

Plain values only (frozen dataclasses); the screens and the annual report read
these and never the tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from .. import clock
from ..models import Evaluation
from . import review as review_svc
from . import review_figures, review_goals, survey, tallies
from .groups import get_group
from .review import DECISION_LABELS, label, period_span

PARTS = (
    ("goals", "Goals"),
    ("survey", "Member survey"),
    ("tallies", "Outcome tallies"),
    ("figures", "Activity figures"),
    ("mission", "Mission and membership"),
    ("decision", "Decision"),
)
PART_KEYS = tuple(k for k, _t in PARTS)


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    label: str
    span: str
    started_on: dt.date
    completed_on: dt.date | None

    @property
    def finished(self) -> bool:
        return self.completed_on is not None


@dataclass(frozen=True)
class PartState:
    key: str
    number: int
    title: str
    done: bool
    status: str


@dataclass(frozen=True)
class HubView:
    group_name: str
    reviews: tuple[ReviewSummary, ...]
    current: ReviewSummary | None
    parts: tuple[PartState, ...]
    next_part: str | None  # the first part not done (None: all done)
    default_start: dt.date | None  # where a new review would start
    notes: tuple[str, ...]
    reopenings: tuple[tuple[dt.date, str], ...]


def _summary(ev: Evaluation) -> ReviewSummary:
    return ReviewSummary(
        ev.id or 0, label(ev), period_span(ev.period_start), ev.started_on, ev.completed_on
    )


def hub_view(
    session: Session, group_id: int, evaluation_id: int | None = None, today: dt.date | None = None
) -> HubView:
    today = today or clock.today()
    group = get_group(session, group_id)
    reviews = review_svc.list_reviews(session, group)
    chosen = next((r for r in reviews if r.id == evaluation_id), None)
    if chosen is None and reviews:
        unfinished = [r for r in reviews if r.completed_on is None]
        chosen = (unfinished or reviews)[-1]
    parts: tuple[PartState, ...] = ()
    notes: list[str] = []
    reopened: tuple[tuple[dt.date, str], ...] = ()
    if chosen is not None:
        parts = part_states(session, chosen, today)
        if review_svc.meetings_in(session, group, chosen.period_start) == 0:
            notes.append("No meetings of this year are in Peergroup; figures as recorded.")
        end = review_svc.period_end(chosen.period_start)
        if chosen.completed_on is None and end >= today:
            notes.append(f"This year runs until {end:%d %b %Y}; figures so far.")
        notes.append(_coverage_note(session, group_id, chosen.period_start, end, today))
        reopened = tuple((r.on, r.reason) for r in review_svc.reopenings(session, chosen.id or 0))
    return HubView(
        group_name=group.name,
        reviews=tuple(_summary(r) for r in reviews),
        current=_summary(chosen) if chosen else None,
        parts=parts,
        next_part=next((p.key for p in parts if not p.done), None),
        default_start=review_svc.default_start(session, group),
        notes=tuple(notes),
        reopenings=reopened,
    )


def _coverage_note(
    session: Session, group_id: int, start: dt.date, end: dt.date, today: dt.date
) -> str:
    """Which competencies the review year's meetings touched (through their topics' tags)."""
    from . import competencies

    cov = competencies.coverage(session, group_id, start, end, today)
    return f"{cov.framework or 'Competencies'}: {competencies.summary_line(cov)}"


def part_states(session: Session, ev: Evaluation, today: dt.date) -> tuple[PartState, ...]:
    from . import review_mission

    ev_id = ev.id or 0
    goals = review_goals.review_goal_rows(session, ev_id)
    decided = sum(1 for g in goals if g.verdict)
    results = survey.results(session, ev_id)
    rows = tallies.tally_rows(session, ev_id)
    figures = review_figures.figures_for(session, ev, today)
    mission = review_mission.mission_part(session, ev_id, today)
    answered = sum(1 for a in mission.answers if a.answer in ("in", "out"))
    rate = f", attendance {figures.attendance_rate:.0f}%" if figures.attendance_rate else ""
    states = {
        "goals": (decided == len(goals), f"{decided} of {len(goals)} goal(s) have a verdict"),
        "survey": (
            results.shown,
            f"{results.respondents} of {results.members} member(s) answered",
        ),
        "tallies": (
            bool(rows),
            _plural(len(rows), "tally", "tallies")
            + ", "
            + _plural(sum(r.count for r in rows), "outcome", "outcomes"),
        ),
        "figures": (True, f"{figures.held} of {figures.planned} meeting(s) held{rate}"),
        "mission": (
            bool(ev.mission) and (mission.round_started or ev.completed_on is not None),
            (f"mission {ev.mission}" if ev.mission else "mission not revisited yet")
            + (
                f"; opt-in {answered} of {len(mission.answers)} answered"
                if mission.round_started
                else "; no opt-in round recorded"
                if ev.completed_on
                else "; opt-in round not started"
            ),
        ),
        "decision": (
            bool(ev.decision),
            DECISION_LABELS.get(ev.decision, "not made yet")
            + ("; finished" if ev.completed_on else ""),
        ),
    }
    finished = ev.completed_on is not None
    return tuple(
        PartState(key, i + 1, title, finished or states[key][0], states[key][1])
        for i, (key, title) in enumerate(PARTS)
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- comparing the years ------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    label: str
    values: tuple[float | None, ...]  # one per year


@dataclass(frozen=True)
class CompareSection:
    title: str
    unit: str  # "%", "" (counts) or "/5"
    max_value: float | None
    rows: tuple[CompareRow, ...]


@dataclass(frozen=True)
class Comparison:
    years: tuple[str, ...]
    finished: tuple[bool, ...]
    sections: tuple[CompareSection, ...]


def comparison(
    session: Session,
    group_id: int,
    today: dt.date | None = None,
    *,
    up_to: int | None = None,
) -> Comparison:
    """Every repeating figure, year by year (oldest first); ``up_to``: only reviews up to
    and including that one (the annual report of an earlier year)."""
    today = today or clock.today()
    group = get_group(session, group_id)
    reviews = review_svc.list_reviews(session, group)
    if up_to is not None:
        cut = next((i for i, r in enumerate(reviews) if r.id == up_to), len(reviews) - 1)
        reviews = reviews[: cut + 1]
    ids = [r.id or 0 for r in reviews]
    figs = [review_figures.figures_for(session, r, today) for r in reviews]
    verdicts = review_goals.verdict_counts(session, ids)
    areas = survey.area_means(session, reviews)
    answered = survey.respondent_counts(session, reviews)
    totals = tallies.totals_by_review(session, reviews)

    def row(name: str, values: list[float | None]) -> CompareRow:
        return CompareRow(name, tuple(values))

    meetings = CompareSection(
        "Meetings and attendance",
        "",
        None,
        (
            row("Meetings planned", [float(f.planned) for f in figs]),
            row("Meetings held", [float(f.held) for f in figs]),
            row("Meetings cancelled", [float(f.cancelled) for f in figs]),
            row("Meetings with minutes", [float(f.minutes_recorded) for f in figs]),
        ),
    )
    attendance = CompareSection(
        "Attendance rate", "%", 100, (row("Attendance", [f.attendance_rate for f in figs]),)
    )
    goal_rows = [
        row(
            review_goals.VERDICT_LABELS[v].capitalize(),
            [float(verdicts[i][v]) for i in ids],
        )
        for v in ("met", "partly", "not-met", "carried", "dropped")
    ]
    goals = CompareSection("Goals reviewed, by verdict", "", None, tuple(goal_rows))
    survey_rows = tuple(
        row(survey.AREA_LABELS[a], [areas.get(i, {}).get(a) for i in ids])
        for a in survey.AREA_LABELS
        if any(areas.get(i, {}).get(a) is not None for i in ids)
    )
    survey_section = CompareSection(
        "Member survey, mean by area (1 to 5)",
        "",
        5,
        survey_rows,
    )
    labels: list[str] = [name for _k, name in tallies.kinds()]
    for i in ids:
        labels += [n for n in totals.get(i, {}) if n not in labels]
    tally_section = CompareSection(
        "Outcome tallies (CV elements)",
        "",
        None,
        tuple(
            row(name, [float(totals.get(i, {}).get(name, 0)) for i in ids])
            for name in labels
            if any(totals.get(i, {}).get(name) for i in ids)
        ),
    )
    respondents = CompareSection(
        "Survey answers",
        "",
        None,
        (row("Members who answered", [float(answered.get(i, 0)) for i in ids]),),
    )
    return Comparison(
        years=tuple(label(r) for r in reviews),
        finished=tuple(r.completed_on is not None for r in reviews),
        sections=(meetings, attendance, goals, respondents, survey_section, tally_section),
    )
