"""Step 10: tracking activities (minutes of past meetings) and the yearly evaluation."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from ..models import Evaluation, Group, Meeting, Minutes
from ..steps import StepStatus


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
