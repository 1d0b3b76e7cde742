"""What the journal screen shows: the writer's reflections and what others shared.

Never another member's private reflection: the one query here filters on
"mine, or shared". Encrypted entries show their words only with the author's
key unlocked in this session; otherwise they are listed as locked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from ..models import Group, Meeting, Member, Reflection
from . import journal_crypto as crypto
from . import reflections as reflections_svc
from .groups import get_group
from .journal import ENCRYPTED_NOTICE, VIEW_ONLY_NOTICE, _readable, key_params
from .journal_owner import Person, _members, owner


@dataclass(frozen=True)
class EntryRow:
    reflection_id: int
    author_id: int
    author: str
    mine: bool
    written_on: dt.date
    meeting_on: dt.date | None
    prompt: str
    preview: str  # the first words; "" while locked
    shared: bool
    encrypted: bool
    locked: bool  # encrypted, and not unlocked in this session


@dataclass(frozen=True)
class JournalView:
    group_name: str
    owner: Person | None
    author: Person | None  # who is writing now (the owner unless switched)
    people: tuple[Person, ...]
    has_passphrase: bool
    unlocked: bool
    entries: tuple[EntryRow, ...]
    next_meeting: tuple[dt.date, str] | None  # its date and prompt text ("" if none)
    prompts_used: tuple[tuple[dt.date, str], ...]
    privacy: str  # one sentence on how private the journal is


def _local_date(group: Group, when: dt.datetime) -> dt.date:
    try:
        return when.astimezone(ZoneInfo(group.timezone)).date()
    except Exception:  # noqa: BLE001 - a zone the system does not know: UTC is close enough
        return when.date()


def _preview(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def journal_view(
    session: Session,
    group_id: int,
    db_path: Path,
    author_id: int | None,
    unlocked: crypto.Unlocked | None,
    today: dt.date,
) -> JournalView:
    """The journal of ``author_id`` (default: this copy's owner): their reflections and
    what others shared. Never another member's private reflection."""
    group = get_group(session, group_id)
    own = owner(session, group_id, db_path)
    people = tuple(Person(m.id or 0, m.name) for m in _members(session, group_id))
    if author_id is None and own is not None:
        author_id = own.member_id
    author = next((p for p in people if p.member_id == author_id), None)
    params = key_params(session, author.member_id) if author else None
    key = _readable(unlocked, author.member_id) if author else None
    texts = reflections_svc.prompt_texts(session, group_id)
    entries: list[EntryRow] = []
    if author is not None:
        rows = session.exec(
            select(Reflection, col(Member.name), col(Meeting.on))
            .join(Member, col(Member.id) == Reflection.member_id)
            .outerjoin(Meeting, col(Meeting.id) == Reflection.meeting_id)
            .where(
                Member.group_id == group_id,
                or_(Reflection.member_id == author.member_id, col(Reflection.shared).is_(True)),
            )
            .order_by(col(Reflection.created_at).desc(), col(Reflection.id).desc())
        ).all()
        for r, name, meeting_on in rows:
            encrypted = r.cipher is not None
            locked = encrypted and key is None
            text = r.text
            if encrypted and key is not None and r.id is not None:
                text = crypto.decrypt_text(key, r.id, r.cipher or b"")
            entries.append(
                EntryRow(
                    reflection_id=r.id or 0,
                    author_id=r.member_id,
                    author=name,
                    mine=r.member_id == author.member_id,
                    written_on=_local_date(group, r.created_at),
                    meeting_on=meeting_on,
                    prompt=texts.get(r.prompt_key, ""),
                    preview="" if locked else _preview(text),
                    shared=r.shared,
                    encrypted=encrypted,
                    locked=locked,
                )
            )
    nxt = session.exec(
        select(Meeting)
        .where(Meeting.group_id == group_id, Meeting.on >= today, Meeting.status == "scheduled")
        .order_by(col(Meeting.on), col(Meeting.start_time))
    ).first()
    return JournalView(
        group_name=group.name,
        owner=own,
        author=author,
        people=people,
        has_passphrase=params is not None,
        unlocked=key is not None,
        entries=tuple(entries),
        next_meeting=(nxt.on, texts.get(nxt.prompt_key, "")) if nxt else None,
        prompts_used=tuple(reflections_svc.prompts_used(session, group_id, today)[:6]),
        privacy=ENCRYPTED_NOTICE if params is not None else VIEW_ONLY_NOTICE,
    )


@dataclass(frozen=True)
class Start:
    """Where a new reflection can start: a meeting's prompt, a library prompt, or none."""

    label: str
    meeting_id: int | None
    prompt_key: str


def _label(text: str, width: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def starts(session: Session, group_id: int, today: dt.date) -> list[Start]:
    """The last three meetings with a prompt (newest first) and the next one, free
    writing, then every prompt of the library."""
    texts = reflections_svc.prompt_texts(session, group_id)
    meetings = session.exec(
        select(Meeting)
        .where(
            Meeting.group_id == group_id,
            Meeting.prompt_key != "",
            Meeting.status == "scheduled",
        )
        .order_by(col(Meeting.on))
    ).all()
    past = [m for m in meetings if m.on <= today][-3:]
    future = [m for m in meetings if m.on > today][:1]
    out = [
        Start(_label(f"{m.on:%d %b %Y}: {texts.get(m.prompt_key, '')}"), m.id, m.prompt_key)
        for m in [*reversed(past), *future]
    ]
    out.append(Start("Free writing (no prompt)", None, ""))
    out += [
        Start(_label(label), None, key)
        for label, key in reflections_svc.prompt_choices(session, group_id)
    ]
    return out
