"""Step 8: reflective practice."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from ..models import Group, Meeting, Reflection
from ..steps import StepStatus


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("reflection")
    prompts = session.exec(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.group_id == group.id, Meeting.prompt_key != "")
    ).one()
    reflections = session.exec(
        select(func.count())
        .select_from(Reflection)
        .join(Meeting)
        .where(Meeting.group_id == group.id)
    ).one()
    if not prompts:
        step.missing.append("Pick a reflection prompt for an upcoming meeting.")
    return step.finish(prompts > 0 or reflections > 0)
