"""Feedback both ways: a short anonymous pulse after a held meeting.

Members say how useful a meeting was (1 to 5) and may add one line. Stored
like the other anonymous answers (services.anonymity): ``PulseRespondent``
says *who* gave a pulse for a meeting (so nobody gives two) and
``PulseAnswer`` says *what* was given, with no member id, no time and a
random id, so neither a column nor the order of the rows links an answer to
the person who gave it.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import Table, _between
from .consequences import ANSWER_ID, random_id

PULSE_LINE_MAX = 200  # one short line


class PulseRespondent(Table, table=True):
    """Who has given a pulse for a meeting (never what)."""

    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")


class PulseAnswer(Table, table=True):
    """One anonymous pulse: how useful the meeting was, and an optional line."""

    __table_args__ = (_between("score", 1, 5),)
    id: int | None = Field(default_factory=random_id, primary_key=True, sa_type=ANSWER_ID)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    score: int  # 1 (not useful) .. 5 (very useful)
    line: str = ""
