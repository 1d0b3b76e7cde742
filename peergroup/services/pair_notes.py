"""What a pair writes about its one-on-one check-in: private to the two of them.

The same promise as a private reflection: the notes never leave the database.
No export, report, calendar, search, group file or publish path reads the
``pairnote`` table; only this module does, and only for this copy's owner
(``journal_owner.owner``, kept in the user's config folder, never in the
database) when that owner is one of the pair. Anyone else, and a copy with no
owner chosen, is told whose notes they are and sees nothing of them.

Unlike journal reflections they are not encrypted: two people share them and
there is no key both of them hold (see the report of issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from .. import clock
from ..errors import InputError
from ..models import PairNote
from . import validate
from ._ids import id_of
from .journal_owner import owner
from .pairs import checkin_and_round, member_names

NOTES_MAX = 20_000


@dataclass(frozen=True)
class NotesForm:
    title: str
    readable: bool  # this copy's owner is one of the pair
    reason: str  # why not, when not readable
    text: str  # "" unless readable


def _allowed(session: Session, checkin_id: int, db_path: Path) -> tuple[bool, str, str]:
    c, r = checkin_and_round(session, checkin_id)
    names = member_names(session, r.group_id)
    pair = f"{names.get(c.first_id, '?')} & {names.get(c.second_id, '?')}"
    me = owner(session, r.group_id, db_path)
    if me is None:
        return (
            False,
            pair,
            f"These notes are private to {pair}. This copy has no owner yet: if you are one "
            "of the pair, choose who you are on the journal screen (step 8, key z).",
        )
    if me.member_id not in (c.first_id, c.second_id):
        return (
            False,
            pair,
            f"These notes are private to {pair}; this copy belongs to {me.name}, so they "
            "stay hidden here.",
        )
    return True, pair, ""


def _note(session: Session, checkin_id: int) -> PairNote | None:
    return session.exec(select(PairNote).where(PairNote.checkin_id == checkin_id)).first()


def notes_form(session: Session, checkin_id: int, db_path: Path) -> NotesForm:
    readable, pair, reason = _allowed(session, checkin_id, db_path)
    note = _note(session, checkin_id) if readable else None
    return NotesForm(
        title=f"Private notes of {pair}'s check-in",
        readable=readable,
        reason=reason,
        text=note.text if note is not None else "",
    )


def save_notes(session: Session, checkin_id: int, db_path: Path, text: str) -> int:
    """Keep the pair's notes (empty text removes them); returns their length."""
    readable, _pair, reason = _allowed(session, checkin_id, db_path)
    if not readable:
        raise InputError("notes", reason)
    value = validate.text("notes", text, NOTES_MAX)
    note = _note(session, checkin_id)
    if not value:
        if note is not None:
            session.delete(note)
            session.flush()
        return 0
    if note is None:
        note = PairNote(checkin_id=checkin_id)
    note.text = value
    note.updated_at = clock.utcnow()
    session.add(note)
    session.flush()
    id_of(note)
    return len(value)
