"""Step 10: the yearly review (evaluation) of a group.

A review covers twelve months from ``period_start`` (the first day of a month;
``year`` is that date's year, so a group has at most one review per starting
year). The member survey is anonymous: ``SurveyRespondent`` says *who*
answered (so nobody answers twice) and ``SurveyAnswer`` says *what* was
answered, with no member id and a random id, so the two cannot be joined,
not even by insertion order.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from .base import (
    Table,
    _between,
    _one_of,
)
from .consequences import ANSWER_ID

REVIEW_VERDICTS = ("met", "partly", "not-met", "carried", "dropped")
REVIEW_DECISIONS = ("", "continue", "adjust")
MISSION_OUTCOMES = ("", "reaffirmed", "revised")
SURVEY_AREAS = (
    "goals",
    "values",
    "strengths",
    "time",
    "support",
    "satisfaction",
    "connection",
    "worth",
    "own",
)

# --- step 10: yearly evaluation ---------------------------------------------


class Evaluation(Table, table=True):
    __table_args__ = (
        UniqueConstraint("group_id", "year"),
        _one_of("decision", REVIEW_DECISIONS),
        _one_of("mission", MISSION_OUTCOMES),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    year: int  # the year period_start falls in
    period_start: dt.date  # first day of the twelve months under review
    started_on: dt.date
    completed_on: dt.date | None = None  # set: finished and read-only
    summary: str = ""  # the facilitator's account of the year, for the report
    decision: str = ""  # "" (not yet) | continue | adjust
    adjustments: str = ""  # what the group will change (decision "adjust")
    mission: str = ""  # "" | reaffirmed | revised, during this review
    mission_on: dt.date | None = None
    # The activity figures as they stood when the review was finished (JSON,
    # services.review_figures); empty while the review is open.
    figures: str = ""


class ReviewReopening(Table, table=True):
    """A finished review opened again for a correction, and why."""

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    on: dt.date
    reason: str


class GoalReview(Table, table=True):
    """The verdict on one goal. ``title`` and ``owner`` keep what was reviewed
    even if the goal is renamed later (or was never in this database)."""

    __table_args__ = (
        UniqueConstraint("evaluation_id", "goal_id"),
        _one_of("verdict", REVIEW_VERDICTS),
        CheckConstraint("verdict != 'carried' OR new_due IS NOT NULL", name="carried_due"),
    )
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    goal_id: int | None = Field(default=None, foreign_key="goal.id", ondelete="SET NULL")
    title: str
    owner: str = ""  # the member's name; "" for a goal of the whole group
    verdict: str  # met | partly | not-met | carried | dropped
    note: str = ""
    new_due: dt.date | None = None  # carried goals only


class SurveyItem(Table, table=True):
    """One of the group's own survey statements (besides the bundled ones)."""

    __table_args__ = (_one_of("area", SURVEY_AREAS),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    text: str
    area: str = "own"
    active: bool = True  # retired items keep their earlier answers


class SurveyRespondent(Table, table=True):
    """Who answered a review's survey (never what they answered)."""

    __table_args__ = (UniqueConstraint("evaluation_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")


def _random_id() -> int:
    return secrets.randbits(62) + 1


class SurveyAnswer(Table, table=True):
    """One anonymous score. No member id, no time, and a random id."""

    __table_args__ = (_between("score", 1, 5),)
    id: int | None = Field(default_factory=_random_id, primary_key=True, sa_type=ANSWER_ID)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    item_key: str  # a bundled item's key, or "own-<SurveyItem.id>"
    score: int  # 1..5


class OutcomeTally(Table, table=True):
    __table_args__ = (
        CheckConstraint("count >= 0", name="count"),
        UniqueConstraint("evaluation_id", "member_id", "kind", "label"),
    )
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    kind: str  # a bundled outcome key (data/survey.toml) or "other"
    label: str = ""  # the name of an "other" kind, e.g. "Grants submitted"
    count: int = 0
    note: str = ""
