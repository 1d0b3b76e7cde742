"""Step 10: which measures a yearly review puts first, by the group's age.

What a mentorship group should be judged by changes as it matures. In its
first two years what shows is the relationship: do members come, do they stay,
do they find the meetings worth their time. Career outcomes (promotions,
leadership positions, publications) take years to appear, so they lead only
after that. ``measure_order`` is the rule (pure); ``headline`` gathers the
figures the review screen and the annual report show in that order.

The group's age runs from its first held meeting to the last day of the reviewed
twelve months. A group file can bring review years from before the group used
Peergroup, so the start of the first reviewed year counts too if it is earlier;
with neither, the day the group was created.
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
    "In its first two years a group is judged by whether members come and find it worth "
    "their time; career outcomes such as promotions take longer to show."
)
WHY_MATURE = (
    "After two years a group's worth should show in members' careers, so promotions, "
    "leadership posts and publications lead; attendance and ratings follow."
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
    """The group's first held meeting on or before ``by``, or the start of its first
    reviewed year if that is earlier (a group file can bring years from before the group
    used Peergroup); with neither, the day the group was created."""
    first = session.exec(
        select(func.min(Meeting.on)).where(
            Meeting.group_id == group.id, Meeting.status == "scheduled", col(Meeting.on) <= by
        )
    ).one()
    reviewed = session.exec(
        select(func.min(Evaluation.period_start)).where(Evaluation.group_id == group.id)
    ).one()
    known = [d for d in (first, reviewed) if d is not None]
    return min(known) if known else group.created_at.date()


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
            RELATIONSHIP: ("Relationship", self.relationship),
            OUTCOMES: ("Career outcomes", self.outcomes),
        }
        return tuple(parts[k] for k in self.order.order)


def retention(
    session: Session, group: Group, start: dt.date, end: dt.date, today: dt.date
) -> tuple[int, int]:
    """(kept, had): of the members who belonged at any time in the period, how many
    still belong on its last day (or today, if that comes first)."""
    last = min(end, today)
    had = kept = 0
    for m in session.exec(select(Member).where(Member.group_id == group.id)):
        if m.status == "prospective" or (m.joined_on and m.joined_on > last):
            continue
        if m.left_on and m.left_on <= start:
            continue
        had += 1
        kept += is_member_on(m, last)
    return kept, had


def headline(
    session: Session, group: Group, ev: Evaluation, today: dt.date | None = None
) -> Headline:
    today = today or clock.today()
    ev_id = ev.id or 0
    end = period_end(ev.period_start)
    figures = review_figures.figures_for(session, ev, today)
    rate = figures.attendance_rate
    kept, had = retention(session, group, ev.period_start, end, today)
    trend = pulse_svc.trend(session, group.id or 0, ev.period_start, min(end, today), today)
    res = survey.results(session, ev_id)
    satisfaction = next((a.mean for a in res.areas if a.area == "satisfaction"), None)
    relationship = [
        Measure("Attendance", f"{rate:.0f}%" if rate is not None else "not taken"),
        Measure("Members kept", f"{kept} of {had}" if had else "no members"),
        Measure(
            "Pulse (1-5)",
            f"{trend.mean:.1f} over {len(trend.points)} meeting(s)"
            if trend.mean is not None
            else "too few answers",
        ),
    ]
    if res.respondents:
        relationship.append(
            Measure(
                "Satisfaction (survey, 1-5)",
                f"{satisfaction:.1f}" if satisfaction is not None else "too few answers",
            )
        )
    totals = [t for t in tallies.totals(tallies.tally_rows(session, ev_id)) if t.total]
    outcomes = [Measure(t.label, str(t.total)) for t in totals] or [
        Measure("Outcomes tallied", "none recorded yet")
    ]
    return Headline(order_for(session, group, ev), tuple(relationship), tuple(outcomes))


def headline_for(session: Session, evaluation_id: int, today: dt.date | None = None) -> Headline:
    """The headline measures of one review, for the review screen."""
    from .groups import get_group
    from .review import get_review

    ev = get_review(session, evaluation_id)
    return headline(session, get_group(session, ev.group_id), ev, today)
