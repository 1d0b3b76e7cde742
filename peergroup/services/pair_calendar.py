"""A member's own dated pair check-ins as calendar events (for ``calendar_export``).

Never the pair's notes: this module reads only ``PairCheckin`` and ``PairRound``.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from ..calendar.ics import IcsEvent
from ..models import Group, Member, PairCheckin, PairRound
from ._ids import id_of
from .pairs import STATUS_LABELS, member_names

CHECKIN_MINUTES = 30  # how long a check-in with a time is in the calendar


def checkin_events(session: Session, group: Group, member: Member) -> list[IcsEvent]:
    """The member's own dated pair check-ins as calendar events (never the pair's notes)."""
    mid = id_of(member)
    rows = session.exec(
        select(PairCheckin, PairRound)
        .join(PairRound, col(PairRound.id) == col(PairCheckin.round_id))
        .where(PairRound.group_id == group.id)
        .where((col(PairCheckin.first_id) == mid) | (col(PairCheckin.second_id) == mid))
        .where(col(PairCheckin.on).is_not(None))
        .order_by(col(PairCheckin.on), col(PairCheckin.id))
    )
    names = member_names(session, id_of(group))
    events = []
    for c, r in rows:
        assert c.on is not None
        partner = names.get(c.second_id if c.first_id == mid else c.first_id, "?")
        lines = [
            f"One-on-one check-in with {partner}, between the {group.name} meetings of "
            f"{r.after_on:%a %d %b} and {r.before_on:%a %d %b %Y}.",
            f"Status: {STATUS_LABELS[c.status]}",
        ]
        if c.at is None:
            lines.append("No time agreed yet.")
        events.append(
            IcsEvent(
                uid=f"pair-{c.uid}@peergroup",
                local_start=dt.datetime.combine(c.on, c.at or dt.time(0, 0)),
                duration_minutes=CHECKIN_MINUTES,
                summary=f"One-on-one with {partner} ({group.name})",
                description="\n".join(lines),
                location=c.place,
                cancelled=c.status == "not-held",
                sequence=c.sequence,
                last_modified=_aware(c.updated_at) if c.sequence else None,
                all_day=c.at is None,
            )
        )
    return events


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
