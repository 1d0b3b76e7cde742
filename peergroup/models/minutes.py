"""Step 10: minutes, decisions and action items."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field

from ..clock import utcnow
from .base import (
    ACTION_STATUSES,
    Table,
    _one_of,
)

# --- step 10: minutes, decisions, action items ------------------------------


class Minutes(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True, ondelete="CASCADE")
    text: str = ""
    revision: int = 0  # optimistic concurrency: a save names the revision it edited
    # Who took the minutes is the meeting's "scribe" role assignment (one fact).
    updated_at: dt.datetime = Field(default_factory=utcnow)
    finalised_at: dt.datetime | None = None
    finalised_by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class MinutesAmendment(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    minutes_id: int = Field(foreign_key="minutes.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class MinutesConflict(Table, table=True):
    """A save that lost a race with another copy of the app: kept, never dropped."""

    id: int | None = Field(default=None, primary_key=True)
    minutes_id: int = Field(foreign_key="minutes.id", index=True, ondelete="CASCADE")
    text: str
    based_on_revision: int
    created_at: dt.datetime = Field(default_factory=utcnow)


class ScribeChange(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    from_member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    to_member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    changed_at: dt.datetime = Field(default_factory=utcnow)


class Decision(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class ActionItem(Table, table=True):
    __table_args__ = (_one_of("status", ACTION_STATUSES),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    owner_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str
    due: dt.date | None = None
    status: str = "open"  # open | done | dropped
    closed_at: dt.datetime | None = None
    closed_meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )
    created_at: dt.datetime = Field(default_factory=utcnow)
