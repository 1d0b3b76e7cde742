"""Step 10: which measures a yearly review puts first, by the group's age.

What a mentorship group should be judged by changes as it matures. In its
first two years what shows is the relationship: do members come, do they stay,
do they find the meetings worth their time. Career outcomes (promotions,
leadership positions, publications) take years to appear, so they lead only
after that. ``measure_order`` is the rule (pure); ``headline`` gathers the
figures the review screen and the annual report show in that order.

The group's age runs from its first held meeting (or the day the group was
created, if none was held) to the last day of the reviewed twelve months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from .. import clock
from ..models import Evaluation, Group, Meeting, Member
from . import pulse as pulse_svc
from . import review_figures, survey, tallies
from .review import period_end
from .roles import is_member_on

RELATIONSHIP = "relationship"
OUTCOMES = "outcomes"
YOUNG_YEARS = 2  # a group's first two years

WHY_YOUNG = (
    "In its first two years a group is judged by whether members keep coming, stay, and "
    "find the meetings worth their time; promotions and other career outcomes take longer "
    "to show, so they come second."
)
WHY_MATURE = (
    "After two years a group's value should be showing in members' careers, so promotions, "
    "leadership positions and publications come first; attendance and how members rate "
    "the meetings follow."
)


@dataclass(frozen=True)
class MeasureOrder:
    years: int  # full years of the group at the end of the reviewed period
    order: tuple[str, str]  # (RELATIONSHIP, OUTCOMES) or the other way round
    why: str

    @property
    def relationship_first(self) -> bool:
        return self.order[0] == RELATIONSHIP


def measure_order(started: dt.date, end: dt.date) -> MeasureOrder:
    """Relationship and satisfaction first while the group is under two years old at
    ``end`` (counting from ``started``), career outcomes first from then on."""
    years = max(0, relativedelta(end + dt.timedelta(days=1), started).years)
    if years < YOUNG_YEARS:
        return MeasureOrder(years, (RELATIONSHIP, OUTCOMES), WHY_YOUNG)
    return MeasureOrder(years, (OUTCOMES, RELATIONSHIP), WHY_MATURE)


def group_started(session: Session, group: Group, by: dt.date) -> dt.date:
    """The group's first held meeting on or before ``by``; else the day it was created."""
    first = session.exec(
        select(func.min(Meeting.on)).where(
            Meeting.group_id == group.id, Meeting.status == "scheduled", col(Meeting.on) <= by
        )
    ).one()
    return first or group.created_at.date()


def order_for(session: Session, group: Group, ev: Evaluation) -> MeasureOrder:
    end = period_end(ev.period_start)
    return measure_order(group_started(session, group, end), end)


# --- the headline figures, in that order ---------------------------------------------------


@dataclass(frozen=True)
class Measure:
    label: str
    value: str


@dataclass(frozen=True)
class Headline:
    order: MeasureOrder
    relationship: tuple[Measure, ...]
    outcomes: tuple[Measure, ...]

    def in_order(self) -> tuple[tuple[str, tuple[Measure, ...]], ...]:
        parts = {
            RELATIONSHIP: ("Relationship and satisfaction", self.relationship),
            OUTCOMES: ("Career outcomes", self.outcomes),
        }
        return tuple(parts[k] for k in self.order.order)


def retention(
    session: Session, group: Group, start: dt.date, end: dt.date, today: dt.date
) -> tuple[int, int]:
    """(stayed, were members on the first day): members of the first day still members
    on the last day of the period (or today, if that comes first)."""
    last = min(end, today)
    members = list(session.exec(select(Member).where(Member.group_id == group.id)))
    at_start = [m for m in members if is_member_on(m, start)]
    return sum(1 for m in at_start if is_member_on(m, last)), len(at_start)


def headline(
    session: Session, group: Group, ev: Evaluation, today: dt.date | None = None
) -> Headline:
    today = today or clock.today()
    ev_id = ev.id or 0
    end = period_end(ev.period_start)
    figures = review_figures.figures_for(session, ev, today)
    rate = figures.attendance_rate
    stayed, were = retention(session, group, ev.period_start, end, today)
    trend = pulse_svc.trend(session, group.id or 0, ev.period_start, min(end, today))
    res = survey.results(session, ev_id)
    satisfaction = next((a.mean for a in res.areas if a.area == "satisfaction"), None)
    relationship = [
        Measure("Attendance", f"{rate:.0f}%" if rate is not None else "not taken"),
        Measure(
            "Stayed through the year",
            f"{stayed} of {were} member(s)" if were else "no members at the start",
        ),
        Measure(
            "Meetings rated useful (pulse, 1 to 5)",
            f"{trend.mean:.1f} over {len(trend.points)} meeting(s)"
            if trend.mean is not None
            else "not enough answers to show",
        ),
    ]
    if res.respondents:
        relationship.append(
            Measure(
                "Satisfaction (yearly survey, 1 to 5)",
                f"{satisfaction:.1f}" if satisfaction is not None else "not enough answers to show",
            )
        )
    totals = [t for t in tallies.totals(tallies.tally_rows(session, ev_id)) if t.total]
    outcomes = [Measure(t.label, str(t.total)) for t in totals] or [
        Measure("Outcomes tallied", "none recorded yet")
    ]
    return Headline(order_for(session, group, ev), tuple(relationship), tuple(outcomes))
