"""Step 10: action items, carried forward to every agenda until someone closes them.

An item is raised at a meeting, owned by a member and optionally due on a
date. While it is open it appears on the agenda of every later meeting of
the group (computed each time, never copied); closing it at a meeting
records where it was closed, so that meeting still shows it and the next one
no longer does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import ActionItem, Group, Meeting, Member, utcnow
from . import roles as roles_svc
from . import validate
from ._ids import id_of
from .attendance import labels
from .minutes import as_meeting, get_meeting, group_member, refuse_if_finalised

CLOSED = ("done", "dropped")
ACTION_MAX = 2_000


@dataclass(frozen=True)
class ActionRow:
    id: int
    text: str
    owner_id: int | None
    owner_name: str  # "" when the owner's row is gone
    due: dt.date | None
    status: str  # open | done | dropped
    raised_meeting_id: int
    raised_on: dt.date
    closed_meeting_id: int | None
    closed_at: dt.datetime | None
    overdue: bool  # open and due before ``today``


@dataclass(frozen=True)
class MemberChoice:
    member_id: int
    label: str  # the name, with the e-mail when two members share a name


@dataclass(frozen=True)
class MyItems:
    """ "My action items": whose they are, the members to switch between, the items."""

    members: list[MemberChoice]
    member_id: int | None  # None: the group has no members yet
    member_name: str
    rows: list[ActionRow]  # open first (by due date), then closed ones if asked for


# --- reading ----------------------------------------------------------------


def _earlier_than(meeting: Meeting) -> ColumnElement[bool]:
    """Items raised at meetings before ``meeting`` (same day: created before it)."""
    return or_(
        col(Meeting.on) < meeting.on,
        and_(col(Meeting.on) == meeting.on, col(Meeting.id) < id_of(meeting)),
    )


def _action_rows(
    session: Session, where: list[ColumnElement[bool]], today: dt.date
) -> list[ActionRow]:
    stmt = (
        select(ActionItem, col(Member.name), col(Meeting.on))
        .join(Meeting, col(Meeting.id) == ActionItem.meeting_id)
        .outerjoin(Member, col(Member.id) == ActionItem.owner_id)
        .where(*where)
    )
    rows = [
        ActionRow(
            id=id_of(a),
            text=a.text,
            owner_id=a.owner_id,
            owner_name=name or "",
            due=a.due,
            status=a.status,
            raised_meeting_id=a.meeting_id,
            raised_on=on,
            closed_meeting_id=a.closed_meeting_id,
            closed_at=a.closed_at,
            overdue=a.status == "open" and a.due is not None and a.due < today,
        )
        for a, name, on in session.exec(stmt)
    ]
    return sorted(rows, key=lambda r: (r.due is None, r.due or r.raised_on, r.raised_on, r.id))


def earlier_items(
    session: Session, meeting: Meeting | int, today: dt.date | None = None
) -> list[ActionRow]:
    """Every item raised at the group's earlier meetings, open or closed."""
    meeting = as_meeting(session, meeting)
    where = [col(ActionItem.group_id) == meeting.group_id, _earlier_than(meeting)]
    return _action_rows(session, where, today or clock.today())


def carried_forward(
    session: Session, meeting: Meeting | int, today: dt.date | None = None
) -> list[ActionRow]:
    """The open items from earlier meetings: this meeting's agenda."""
    return [r for r in earlier_items(session, meeting, today) if r.status == "open"]


def raised_at(
    session: Session, meeting: Meeting | int, today: dt.date | None = None
) -> list[ActionRow]:
    meeting = as_meeting(session, meeting)
    return _action_rows(session, [col(ActionItem.meeting_id) == meeting.id], today or clock.today())


def open_action_items(
    session: Session,
    group: Group,
    before_meeting: Meeting | None = None,
    today: dt.date | None = None,
) -> list[ActionRow]:
    """Open items of ``group``; with ``before_meeting``, only those raised earlier (its agenda)."""
    where = [col(ActionItem.group_id) == group.id, col(ActionItem.status) == "open"]
    if before_meeting is not None:
        where.append(_earlier_than(before_meeting))
    return _action_rows(session, where, today or clock.today())


def member_action_items(
    session: Session,
    member: Member | int,
    include_closed: bool = False,
    today: dt.date | None = None,
) -> list[ActionRow]:
    """ "My action items": open ones by due date, then (optionally) closed ones."""
    member_id = member if isinstance(member, int) else id_of(member)
    where = [col(ActionItem.owner_id) == member_id]
    if not include_closed:
        where.append(col(ActionItem.status) == "open")
    rows = _action_rows(session, where, today or clock.today())
    return sorted(rows, key=lambda r: r.status != "open")


def my_items(
    session: Session,
    group_id: int,
    member_id: int | None = None,
    today: dt.date | None = None,
) -> MyItems:
    """The open items of ``member_id`` (default: the first member by name).

    Members to switch between are the group's active members and alumni (an
    alumna may still owe an item), by name.
    """
    members = list(
        session.exec(
            select(Member).where(
                Member.group_id == group_id, col(Member.status).in_(("active", "alumni"))
            )
        )
    )
    members.sort(key=lambda m: (m.status != "active", m.name.casefold(), m.email, m.id))
    if not members:
        return MyItems([], None, "", [])
    shown = labels(members)
    chosen = next((m for m in members if m.id == member_id), members[0])
    return MyItems(
        [MemberChoice(id_of(m), shown[id_of(m)]) for m in members],
        id_of(chosen),
        shown[id_of(chosen)],
        member_action_items(session, chosen, today=today),
    )


# --- writing ----------------------------------------------------------------


def get_action_item(session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound(f"No action item with id {item_id}; it may have been deleted meanwhile.")
    return item


def add_action_item(
    session: Session,
    meeting: Meeting | int,
    text: str,
    owner_id: int | None,
    due: str | dt.date | None = None,
) -> ActionItem:
    meeting = as_meeting(session, meeting)
    body = validate.text("action item", text, ACTION_MAX)
    if not body:
        raise InputError("action item", "is empty; type what needs doing.")
    if owner_id is None:
        raise InputError("owner", "is empty; every action item needs someone who will do it.")
    owner = group_member(session, owner_id, meeting.group_id, "owner")
    if not roles_svc.is_member_on(owner, meeting.on):
        raise InputError(
            "owner",
            f"{owner.name} is not a member of the group on {meeting.on}; choose a current member.",
        )
    due_on = validate.parse_date("due", due)
    if due_on is not None and due_on < meeting.on:
        raise InputError(
            "due",
            f"{due_on} is before the meeting ({meeting.on}); give a later date or leave it empty.",
        )
    refuse_if_finalised(session, meeting, "action item")
    item = ActionItem(
        group_id=meeting.group_id,
        meeting_id=id_of(meeting),
        owner_id=id_of(owner),
        text=body,
        due=due_on,
    )
    session.add(item)
    session.flush()
    return item


def close_action_item(
    session: Session,
    item: ActionItem | int,
    status: str = "done",
    at_meeting: Meeting | int | None = None,
) -> ActionItem:
    """Close an item (done or dropped), at a meeting when given (it is shown there)."""
    if not isinstance(item, ActionItem):
        item = get_action_item(session, item)
    status = validate.choice("status", status or "done", CLOSED)
    if at_meeting is not None:
        at_meeting = as_meeting(session, at_meeting)
        raised = get_meeting(session, item.meeting_id)
        if at_meeting.group_id != item.group_id:
            raise InputError("meeting", "that meeting belongs to another group.")
        if (at_meeting.on, at_meeting.id) < (raised.on, raised.id):
            raise InputError(
                "meeting",
                f"the item was raised on {raised.on}; it cannot be closed at an earlier meeting.",
            )
    item.status = status
    item.closed_at = utcnow()
    item.closed_meeting_id = at_meeting.id if at_meeting is not None else None
    session.add(item)
    session.flush()
    return item


def reopen(session: Session, item: ActionItem | int) -> ActionItem:
    if not isinstance(item, ActionItem):
        item = get_action_item(session, item)
    item.status = "open"
    item.closed_at = None
    item.closed_meeting_id = None
    session.add(item)
    session.flush()
    return item
