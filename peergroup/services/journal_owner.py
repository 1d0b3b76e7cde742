"""Who is writing: this copy's owner per group, kept in the user's config folder.

Each copy of the app has an owner per group ("this copy belongs to Dana
Okafor"), kept by ``peergroup.config`` in the user's own settings folder and
never in the database, so a database passed to someone else does not carry it.
Who may keep a journal: active members and alumni (not prospective people).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from .. import config
from ..errors import InputError
from ..models import Member
from .groups import get_group


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str


def _members(session: Session, group_id: int) -> list[Member]:
    """Who can keep a journal: active members and alumni (not prospective people)."""
    return list(
        session.exec(
            select(Member)
            .where(Member.group_id == group_id, Member.status != "prospective")
            .order_by(col(Member.status), col(Member.name))
        )
    )


def owner(session: Session, group_id: int, db_path: Path) -> Person | None:
    """This copy's owner for the group, if one was chosen and is still a member."""
    group = get_group(session, group_id)
    stored = config.get(config.owner_key(db_path, group.uuid))
    if not isinstance(stored, dict) or not isinstance(stored.get("member_id"), int):
        return None
    member = session.get(Member, stored["member_id"])
    if member is None or member.group_id != group_id or member.status == "prospective":
        return None
    return Person(member.id or 0, member.name)


def set_owner(session: Session, group_id: int, db_path: Path, member_id: int) -> Person:
    """Make ``member_id`` this copy's owner for the group (kept in the config folder)."""
    group = get_group(session, group_id)
    member = _author(session, group_id, member_id)
    config.put(config.owner_key(db_path, group.uuid), {"member_id": member.id, "name": member.name})
    return Person(member.id or 0, member.name)


@dataclass(frozen=True)
class People:
    owner: Person | None
    people: tuple[Person, ...]  # who can keep a journal


def people(session: Session, group_id: int, db_path: Path) -> People:
    return People(
        owner(session, group_id, db_path),
        tuple(Person(m.id or 0, m.name) for m in _members(session, group_id)),
    )


def _author(session: Session, group_id: int, member_id: int | None) -> Member:
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None or member.group_id != group_id:
        raise InputError("member", "is not a member of this group; choose someone from the list.")
    if member.status == "prospective":
        raise InputError(
            "member", f"{member.name} has not joined yet; a journal starts when they join."
        )
    return member
