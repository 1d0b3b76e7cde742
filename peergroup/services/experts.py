"""Step 7: outside expertise."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from ..models import Expert, Group
from ..steps import StepStatus


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("experts")
    n = session.exec(
        select(func.count()).select_from(Expert).where(Expert.group_id == group.id)
    ).one()
    if n:
        step.state = "done"
    else:
        step.state = "optional"
        step.next_action = "When a topic needs outside input, add an expert to invite."
    return step
