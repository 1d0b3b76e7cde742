"""Step 9: unintended consequences."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from ..models import ConsequenceCheck, Group
from ..steps import StepStatus


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("consequences")
    last = session.exec(
        select(func.max(ConsequenceCheck.on)).where(ConsequenceCheck.group_id == group.id)
    ).one()
    if last is None:
        step.missing.append(
            "Do a first check for unintended consequences (enmeshment, exclusivity, time cost)."
        )
    elif last < today - relativedelta(months=12):
        step.flag(
            f"The last check for unintended consequences was on {last:%Y-%m-%d}: do this year's."
        )
    return step.finish(last is not None)
