"""What a pair writes about its one-on-one check-in: private to the two of them.

The same promise as a private reflection: the notes never leave the database.
No export, report, calendar, search, group file or publish path reads the
``pairnote`` table; only this module does, and only for this copy's owner
(``journal_owner.owner``, kept in the user's config folder, never in the
database) when that owner is one of the pair. Anyone else, and a copy with no
owner chosen, is told whose notes they are and sees nothing of them.

When the owner has a journal passphrase, the notes are stored like that
owner's private reflections: AES-GCM with the journal key (``journal_crypto``),
bound to the check-in and the writer, and ``text`` stays empty. They can then
be read and written only with the journal unlocked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from .. import clock
from ..errors import InputError
from ..models import PairNote
from . import journal_crypto as crypto
from . import validate
from .journal import key_params
from .journal_owner import Person, owner
from .pairs import checkin_and_round, member_names

NOTES_MAX = 20_000


@dataclass(frozen=True)
class NotesAccess:
    """Who may open the notes in this copy, and whether a passphrase is needed first."""

    pair: str  # "Ana & Ben"
    owner_id: int | None  # this copy's owner, when they are one of the pair
    owner_name: str
    needs_passphrase: bool  # the owner's journal has a passphrase
    reason: str  # why the notes stay hidden here ("" when the owner may open them)


@dataclass(frozen=True)
class NotesForm:
    title: str
    readable: bool  # this copy's owner is one of the pair (and the journal is open)
    reason: str  # why not, when not readable
    text: str  # "" unless readable
    encrypted: bool  # kept with the owner's journal passphrase


def note_ad(checkin_id: int, member_id: int) -> bytes:
    """Associated data binding a note's ciphertext to its check-in and its writer."""
    return f"peergroup:pair-note:v1:{int(checkin_id)}:{int(member_id)}".encode()


def access(session: Session, checkin_id: int, db_path: Path) -> NotesAccess:
    c, r = checkin_and_round(session, checkin_id)
    names = member_names(session, r.group_id)
    pair = f"{names.get(c.first_id, '?')} & {names.get(c.second_id, '?')}"
    me: Person | None = owner(session, r.group_id, db_path)
    if me is None:
        reason = (
            f"These notes are private to {pair}. This copy has no owner yet: if you are one "
            "of the pair, choose who you are on the journal screen (step 8, key z)."
        )
        return NotesAccess(pair, None, "", False, reason)
    if me.member_id not in (c.first_id, c.second_id):
        reason = (
            f"These notes are private to {pair}; this copy belongs to {me.name}, so they "
            "stay hidden here."
        )
        return NotesAccess(pair, None, me.name, False, reason)
    locked = key_params(session, me.member_id) is not None
    return NotesAccess(pair, me.member_id, me.name, locked, "")


def _note(session: Session, checkin_id: int) -> PairNote | None:
    return session.exec(select(PairNote).where(PairNote.checkin_id == checkin_id)).first()


def _key(a: NotesAccess, keys: Mapping[int, crypto.Unlocked]) -> crypto.Unlocked | None:
    key = keys.get(a.owner_id) if a.owner_id is not None else None
    return key if key is not None and key.member_id == a.owner_id else None


def notes_form(
    session: Session,
    checkin_id: int,
    db_path: Path,
    keys: Mapping[int, crypto.Unlocked] | None = None,
) -> NotesForm:
    """The notes for this copy's owner, if they are one of the pair (``keys``: the journal
    keys unlocked in this session, member id -> key)."""
    a = access(session, checkin_id, db_path)
    title = f"Private notes of {a.pair}'s check-in"
    if a.owner_id is None:
        return NotesForm(title, False, a.reason, "", False)
    key = _key(a, keys or {})
    if a.needs_passphrase and key is None:
        reason = f"The journal of {a.owner_name} is locked: unlock it to read these notes."
        return NotesForm(title, False, reason, "", True)
    note = _note(session, checkin_id)
    if note is None:
        return NotesForm(title, True, "", "", a.needs_passphrase)
    if note.cipher is not None:
        if key is None or note.sealed_by_id != a.owner_id:
            reason = (
                f"These notes were kept with {a.owner_name}'s journal passphrase; unlock "
                "the journal to read them."
                if note.sealed_by_id == a.owner_id
                else "These notes were kept with the other member's journal passphrase, so "
                "only they can read them."
            )
            return NotesForm(title, False, reason, "", True)
        plain = crypto.open_sealed(key, note.cipher, note_ad(checkin_id, key.member_id))
        return NotesForm(title, True, "", plain.decode("utf-8"), True)
    return NotesForm(title, True, "", note.text, a.needs_passphrase)


def save_notes(
    session: Session,
    checkin_id: int,
    db_path: Path,
    text: str,
    keys: Mapping[int, crypto.Unlocked] | None = None,
) -> int:
    """Keep the pair's notes (empty text removes them); returns their length."""
    form = notes_form(session, checkin_id, db_path, keys)
    if not form.readable:
        raise InputError("notes", form.reason)
    a = access(session, checkin_id, db_path)
    value = validate.text("notes", text, NOTES_MAX)
    note = _note(session, checkin_id)
    if not value:
        if note is not None:
            session.delete(note)
            session.flush()
        return 0
    if note is None:
        note = PairNote(checkin_id=checkin_id)
    key = _key(a, keys or {})
    if a.needs_passphrase and key is not None:
        note.text = ""
        note.cipher = crypto.seal(key, value.encode("utf-8"), note_ad(checkin_id, key.member_id))
        note.sealed_by_id = key.member_id
    else:
        note.text, note.cipher, note.sealed_by_id = value, None, None
    note.updated_at = clock.utcnow()
    session.add(note)
    session.flush()
    return len(value)


# --- when a member's journal passphrase is set, changed or forgotten ---------------------


def _notes_of(session: Session, member_id: int) -> list[PairNote]:
    from sqlmodel import col, or_

    from ..models import PairCheckin

    checkins = select(PairCheckin.id).where(
        or_(PairCheckin.first_id == member_id, PairCheckin.second_id == member_id)
    )
    return list(session.exec(select(PairNote).where(col(PairNote.checkin_id).in_(checkins))))


def reseal(
    session: Session, member_id: int, old: crypto.Unlocked | None, new: crypto.Unlocked
) -> int:
    """With a new passphrase (``journal.set_passphrase``), the member's notes follow
    their reflections: plain ones of their pairs are sealed with the new key, and
    the ones they sealed with the old key are sealed again. Returns how many."""
    n = 0
    for note in _notes_of(session, member_id):
        ad = note_ad(note.checkin_id, member_id)
        if note.cipher is not None:
            if note.sealed_by_id != member_id:
                continue  # the other member's: only their passphrase opens it
            if old is None or old.member_id != member_id:
                raise InputError("passphrase", "unlock the journal before changing its passphrase.")
            plain = crypto.open_sealed(old, note.cipher, ad)
        else:
            plain = note.text.encode("utf-8")
            if not plain:
                continue
        note.text, note.cipher, note.sealed_by_id = "", crypto.seal(new, plain, ad), member_id
        session.add(note)
        n += 1
    session.flush()
    return n


def forget(session: Session, member_id: int) -> int:
    """A forgotten passphrase: the notes sealed with it can never be read again."""
    gone = [n for n in _notes_of(session, member_id) if n.cipher is not None]
    gone = [n for n in gone if n.sealed_by_id == member_id]
    for note in gone:
        session.delete(note)
    session.flush()
    return len(gone)
