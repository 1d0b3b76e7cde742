"""Steps 6 and 7: topics, the needs assessment and outside experts."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import (
    _between,
    _one_of,
)

# --- step 6: topics ---------------------------------------------------------


class Topic(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("group_id", "title_key", name="uq_topic_group_title_key"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    family: str  # career | scholarly | navigating | growth | custom
    title: str
    title_key: str = ""  # fold(title)
    description: str = ""
    catalog_key: str = ""  # set when taken from the bundled catalog


class TopicRating(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("topic_id", "member_id"), _between("score", 1, 5))
    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    score: int  # 1..5


# --- step 7: outside expertise ----------------------------------------------


class Expert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    name: str
    email: str = ""
    expertise: str = ""
    affiliation: str = ""


class ExpertInvitation(SQLModel, table=True):
    __table_args__ = (_one_of("status", ("idea", "invited", "confirmed", "declined", "attended")),)
    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = Field(foreign_key="expert.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    topic_id: int | None = Field(default=None, foreign_key="topic.id", ondelete="SET NULL")
    status: str = "idea"  # idea | invited | confirmed | declined | attended
