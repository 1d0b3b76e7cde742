"""Step 6: topics for discussion, from a needs assessment."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from ..models import Group, Meeting, Topic, TopicRating
from ..steps import StepStatus


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("topics")
    topics = session.exec(
        select(func.count()).select_from(Topic).where(Topic.group_id == group.id)
    ).one()
    ratings = session.exec(
        select(func.count()).select_from(TopicRating).join(Topic).where(Topic.group_id == group.id)
    ).one()
    planned = session.exec(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.group_id == group.id, Meeting.on >= today, Meeting.topic_id.is_not(None))
    ).one()
    if not ratings:
        step.missing.append("Run the needs assessment: members rate the topics they want.")
    if not planned:
        step.missing.append("Give upcoming meetings a topic (or plan a curriculum).")
    return step.finish(topics > 0 or ratings > 0)
