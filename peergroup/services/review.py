"""Step 10: the facilitator's yearly review — the twelve months it covers,
starting it, the decision, finishing it (read-only from then on) and
reopening it for a correction, with the reason kept.

The group's own year: a review covers twelve months from the first day of a
month. The first review starts in the month of the group's first meeting;
each later one starts the day after the previous one ends. The facilitator
may choose another month when starting a review (say, to follow the academic
year), as long as no two reviews overlap. ``Evaluation.year`` is the year the
twelve months start in: "2025-26" is the review starting in September 2025,
"2026" one starting in January 2026.

The parts of a review (goals, survey, tallies, figures, mission and
membership, decision) are saved as they are entered, so a review can be left
at any point and taken up again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Evaluation, Group, Meeting, ReviewReopening
from . import validate
from .groups import get_group

PERIOD_MONTHS = 12
DECISIONS = ("continue", "adjust")
DECISION_LABELS = {"continue": "Continue as is", "adjust": "Make adjustments"}


# --- the twelve months ----------------------------------------------------------------


def period_end(start: dt.date) -> dt.date:
    """The last day of the twelve months starting on ``start``."""
    return start + relativedelta(months=PERIOD_MONTHS) - dt.timedelta(days=1)


def period_label(start: dt.date) -> str:
    """ "2025-26" for a year starting in September 2025; "2026" for January to December."""
    if start.month == 1:
        return str(start.year)
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def period_span(start: dt.date) -> str:
    """ "Sep 2025 to Aug 2026"."""
    end = period_end(start)
    return f"{start:%b %Y} to {end:%b %Y}"


def parse_month(field: str, value: str | dt.date | None) -> dt.date | None:
    """A month typed as YYYY-MM (or a date in it): its first day."""
    if isinstance(value, dt.date):
        return validate.parse_date(field, value.replace(day=1))
    text = (value or "").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(field, f"{text[:40]!r} is not a month; type it as YYYY-MM, e.g. 2026-09.")
    return validate.parse_date(field, dt.date(int(m.group(1)), int(m.group(2)), 1))


def first_meeting_day(session: Session, group: Group) -> dt.date | None:
    """The group's first meeting: its schedule's start, else its earliest meeting."""
    earliest = session.exec(select(func.min(Meeting.on)).where(Meeting.group_id == group.id)).one()
    known = [d for d in (group.first_meeting, earliest) if d is not None]
    return min(known) if known else None


def meetings_in(session: Session, group: Group, start: dt.date) -> int:
    """How many meetings (held, planned or cancelled) fall in the twelve months."""
    return session.exec(
        select(func.count())
        .select_from(Meeting)
        .where(
            Meeting.group_id == group.id,
            col(Meeting.on) >= start,
            col(Meeting.on) <= period_end(start),
        )
    ).one()


# --- reading reviews ----------------------------------------------------------------


def list_reviews(session: Session, group: Group) -> list[Evaluation]:
    """The group's reviews, oldest first."""
    return list(
        session.exec(
            select(Evaluation)
            .where(Evaluation.group_id == group.id)
            .order_by(col(Evaluation.period_start))
        )
    )


def get_review(session: Session, evaluation_id: int) -> Evaluation:
    ev = session.get(Evaluation, evaluation_id)
    if ev is None:
        raise NotFound(f"No yearly review with id {evaluation_id}; it may have been removed.")
    return ev


def find_review(session: Session, group: Group, year: str | int | None) -> Evaluation:
    """The review the CLI's --year names (2025 or 2025-26); default: the latest finished
    one, else the latest."""
    reviews = list_reviews(session, group)
    if not reviews:
        raise NotFound(f"{group.name} has no yearly review yet; start one in the app (step 10, o).")
    if year is None or str(year).strip() == "":
        finished = [r for r in reviews if r.completed_on is not None]
        return (finished or reviews)[-1]
    wanted = str(year).strip()
    for r in reviews:
        if wanted in (str(r.year), period_label(r.period_start)):
            return r
    known = ", ".join(period_label(r.period_start) for r in reviews)
    raise NotFound(f"No yearly review for {wanted!r}; the reviews are: {known}.")


def label(ev: Evaluation) -> str:
    return period_label(ev.period_start)


def require_open(ev: Evaluation) -> None:
    """A finished review is a record: nothing in it changes until it is reopened."""
    if ev.completed_on is not None:
        raise InputError(
            "review",
            f"the review of {label(ev)} was finished on {ev.completed_on:%d %b %Y} and is "
            "read-only. To correct it, reopen it (t on the review screen) and give the reason.",
        )


# --- starting -------------------------------------------------------------------------


def default_start(session: Session, group: Group) -> dt.date | None:
    """Where the next review starts: after the last one, else the first meeting's month."""
    reviews = list_reviews(session, group)
    if reviews:
        return period_end(reviews[-1].period_start) + dt.timedelta(days=1)
    first = first_meeting_day(session, group)
    return first.replace(day=1) if first else None


@dataclass(frozen=True)
class ReviewStarted:
    id: int
    label: str
    notes: tuple[str, ...]  # what the facilitator should know (no meetings, year not over)


def start_review(
    session: Session,
    group_id: int,
    start: str | dt.date | None = None,
    today: dt.date | None = None,
) -> ReviewStarted:
    """Open the review of the twelve months from ``start`` (a month; default: the next)."""
    today = today or clock.today()
    group = get_group(session, group_id)
    first = parse_month("start", start) or default_start(session, group)
    if first is None:
        raise InputError(
            "start",
            "is empty, and the group has no meetings to take it from; type the first month "
            "of the year to review as YYYY-MM.",
        )
    if first > today:
        raise InputError(
            "start",
            f"{first:%b %Y} has not begun yet; a review looks back at months that have started.",
        )
    end = period_end(first)
    for other in list_reviews(session, group):
        other_end = period_end(other.period_start)
        if other.period_start <= end and first <= other_end:
            after = other_end + dt.timedelta(days=1)
            raise InputError(
                "start",
                f"{period_span(first)} overlaps the review of {label(other)} "
                f"({period_span(other.period_start)}); start from {after:%Y-%m} or later, "
                "or open that review instead ([ and ] switch year).",
            )
    ev = Evaluation(group_id=group_id, year=first.year, period_start=first, started_on=today)
    session.add(ev)
    session.flush()
    assert ev.id is not None
    notes = []
    if meetings_in(session, group, first) == 0:
        notes.append(
            f"No meetings are recorded from {first:%d %b %Y} to {end:%d %b %Y}: the review can "
            "go ahead, but its meeting and attendance figures will be empty."
        )
    if end >= today:
        notes.append(
            f"This year runs until {end:%d %b %Y}: the figures count what has happened so far."
        )
    return ReviewStarted(ev.id, period_label(first), tuple(notes))


# --- the decision, finishing, reopening ---------------------------------------------------


def set_decision(
    session: Session,
    evaluation_id: int,
    decision: str | None,
    adjustments: str | None = "",
    summary: str | None = "",
) -> Evaluation:
    """Continue as is, or the adjustments the group will make; and the year in brief."""
    ev = get_review(session, evaluation_id)
    require_open(ev)
    if not (decision or "").strip():
        raise InputError("decision", "is empty; choose 'continue as is' or 'make adjustments'.")
    chosen = validate.choice("decision", decision, DECISIONS)
    changes = validate.text("adjustments", adjustments, 10_000)
    if chosen == "adjust" and not changes:
        raise InputError(
            "adjustments",
            "is empty; list what the group will change (one per line), or choose 'continue as is'.",
        )
    if chosen == "continue" and changes:
        raise InputError(
            "adjustments",
            "lists changes, but the decision is to continue as is; choose 'make adjustments' "
            "or clear the list.",
        )
    ev.decision = chosen
    ev.adjustments = changes
    ev.summary = validate.text("summary", summary, 10_000)
    session.add(ev)
    session.flush()
    return ev


def finish_review(session: Session, evaluation_id: int, today: dt.date | None = None) -> str:
    """Close the review: every goal has a verdict and the decision is made. The activity
    figures are frozen as they stand, so the record no longer moves. Returns a sentence."""
    from . import review_figures, review_goals

    today = today or clock.today()
    ev = get_review(session, evaluation_id)
    require_open(ev)
    undecided = review_goals.undecided(session, ev)
    if undecided:
        more = f" and {len(undecided) - 1} more" if len(undecided) > 1 else ""
        raise InputError(
            "goals",
            f"{len(undecided)} goal(s) have no verdict yet, e.g. {undecided[0]!r}{more}; "
            "record one for each (part 1) before finishing.",
        )
    if not ev.decision:
        raise InputError(
            "decision",
            "is not made yet: record whether the group continues as is or what it will "
            "adjust (part 6) before finishing.",
        )
    review_figures.freeze(session, ev, today)
    review_goals.snapshot_titles(session, ev)
    ev.completed_on = today
    session.add(ev)
    session.flush()
    return f"The review of {label(ev)} is finished; it is now read-only."


def reopen_review(
    session: Session, evaluation_id: int, reason: str | None, today: dt.date | None = None
) -> str:
    """Open a finished review again for a correction; the reason is kept with it."""
    ev = get_review(session, evaluation_id)
    if ev.completed_on is None:
        raise InputError("review", f"the review of {label(ev)} is not finished; edit it directly.")
    why = validate.text("reason", reason, 2_000)
    if not why:
        raise InputError(
            "reason", "is empty; say what needs correcting, e.g. 'a tally was missing'."
        )
    session.add(ReviewReopening(evaluation_id=evaluation_id, on=today or clock.today(), reason=why))
    ev.completed_on = None
    session.add(ev)
    session.flush()
    return f"The review of {label(ev)} is open again for the correction."


def reopenings(session: Session, evaluation_id: int) -> list[ReviewReopening]:
    return list(
        session.exec(
            select(ReviewReopening)
            .where(ReviewReopening.evaluation_id == evaluation_id)
            .order_by(col(ReviewReopening.on), col(ReviewReopening.id))
        )
    )


# --- when the next review is due (step 10 on the home screen) -----------------------------


@dataclass(frozen=True)
class ReviewDue:
    due: dt.date | None  # None: nothing to say (no meetings yet)
    done_for_year: bool  # a review finished in the last twelve months
    open_label: str | None  # a review started and not finished
    first: bool  # no review has been finished yet


def review_due(session: Session, group: Group, today: dt.date) -> ReviewDue:
    reviews = list_reviews(session, group)
    finished = [r.completed_on for r in reviews if r.completed_on is not None]
    unfinished = [r for r in reviews if r.completed_on is None]
    first = None if finished else first_meeting_day(session, group)
    return due_from(finished, label(unfinished[-1]) if unfinished else None, first, today)


def due_from(
    finished: list[dt.date], open_label: str | None, first_meeting: dt.date | None, today: dt.date
) -> ReviewDue:
    """The rule: a review is due twelve months after the last one was finished (the days
    in ``finished``), else twelve months after the group's first meeting."""
    base = max(finished) if finished else first_meeting
    if base is None:
        return ReviewDue(None, False, open_label, True)
    due = base + relativedelta(months=PERIOD_MONTHS)
    return ReviewDue(due, bool(finished) and due > today, open_label, not finished)
