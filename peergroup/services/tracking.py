"""Step 10: tracking activities. The running list of meetings (dates, topics,
scribes, the state of their minutes), the step's status, and the yearly
evaluation's part of it.

The scribe shown for each meeting is its scribe assignment (services.roles),
the same fact the meeting screen, the minutes export and the calendar read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from .. import clock
from ..models import Evaluation, Group, Meeting, Minutes
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
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.group_id == group.id)
        .order_by(Meeting.on, Meeting.start_time, Meeting.id)
    )
    rows = []
    for m, minutes in session.exec(stmt):
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
    age_start = group.first_meeting or (group.created_at.date() if group.created_at else today)
    if age_start <= today - relativedelta(months=12):
        recent = session.exec(
            select(func.count())
            .select_from(Evaluation)
            .where(Evaluation.group_id == group.id, Evaluation.year >= today.year - 1)
        ).one()
        if not recent:
            step.missing.append("Run the yearly evaluation of goals and outcomes.")
    return step.finish(with_minutes > 0)
