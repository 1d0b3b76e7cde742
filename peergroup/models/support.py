"""Step 5: departmental support."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from .base import (
    _one_of,
)

# --- step 5: departmental support -------------------------------------------


class SupportRequest(SQLModel, table=True):
    __table_args__ = (_one_of("status", ("planned", "asked", "granted", "declined")),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    to_whom: str
    financial: bool = False
    direct: bool = True
    ask: str = ""
    requested_on: dt.date | None = None
    status: str = "planned"  # planned | asked | granted | declined
    outcome: str = ""
