"""The department chair's view: every peer group in the database, side by side.

One row per group for a period (the twelve months ending today, or a calendar
year), and the department's totals. Every figure is a group's aggregate, taken
from the functions the yearly review already uses:

* members, meetings held and planned, attendance rate: ``review_figures.compute``
  over the period (members: active on its last day, or today if that is sooner;
  attendance: present / expected over held meetings whose attendance was taken);
* goals met: the group's own and its members' goals achieved in the period, dated
  by ``goals.met_on`` (first 100% check-in, else the due date), as in a member's
  statement;
* yearly review: ``review.due_from`` as it stood on the period's last day (or
  today): done (a review finished in the twelve months before), in progress
  (one started and not finished), overdue (due: the group first met more than
  a year before and no review was finished since), or not due yet;
* outcome tallies: ``tallies.totals_by_review`` (summed over members) of the
  reviews whose twelve months ended in the period, by kind ("other" by its label).

What it never reads: reflections, survey or check answers, minutes text, and no
figure of one member (tallies are summed per group before they leave here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from .. import clock
from ..models import Group
from ..text import fold
from . import goals as goals_svc
from . import review as review_svc
from . import review_figures, tallies, validate
from .groups import list_groups

DONE, IN_PROGRESS, OVERDUE, NOT_DUE = "done", "in progress", "overdue", "not due yet"
REVIEW_STATES = (DONE, IN_PROGRESS, OVERDUE, NOT_DUE)


@dataclass(frozen=True)
class ReviewState:
    state: str  # one of REVIEW_STATES
    detail: str  # a sentence for the report, e.g. "due since 9 Sep 2026"


@dataclass(frozen=True)
class GroupRow:
    group_id: int
    name: str
    members: int
    held: int
    planned: int  # every meeting on the calendar in the period, cancelled ones included
    attendance_rate: float | None  # percent; None: attendance was never taken
    goals_met: int
    review: ReviewState
    outcomes: tuple[tuple[str, int], ...]  # (kind label, total), non-zero only
    present: int = 0  # summed over held meetings with attendance taken (for the totals)
    expected: int = 0

    @property
    def outcomes_total(self) -> int:
        return sum(n for _label, n in self.outcomes)


@dataclass(frozen=True)
class Totals:
    groups: int
    members: int
    held: int
    planned: int
    attendance_rate: float | None
    goals_met: int
    reviews: tuple[tuple[str, int], ...]  # (state, how many groups), in REVIEW_STATES order
    outcomes: tuple[tuple[str, int], ...]  # every bundled kind (zeros too), then others

    @property
    def outcomes_total(self) -> int:
        return sum(n for _label, n in self.outcomes)


@dataclass(frozen=True)
class DepartmentView:
    start: dt.date
    end: dt.date
    year: int | None  # None: the twelve months ending today
    today: dt.date
    rows: tuple[GroupRow, ...]
    totals: Totals

    @property
    def label(self) -> str:
        """ "2025" or "the twelve months to 25 Nov 2026"."""
        return str(self.year) if self.year else f"the twelve months to {self.end:%d %b %Y}"

    @property
    def span(self) -> str:
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


def period(year: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """A calendar year, or the twelve months ending today (as the review's own
    ``period_end`` counts them from the start)."""
    if year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = today - relativedelta(months=review_svc.PERIOD_MONTHS) + dt.timedelta(days=1)
    return start, review_svc.period_end(start)


def review_state(
    session: Session, group: Group, start: dt.date, end: dt.date, today: dt.date
) -> ReviewState:
    """The group's yearly review as it stood on the period's last day (or today)."""
    as_of = min(end, today)
    reviews = [r for r in review_svc.list_reviews(session, group) if r.started_on <= as_of]
    finished = [r.completed_on for r in reviews if r.completed_on and r.completed_on <= as_of]
    unfinished = [r for r in reviews if r.completed_on is None or r.completed_on > as_of]
    open_label = review_svc.label(unfinished[-1]) if unfinished else None
    first = review_svc.first_meeting_day(session, group)
    due = review_svc.due_from(finished, open_label, first, as_of)
    if due.done_for_year:
        return ReviewState(DONE, f"finished on {max(finished):%d %b %Y}")
    if due.open_label:
        return ReviewState(IN_PROGRESS, f"the review of {due.open_label} is not finished yet")
    if due.due is not None and due.due <= as_of:
        return ReviewState(OVERDUE, f"due since {due.due:%d %b %Y}")
    if due.due is None:
        return ReviewState(NOT_DUE, "no meetings yet")
    return ReviewState(NOT_DUE, f"due on {due.due:%d %b %Y}")


def _outcomes(session: Session, group: Group, start: dt.date, end: dt.date) -> dict[str, int]:
    """Kind label -> total over members, from the reviews whose twelve months ended in the
    period."""
    ended = [
        r
        for r in review_svc.list_reviews(session, group)
        if start <= review_svc.period_end(r.period_start) <= end
    ]
    out: dict[str, int] = {}
    for by_label in tallies.totals_by_review(session, ended).values():
        for name, n in by_label.items():
            out[name] = out.get(name, 0) + n
    return out


def _goals_met(session: Session, group: Group, start: dt.date, end: dt.date) -> int:
    met = goals_svc.met_on(session, goals_svc.list_goals(session, group))
    return sum(1 for on in met.values() if on is not None and start <= on <= end)


def group_row(
    session: Session, group: Group, start: dt.date, end: dt.date, today: dt.date
) -> GroupRow:
    f = review_figures.compute(session, group, start, today)
    outcomes = _outcomes(session, group, start, end)
    order = {label: i for i, (_k, label) in enumerate(tallies.kinds())}
    return GroupRow(
        group_id=group.id or 0,
        name=group.name,
        members=f.active_members,
        held=f.held,
        planned=f.planned,
        attendance_rate=f.attendance_rate,
        goals_met=_goals_met(session, group, start, end),
        review=review_state(session, group, start, end, today),
        outcomes=tuple(
            sorted(
                ((label, n) for label, n in outcomes.items() if n),
                key=lambda kv: (order.get(kv[0], len(order)), fold(kv[0])),
            )
        ),
        present=sum(m.present for m in f.meetings),
        expected=sum(m.expected for m in f.meetings),
    )


def _totals(rows: list[GroupRow]) -> Totals:
    present = sum(r.present for r in rows)
    expected = sum(r.expected for r in rows)
    outcomes: dict[str, int] = {label: 0 for _k, label in tallies.kinds()}
    names: dict[str, str] = {fold(label): label for label in outcomes}
    for r in rows:
        for label, n in r.outcomes:
            shown = names.setdefault(fold(label), label)  # "other" kinds merge by folded label
            outcomes[shown] = outcomes.get(shown, 0) + n
    bundled = len(tallies.kinds())
    items = list(outcomes.items())
    return Totals(
        groups=len(rows),
        members=sum(r.members for r in rows),
        held=sum(r.held for r in rows),
        planned=sum(r.planned for r in rows),
        attendance_rate=round(100 * present / expected, 1) if expected else None,
        goals_met=sum(r.goals_met for r in rows),
        reviews=tuple((s, sum(1 for r in rows if r.review.state == s)) for s in REVIEW_STATES),
        outcomes=tuple(items[:bundled] + sorted(items[bundled:], key=lambda kv: fold(kv[0]))),
    )


def department_view(
    session: Session, year: int | str | None = None, today: dt.date | None = None
) -> DepartmentView:
    """Every group of the database for a calendar ``year`` (default: the twelve months
    ending ``today``)."""
    today = today or clock.today()
    chosen = validate.int_in_range("year", year, validate.YEAR_MIN, validate.YEAR_MAX)
    start, end = period(chosen, today)
    rows = [group_row(session, g, start, end, today) for g in list_groups(session)]
    rows.sort(key=lambda r: fold(r.name))
    return DepartmentView(start, end, chosen, today, tuple(rows), _totals(rows))
