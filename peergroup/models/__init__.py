"""SQLModel tables for the whole roadmap, one module per area.

One database holds any number of groups; every row hangs off a ``Group``.
Times of meetings are stored as local wall-clock times in the group's time
zone (plus that zone's name), so a 07:30 meeting stays 07:30 across daylight
saving changes; UTC is computed only when a calendar file is written.

The schema is created and changed only by the Alembic migrations in
``peergroup/migrations``; a test checks that they match these models.
Import tables from ``peergroup.models`` (this module), not from its parts.
"""

from __future__ import annotations

from sqlalchemy import event

from ..clock import utcnow
from ..text import fold
from .base import (
    ACTION_STATUSES,
    ATTENDANCE_STATUSES,
    GOAL_STATUSES,
    MEETING_STATUSES,
    MEMBER_STATUSES,
    ROLE_KEYS,
    metadata,
    new_uuid,
)
from .competencies import GoalCompetency, GroupCompetency, TopicCompetency
from .consequences import ConsequenceAnswer, ConsequenceCheck, ConsequenceRespondent
from .evaluation import (
    Evaluation,
    GoalReview,
    OutcomeTally,
    ReviewReopening,
    SurveyAnswer,
    SurveyItem,
    SurveyRespondent,
)
from .forms import AnswerFormKey
from .goals import Goal, GoalCheckin, MissionVersion
from .group import Group, Member, OptInRound, PeerTrait
from .meetings import Attendance, CustomDate, Meeting, Role, RoleAssignment, SkipDate
from .minutes import (
    ActionItem,
    Decision,
    Minutes,
    MinutesAmendment,
    MinutesConflict,
    ScribeChange,
)
from .pairs import PAIR_STATUSES, PairCheckin, PairNote, PairRound
from .pulse import PULSE_LINE_MAX, PulseAnswer, PulseRespondent
from .reflection import GroupPrompt, JournalKey, Reflection
from .support import SUPPORT_FORUMS, SUPPORT_KINDS, SUPPORT_STATUSES, SupportRequest
from .topics import (
    INVITATION_STATUSES,
    PLAN_KINDS,
    SERIES_MAX,
    TOPIC_FAMILIES,
    CurriculumSetting,
    Expert,
    ExpertInvitation,
    ExpertTopic,
    NeedsAnswer,
    NeedsRound,
    PlanEntry,
    Topic,
    TopicRating,
)

__all__ = [
    "AnswerFormKey",
    "ACTION_STATUSES",
    "ATTENDANCE_STATUSES",
    "GOAL_STATUSES",
    "INVITATION_STATUSES",
    "MEETING_STATUSES",
    "MEMBER_STATUSES",
    "PAIR_STATUSES",
    "PLAN_KINDS",
    "PULSE_LINE_MAX",
    "ROLE_KEYS",
    "SUPPORT_FORUMS",
    "SUPPORT_KINDS",
    "SUPPORT_STATUSES",
    "SERIES_MAX",
    "TOPIC_FAMILIES",
    "ActionItem",
    "Attendance",
    "ConsequenceAnswer",
    "ConsequenceCheck",
    "ConsequenceRespondent",
    "CurriculumSetting",
    "CustomDate",
    "Decision",
    "Evaluation",
    "Expert",
    "ExpertInvitation",
    "ExpertTopic",
    "Goal",
    "GoalCheckin",
    "GoalCompetency",
    "GoalReview",
    "Group",
    "GroupCompetency",
    "GroupPrompt",
    "JournalKey",
    "Meeting",
    "Member",
    "Minutes",
    "MinutesAmendment",
    "MinutesConflict",
    "MissionVersion",
    "NeedsAnswer",
    "NeedsRound",
    "OptInRound",
    "OutcomeTally",
    "PairCheckin",
    "PairNote",
    "PairRound",
    "PeerTrait",
    "PlanEntry",
    "PulseAnswer",
    "PulseRespondent",
    "Reflection",
    "ReviewReopening",
    "Role",
    "RoleAssignment",
    "ScribeChange",
    "SkipDate",
    "SupportRequest",
    "SurveyAnswer",
    "SurveyItem",
    "SurveyRespondent",
    "Topic",
    "TopicCompetency",
    "TopicRating",
    "metadata",
    "new_uuid",
    "utcnow",
]


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
