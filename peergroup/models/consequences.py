"""Step 9: unintended consequences."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    _between,
)

# --- step 9: unintended consequences ----------------------------------------


class ConsequenceCheck(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    on: dt.date
    notes: str = ""


class ConsequenceAnswer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("check_id", "question_key"), _between("score", 1, 5))
    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="consequencecheck.id", index=True, ondelete="CASCADE")
    question_key: str
    score: int  # 1..5
