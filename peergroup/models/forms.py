"""Answer files: forms members fill in away from the facilitator's keyboard.

Each group has one random secret, made the first time a form is exported. A
form's token is an HMAC of the group, the kind of form, the round and the
member under that secret (services.answer_files), so an edited header, or a
file meant for another group, round or member, is refused on import. The
secret never leaves the database.
"""

from __future__ import annotations

from sqlmodel import Field

from .base import Table


class AnswerFormKey(Table, table=True):
    """The secret that signs a group's answer files."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", unique=True, ondelete="CASCADE")
    secret: str  # 64 hex digits from secrets.token_hex(32)
