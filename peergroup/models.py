"""SQLModel tables for the whole roadmap.

One database holds any number of groups; every row hangs off a ``Group``.
Times of meetings are stored as local wall-clock times in the group's time
zone (plus that zone's name), so a 07:30 meeting stays 07:30 across daylight
saving changes; UTC is computed only when a calendar file is written.

The schema is created and changed only by the Alembic migrations in
``peergroup/migrations``; a test checks that they match these models.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, MetaData, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from .clock import utcnow
from .text import fold

# A naming convention makes constraint names stable, which Alembic's batch
# mode on SQLite needs to drop or alter them in later migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def new_uuid() -> str:
    return uuid.uuid4().hex


# --- the group and step 1 ---------------------------------------------------


def _one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (the services validate first;
    this keeps a script or an older copy from writing something else)."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column)


def _between(column: str, lo: int, hi: int, name: str | None = None) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN {lo} AND {hi}", name=name or column)


MEMBER_STATUSES = ("prospective", "active", "alumni")
GOAL_STATUSES = ("open", "achieved", "dropped")
MEETING_STATUSES = ("scheduled", "cancelled")
ATTENDANCE_STATUSES = ("present", "apologies", "absent")
ACTION_STATUSES = ("open", "done", "dropped")
# Rotating and standing roles every group starts with, by their stable key.
ROLE_KEYS = ("facilitator", "scribe", "lead", "correspondence")


class Group(SQLModel, table=True):
    __table_args__ = (
        _one_of("membership", ("ongoing", "time-limited")),
        _between("duration_minutes", 30, 240),
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


class PeerTrait(SQLModel, table=True):
    """One shared characteristic in the group's definition of "peer" (step 1)."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    kind: str  # see services.peer.TRAIT_KINDS
    value: str
    position: int = 0


# --- step 2: membership -----------------------------------------------------


class Member(SQLModel, table=True):
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


class OptInRound(SQLModel, table=True):
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


# --- step 3: goals and mission ----------------------------------------------


class Goal(SQLModel, table=True):
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


class GoalCheckin(SQLModel, table=True):
    __table_args__ = (_between("progress", 0, 100),)
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    on: dt.date
    progress: int = 0  # percent
    note: str = ""


class MissionVersion(SQLModel, table=True):
    """Every adopted wording of the mission is kept; the newest is current."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    text: str
    adopted_on: dt.date
    revisit_by: dt.date
    created_at: dt.datetime = Field(default_factory=utcnow)


# --- step 4: meetings, roles ------------------------------------------------


class SkipDate(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("group_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    on: dt.date
    reason: str = ""


class CustomDate(SQLModel, table=True):
    """One date of a group that meets on a custom list of dates (frequency "custom")."""

    __table_args__ = (UniqueConstraint("group_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    on: dt.date


class Meeting(SQLModel, table=True):
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


class Role(SQLModel, table=True):
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


class RoleAssignment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "role_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    manual: bool = False  # set by hand: rotation leaves it alone


class Attendance(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        _one_of("status", ATTENDANCE_STATUSES),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    status: str = "present"  # present | apologies | absent


# --- step 10: minutes, decisions, action items ------------------------------


class Minutes(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True, ondelete="CASCADE")
    text: str = ""
    revision: int = 0  # optimistic concurrency: a save names the revision it edited
    # Who took the minutes is the meeting's "scribe" role assignment (one fact).
    updated_at: dt.datetime = Field(default_factory=utcnow)
    finalised_at: dt.datetime | None = None
    finalised_by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class MinutesAmendment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    minutes_id: int = Field(foreign_key="minutes.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class MinutesConflict(SQLModel, table=True):
    """A save that lost a race with another copy of the app: kept, never dropped."""

    id: int | None = Field(default=None, primary_key=True)
    minutes_id: int = Field(foreign_key="minutes.id", index=True, ondelete="CASCADE")
    text: str
    based_on_revision: int
    created_at: dt.datetime = Field(default_factory=utcnow)


class ScribeChange(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    from_member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    to_member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    changed_at: dt.datetime = Field(default_factory=utcnow)


class Decision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class ActionItem(SQLModel, table=True):
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


# --- step 10: yearly evaluation ---------------------------------------------


class Evaluation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("group_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    year: int
    started_on: dt.date
    completed_on: dt.date | None = None
    summary: str = ""


class GoalReview(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("evaluation_id", "goal_id"),
        _one_of("verdict", ("met", "partly", "not-met", "in-progress", "dropped")),
    )
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", ondelete="CASCADE")
    verdict: str = "in-progress"  # met | partly | not-met | in-progress | dropped
    note: str = ""


class SurveyAnswer(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("evaluation_id", "member_id", "item_key"),
        _between("score", 1, 5),
    )
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    item_key: str
    score: int  # 1..5


class OutcomeTally(SQLModel, table=True):
    __table_args__ = (CheckConstraint("count >= 0", name="count"),)
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    kind: str  # promotions | leadership | teaching_awards | publications | ...
    count: int = 0
    note: str = ""


# --- derived keys -----------------------------------------------------------
# The folded keys behind the case-insensitive unique constraints are set here,
# on every insert and update, so no writer can forget them.


def _set_keys(_mapper, _connection, target) -> None:  # noqa: ANN001
    if isinstance(target, Group):
        target.name_key = fold(target.name)
    elif isinstance(target, Member):
        target.email_key = fold(target.email) if target.email else None
    elif isinstance(target, Role):
        target.name_key = fold(target.name)
    elif isinstance(target, Topic):
        target.title_key = fold(target.title)


for _cls in (Group, Member, Role, Topic):
    event.listen(_cls, "before_insert", _set_keys)
    event.listen(_cls, "before_update", _set_keys)
