"""Step 5: departmental support."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlmodel import Field

from ..clock import utcnow
from .base import Table, _one_of

SUPPORT_STATUSES = ("planned", "asked", "granted", "declined")
SUPPORT_KINDS = ("financial-direct", "financial-indirect", "non-financial")
SUPPORT_FORUMS = ("annual-review", "retreat", "other")

# --- step 5: departmental support -------------------------------------------


class SupportRequest(Table, table=True):
    __table_args__ = (
        _one_of("status", SUPPORT_STATUSES),
        _one_of("kind", SUPPORT_KINDS),
        _one_of("forum", SUPPORT_FORUMS),
        CheckConstraint(
            "answered_on IS NULL OR (asked_on IS NOT NULL AND answered_on >= asked_on)",
            name="answered_after_asked",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    to_whom: str  # "Division chief", "Department chair", a name ...
    kind: str = "non-financial"  # financial-direct | financial-indirect | non-financial
    ask: str  # what the group asks for (never empty)
    why: str = ""  # the case for it, as the brief shows it
    forum: str = "annual-review"  # annual-review | retreat | other
    forum_note: str = ""  # which forum, when "other" (or more detail)
    asked_on: dt.date | None = None
    answered_on: dt.date | None = None
    status: str = "planned"  # planned | asked | granted | declined
    outcome: str = ""
    created_at: dt.datetime = Field(default_factory=utcnow)
