"""Steps 6 and 7: topics, the needs assessment, the curriculum plan and outside experts.

A meeting's topic is one fact, ``Meeting.topic_id``; how the curriculum planned
it (part k of n of a series, set by hand, an open slot) is its ``PlanEntry``.
Every view reads the two through ``services.topics.topic_line``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from .base import (
    Table,
    _between,
    _one_of,
)

TOPIC_FAMILIES = ("career", "scholarly", "navigating", "growth")
SERIES_MAX = 6  # meetings one run of a topic may take
PLAN_KINDS = ("topic", "open")
INVITATION_STATUSES = ("idea", "invited", "confirmed", "declined", "attended")

# --- step 6: topics ---------------------------------------------------------


class Topic(Table, table=True):
    """A topic the group adopted (from the bundled catalog, or its own).

    A retired topic stays: meetings that covered it still name it, and its
    ratings stay in the rounds that asked about it.
    """

    __table_args__ = (
        UniqueConstraint("group_id", "title_key", name="uq_topic_group_title_key"),
        _between("parts", 1, SERIES_MAX),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    family: str  # career | scholarly | navigating | growth
    title: str
    title_key: str = ""  # fold(title)
    description: str = ""
    catalog_key: str = ""  # set when taken from the bundled catalog
    parts: int = 1  # meetings one run takes: more than 1 is a longitudinal series
    needs_expert: bool = False  # the group wants outside input on it
    retired_on: dt.date | None = None


class NeedsRound(Table, table=True):
    """One needs assessment: members rate the adopted topics between two dates."""

    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="dates"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    opens_on: dt.date
    closes_on: dt.date  # the last day ratings can be given or changed
    closed: bool = False  # closed by hand before closes_on


class NeedsAnswer(Table, table=True):
    """That a member answered a round (not anonymous), and the topic they suggest."""

    __table_args__ = (UniqueConstraint("round_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="needsround.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    answered_on: dt.date
    suggestion: str = ""


class TopicRating(Table, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "topic_id", "member_id"),
        _between("score", 1, 5),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="needsround.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    score: int  # 1..5


class PlanEntry(Table, table=True):
    """How the curriculum planned one meeting (its topic is ``Meeting.topic_id``)."""

    __table_args__ = (
        _one_of("kind", PLAN_KINDS),
        CheckConstraint(f"part >= 1 AND part <= parts AND parts <= {SERIES_MAX}", name="part"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True, ondelete="CASCADE")
    kind: str = "topic"  # topic | open (an open / ad hoc slot)
    part: int = 1
    parts: int = 1
    manual: bool = False  # set by hand: planning again leaves it alone


class CurriculumSetting(Table, table=True):
    """How the planner proposes: the repeat window and how often a slot stays open."""

    __table_args__ = (
        _between("repeat_months", 0, 60),
        _between("open_every", 0, 12),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", unique=True, ondelete="CASCADE")
    repeat_months: int = 12  # a topic is not proposed again within this many months
    open_every: int = 0  # every Nth upcoming meeting is an open slot (0: none)


# --- step 7: outside expertise ----------------------------------------------


class Expert(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    name: str
    email: str = ""
    expertise: str = ""
    affiliation: str = ""
    notes: str = ""


class ExpertTopic(Table, table=True):
    """A topic an expert can speak to."""

    __table_args__ = (UniqueConstraint("expert_id", "topic_id"),)
    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = Field(foreign_key="expert.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")


class ExpertInvitation(Table, table=True):
    """An expert asked to one meeting, or for input between meetings (no meeting)."""

    __table_args__ = (
        _one_of("status", INVITATION_STATUSES),
        UniqueConstraint("expert_id", "meeting_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = Field(foreign_key="expert.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    topic_id: int | None = Field(default=None, foreign_key="topic.id", ondelete="SET NULL")
    status: str = "idea"  # idea | invited | confirmed | declined | attended
    invited_on: dt.date | None = None
    answered_on: dt.date | None = None  # when they confirmed or declined
    due_on: dt.date | None = None  # between meetings: when the input is wanted
    note: str = ""
