"""The group, its definition of "peer" (step 1) and its members (step 2)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from ..clock import utcnow
from .base import (
    MEMBER_STATUSES,
    Table,
    _between,
    _one_of,
    new_uuid,
)


class Group(Table, table=True):
    __table_args__ = (
        _one_of("membership", ("ongoing", "time-limited")),
        _between("duration_minutes", 30, 240),
        _between("check_interval_months", 1, 24),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str
    # fold(name): names are unique ignoring case and Unicode spelling ("Zoë" = "ZOË").
    name_key: str = Field(default="", unique=True)
    uuid: str = Field(default_factory=new_uuid, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    # step 2: membership rules
    target_size: int | None = None
    membership: str = "ongoing"  # ongoing | time-limited
    end_date: dt.date | None = None
    end_condition: str = ""
    opt_in_month: int | None = None  # 1..12
    # step 1: free-text part of the peer definition
    peer_note: str = ""
    # step 4: logistics (meeting generation lives in peergroup.calendar)
    frequency: str | None = (
        None  # weekly | every-n-weeks | monthly-nth-weekday | monthly-day | custom
    )
    interval: int = 1
    weekday: int | None = None  # 0 = Monday
    nth: int | None = None  # 1..4, -1 = last
    month_day: int | None = None  # custom dates (frequency "custom") are CustomDate rows
    start_time: dt.time | None = None
    duration_minutes: int = 60
    place: str = ""
    video_link: str = ""
    timezone: str = "UTC"
    first_meeting: dt.date | None = None
    # step 4: written norms
    expect_attendance: str = ""
    expect_communication: str = ""
    expect_agenda: str = ""
    # step 9: how often the group checks for unintended consequences
    check_interval_months: int = 6


class PeerTrait(Table, table=True):
    """One shared characteristic in the group's definition of "peer" (step 1)."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    kind: str  # see services.peer.TRAIT_KINDS
    value: str
    position: int = 0


# --- step 2: membership -----------------------------------------------------


class Member(Table, table=True):
    """A person in (or joining, or formerly in) a group.

    Members are never deleted once they have history: leaving sets status
    ``alumni`` and ``left_on``, so minutes, goals and counts stay intact.
    """

    __table_args__ = (
        UniqueConstraint("group_id", "email_key", name="uq_member_group_email_key"),
        _one_of("status", MEMBER_STATUSES),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    name: str
    email: str = ""
    # fold(email), or NULL without an e-mail: one address per person in a group.
    email_key: str | None = None
    status: str = "active"  # prospective | active | alumni
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    notes: str = ""
    created_at: dt.datetime = Field(default_factory=utcnow)


class OptInRound(Table, table=True):
    """The annual opt-in/opt-out round; one row per member answer."""

    __table_args__ = (
        UniqueConstraint("year", "member_id"),
        _one_of("answer", ("pending", "in", "out")),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    year: int
    answer: str = "pending"  # pending | in | out
    answered_on: dt.date | None = None
