"""One-on-one pair check-ins between group meetings (rounds proposed by rotation)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field

from ..clock import utcnow
from .base import Table, _one_of, new_uuid

PAIR_STATUSES = ("planned", "done", "not-held")


class PairRound(Table, table=True):
    """A round of pairs for the gap between two group meetings.

    ``cycle_offset`` and ``cycle_position`` place the round in its rotation cycle (see
    ``services.pair_rotation``); who sat it out is kept so the next round is fair.
    """

    __table_args__ = (
        UniqueConstraint("group_id", "number", name="uq_pairround_group_number"),
        CheckConstraint("cycle_offset >= 0 AND cycle_position >= 0", name="place_in_cycle"),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True, ondelete="CASCADE")
    number: int  # 1, 2, ... within the group
    cycle: int  # 1, 2, ...: a new cycle starts when the people taking part change
    cycle_offset: int = 0
    cycle_position: int = 0
    after_on: dt.date  # the meeting the gap starts with
    before_on: dt.date  # the meeting the gap ends with
    sitting_out_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: dt.datetime = Field(default_factory=utcnow)


class PairCheckin(Table, table=True):
    """Two members' one-on-one check-in in a round; they pick the date themselves."""

    __table_args__ = (
        _one_of("status", PAIR_STATUSES),
        CheckConstraint("first_id < second_id", name="ordered_pair"),
        CheckConstraint("sequence >= 0", name="sequence"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="pairround.id", index=True, ondelete="CASCADE")
    first_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    second_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    on: dt.date | None = None
    at: dt.time | None = None
    place: str = ""
    status: str = "planned"  # planned | done | not-held
    uid: str = Field(default_factory=new_uuid, unique=True)  # stable calendar identity
    sequence: int = 0  # raised when the date, time, place or status changes
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PairNote(Table, table=True):
    """What a pair wrote about their check-in: private to the two of them.

    Kept apart from ``PairCheckin`` so that no query for the schedule, the
    calendar or any export ever carries it; only ``services.pairs.notes_*`` read
    it, and only for this copy's owner when they are one of the pair. With a
    journal passphrase the text is encrypted like a private reflection.
    """

    __table_args__ = (CheckConstraint("cipher IS NULL OR text = ''", name="cipher_or_text"),)
    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="paircheckin.id", unique=True, ondelete="CASCADE")
    text: str = ""
    # Written by a member with a journal passphrase: the text only as AES-GCM with
    # their journal key (nonce + ciphertext), and ``text`` stays empty.
    cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    sealed_by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    updated_at: dt.datetime = Field(default_factory=utcnow)
