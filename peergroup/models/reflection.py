"""Step 8: reflective practice: the journal, its passphrases and the group's own prompts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field

from ..clock import utcnow
from .base import Table

# --- step 8: reflective practice --------------------------------------------


class Reflection(Table, table=True):
    """A member's reflection. Private to its author unless ``shared``.

    A private reflection of a member with a journal passphrase keeps its text
    only in ``cipher`` (AES-GCM: nonce + ciphertext, see
    ``services.journal_crypto``) and ``text`` stays empty; a shared one is
    plain text, because its author gave it to the group.
    """

    __table_args__ = (
        CheckConstraint("revision >= 0", name="revision"),
        CheckConstraint("cipher IS NULL OR text = ''", name="cipher_or_text"),
    )
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    prompt_key: str = ""
    text: str = ""
    cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    shared: bool = False
    shared_at: dt.datetime | None = None
    revision: int = 0  # raised on every save: two copies never overwrite each other unseen
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class JournalKey(Table, table=True):
    """A member's journal passphrase, as a salt, scrypt settings and a verifier.

    Neither the passphrase nor the key derived from it is stored: the verifier
    (a fixed text encrypted with the key) only tells a right passphrase from a
    wrong one.
    """

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", unique=True, ondelete="CASCADE")
    salt: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    n: int
    r: int
    p: int
    verifier: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class GroupPrompt(Table, table=True):
    """A reflection prompt the group wrote itself, beside the bundled library."""

    __table_args__ = (UniqueConstraint("group_id", "key", name="uq_groupprompt_group_key"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    key: str  # "own-1", "own-2", ... (bundled keys never start with "own-")
    theme: str
    text: str
    retired: bool = False  # taken out of the list; meetings that used it keep it
