"""Competency tags on goals and topics (a framework such as CanMEDS, plus a group's own).

The framework itself is bundled data (``data/competencies.toml``); a group may
add tags of its own (``GroupCompetency``). A tag is stored by its stable key,
never by its label, so renaming a label changes nothing stored.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import Table


class GroupCompetency(Table, table=True):
    """A competency tag of the group's own, beside the bundled framework's."""

    __table_args__ = (UniqueConstraint("group_id", "key", name="uq_groupcompetency_group_key"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    key: str  # a slug made from the label; never the key of a bundled competency
    label: str


class TopicCompetency(Table, table=True):
    """A topic works on a competency (by key)."""

    __table_args__ = (UniqueConstraint("topic_id", "key", name="uq_topiccompetency_topic_key"),)
    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")
    key: str


class GoalCompetency(Table, table=True):
    """A goal develops a competency (by key)."""

    __table_args__ = (UniqueConstraint("goal_id", "key", name="uq_goalcompetency_goal_key"),)
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    key: str
