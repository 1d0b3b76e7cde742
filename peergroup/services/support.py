"""Step 5: asking the department for support."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from ..models import Group, SupportRequest
from ..steps import StepStatus


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("support")
    n = session.exec(
        select(func.count()).select_from(SupportRequest).where(SupportRequest.group_id == group.id)
    ).one()
    if not n:
        step.missing.append("Plan what to ask the department for, and of whom.")
    return step.finish(n > 0)
