"""Step 4: meeting dates, roles and attendance."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from ..clock import utcnow
from .base import (
    ATTENDANCE_STATUSES,
    MEETING_STATUSES,
    Table,
    _between,
    _one_of,
    new_uuid,
)

# --- step 4: meetings, roles ------------------------------------------------


class SkipDate(Table, table=True):
    __table_args__ = (UniqueConstraint("group_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    on: dt.date
    reason: str = ""


class CustomDate(Table, table=True):
    """One date of a group that meets on a custom list of dates (frequency "custom")."""

    __table_args__ = (UniqueConstraint("group_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    on: dt.date


class Meeting(Table, table=True):
    __table_args__ = (
        _one_of("status", MEETING_STATUSES),
        _between("duration_minutes", 30, 240),
        CheckConstraint("sequence >= 0", name="sequence"),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    uid: str = Field(default_factory=new_uuid, unique=True)
    series_date: dt.date | None = None  # the date the schedule produced (None if added by hand)
    on: dt.date = Field(index=True)  # local date (may differ from series_date if moved)
    start_time: dt.time
    duration_minutes: int = 60
    status: str = "scheduled"  # scheduled | cancelled
    sequence: int = 0  # raised on every change, for .ics SEQUENCE
    place: str = ""
    title: str = ""
    topic_id: int | None = Field(default=None, foreign_key="topic.id", ondelete="SET NULL")
    agenda_note: str = ""
    prompt_key: str = ""
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Role(Table, table=True):
    __table_args__ = (
        UniqueConstraint("group_id", "name_key", name="uq_role_group_name_key"),
        UniqueConstraint("group_id", "key", name="uq_role_group_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    name: str  # as shown; may be renamed
    name_key: str = ""  # fold(name)
    # The role's identity for the app ("scribe", "lead", ...; see ROLE_KEYS);
    # NULL for a group's own roles. Never matched by display name.
    key: str | None = None
    rotates: bool = False  # True: assigned per meeting in rotation
    holder_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class RoleAssignment(Table, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "role_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    manual: bool = False  # set by hand: rotation leaves it alone


class Attendance(Table, table=True):
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        _one_of("status", ATTENDANCE_STATUSES),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    status: str = "present"  # present | apologies | absent
