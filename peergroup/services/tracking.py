"""Step 10: tracking activities. The running list of meetings (dates, topics,
scribes, the state of their minutes), the step's status, and the yearly
evaluation's part of it.

The scribe shown for each meeting is its scribe assignment (services.roles),
the same fact the meeting screen, the minutes export and the calendar read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import clock
from ..models import Group, Meeting, Minutes
from ..steps import StepStatus
from . import actions
from . import roles as roles_svc
from .groups import get_group


@dataclass(frozen=True)
class RunningRow:
    meeting_id: int
    on: dt.date
    status: str  # scheduled | cancelled
    topic_title: str
    scribe_name: str
    has_minutes: bool
    finalised: bool

    @property
    def minutes_state(self) -> str:
        """cancelled | finalised | draft | "" (no minutes yet)."""
        if self.status == "cancelled":
            return "cancelled"
        if self.finalised:
            return "finalised"
        return "draft" if self.has_minutes else ""


@dataclass(frozen=True)
class TrackingView:
    """The running list screen: every meeting, and a one-line summary."""

    rows: list[RunningRow]
    held: int  # scheduled meetings before today
    held_with_minutes: int
    open_items: int  # open action items of the group
    nearest: int  # index of the last meeting on or before today (where the cursor starts)


def running_list(session: Session, group: Group) -> list[RunningRow]:
    """Every meeting of the group with its topic, scribe and the state of its minutes."""
    from .topics import topic_lines

    assert group.id is not None
    held = roles_svc.holders_by_meeting(session, group)
    lines = topic_lines(session, group.id)
    stmt = (
        select(Meeting, Minutes)
        .outerjoin(Minutes, col(Minutes.meeting_id) == col(Meeting.id))
        .where(Meeting.group_id == group.id)
        .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
    )
    rows = []
    for m, minutes in session.exec(stmt):
        assert m.id is not None
        scribe = roles_svc.held_by_key(held.get(m.id, {}), roles_svc.SCRIBE)
        rows.append(
            RunningRow(
                meeting_id=m.id,
                on=m.on,
                status=m.status,
                topic_title=lines.get(m.id, ""),
                scribe_name=scribe.member_name if scribe else "",
                has_minutes=bool(minutes and minutes.text.strip()),
                finalised=bool(minutes and minutes.finalised_at),
            )
        )
    return rows


def tracking_view(session: Session, group_id: int, today: dt.date | None = None) -> TrackingView:
    today = today or clock.today()
    group = get_group(session, group_id)
    rows = running_list(session, group)
    held = [r for r in rows if r.on < today and r.status == "scheduled"]
    nearest = max((i for i, r in enumerate(rows) if r.on <= today), default=0)
    return TrackingView(
        rows=rows,
        held=len(held),
        held_with_minutes=sum(1 for r in held if r.has_minutes),
        open_items=len(actions.open_action_items(session, group, today=today)),
        nearest=nearest,
    )


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("tracking")
    past = session.exec(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.group_id == group.id, Meeting.on < today, Meeting.status == "scheduled")
    ).one()
    with_minutes = session.exec(
        select(func.count())
        .select_from(Minutes)
        .join(Meeting)
        .where(Meeting.group_id == group.id, Minutes.text != "")
    ).one()
    if past and with_minutes < past:
        step.missing.append(f"{past - with_minutes} past meeting(s) have no minutes.")
    if not past:
        step.missing.append("Hold the first meeting and record its minutes.")
    _yearly_review_status(session, group, today, step)
    return step.finish(with_minutes > 0)


def _yearly_review_status(session: Session, group: Group, today: dt.date, step: StepStatus) -> None:
    """The yearly review is due twelve months after the last finished one (or after the
    first meeting); a review finished in the last twelve months settles it for the year."""
    from . import review

    due = review.review_due(session, group, today)
    if due.due is None or due.done_for_year:
        return
    if due.due <= today:
        what = (
            f"finish the review of {due.open_label} that was started"
            if due.open_label
            else "open step 10, press o for the review, then o to start it"
        )
        step.flag(f"The yearly review was due on {due.due:%Y-%m-%d}: {what}.")
    elif due.open_label:
        step.missing.append(
            f"Finish the yearly review of {due.open_label} (due by {due.due:%Y-%m-%d})."
        )
    else:
        basis = "the first meeting" if due.first else "the last review"
        step.missing.append(
            f"The yearly review is due by {due.due:%Y-%m-%d}, twelve months after {basis}."
        )
