"""Step 10: the yearly evaluation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    _between,
    _one_of,
)

# --- step 10: yearly evaluation ---------------------------------------------


class Evaluation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("group_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    year: int
    started_on: dt.date
    completed_on: dt.date | None = None
    summary: str = ""


class GoalReview(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("evaluation_id", "goal_id"),
        _one_of("verdict", ("met", "partly", "not-met", "in-progress", "dropped")),
    )
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", ondelete="CASCADE")
    verdict: str = "in-progress"  # met | partly | not-met | in-progress | dropped
    note: str = ""


class SurveyAnswer(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("evaluation_id", "member_id", "item_key"),
        _between("score", 1, 5),
    )
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    item_key: str
    score: int  # 1..5


class OutcomeTally(SQLModel, table=True):
    __table_args__ = (CheckConstraint("count >= 0", name="count"),)
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    kind: str  # promotions | leadership | teaching_awards | publications | ...
    count: int = 0
    note: str = ""
