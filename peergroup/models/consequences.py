"""Step 9: unintended consequences.

Anonymous by construction: ``ConsequenceRespondent`` says who answered a
check (so nobody answers twice) and ``ConsequenceAnswer`` says what was
answered, with no member id. Answer rows get random ids, so not even their
order in the file links them to the respondents' rows.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import BigInteger, Integer, UniqueConstraint
from sqlmodel import Field

from .base import Table, _between

# Random 62-bit ids: 64-bit on PostgreSQL (SQLite's INTEGER already is, and stays
# the rowid there). Migration 0011.
ANSWER_ID = BigInteger().with_variant(Integer(), "sqlite")


def random_id() -> int:
    """A random positive 62-bit id (order of insertion is not kept)."""
    return secrets.randbits(62) or 1


# --- step 9: unintended consequences ----------------------------------------


class ConsequenceCheck(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    on: dt.date  # the day the check was opened
    notes: str = ""


class ConsequenceRespondent(Table, table=True):
    """Who has answered a check (never what)."""

    __table_args__ = (UniqueConstraint("check_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="consequencecheck.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")


class ConsequenceAnswer(Table, table=True):
    """One score given to one question of a check, by someone (deliberately unknown)."""

    __table_args__ = (_between("score", 1, 5),)
    id: int | None = Field(default_factory=random_id, primary_key=True, sa_type=ANSWER_ID)
    check_id: int = Field(foreign_key="consequencecheck.id", index=True, ondelete="CASCADE")
    question_key: str
    score: int  # 1..5
