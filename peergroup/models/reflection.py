"""Step 8: reflective practice."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from ..clock import utcnow

# --- step 8: reflective practice --------------------------------------------


class Reflection(SQLModel, table=True):
    """A member's reflection. Private to its author unless ``shared``."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    prompt_key: str = ""
    text: str
    shared: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)
