"""Step 3: goals, check-ins and the mission."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field

from ..clock import utcnow
from .base import (
    GOAL_STATUSES,
    Table,
    _between,
    _one_of,
)

# --- step 3: goals and mission ----------------------------------------------


class Goal(Table, table=True):
    __table_args__ = (_one_of("horizon", ("short", "long")), _one_of("status", GOAL_STATUSES))
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    title: str
    horizon: str = "short"  # short | long
    specific: str = ""
    measure: str = ""
    achievable: str = ""
    relevant: str = ""
    due: dt.date | None = None
    status: str = "open"  # open | achieved | dropped
    created_at: dt.datetime = Field(default_factory=utcnow)


class GoalCheckin(Table, table=True):
    __table_args__ = (_between("progress", 0, 100),)
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    on: dt.date
    progress: int = 0  # percent
    note: str = ""


class MissionVersion(Table, table=True):
    """Every adopted wording of the mission is kept; the newest is current."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    text: str
    adopted_on: dt.date
    revisit_by: dt.date
    created_at: dt.datetime = Field(default_factory=utcnow)
