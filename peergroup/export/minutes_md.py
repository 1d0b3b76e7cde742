"""Minutes and the running list of meetings as Markdown.

Everything users typed goes through the escaping of ``export.markdown``
(``inline``, ``block``, ``item``, ``cell``), so no name or text can turn into
headings, emphasis, links, HTML or extra table columns. A reflection appears
only if its author shared it (``reflections.shared_for_meeting``), marked as
theirs; private reflections are never read here.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError
from ..models import (
    ActionItem,
    Attendance,
    Decision,
    Group,
    Meeting,
    Member,
    Minutes,
    MinutesAmendment,
)
from ..services import attendance as attendance_svc
from ..services import minutes as minutes_svc
from ..services import roles as roles_svc
from ..services import scribe as scribe_svc
from ..services import tracking as tracking_svc
from ..services._ids import id_of
from .markdown import block, cell, inline, item, table

__all__ = ["block", "cell", "inline", "item", "minutes_document", "running_list_markdown"]


def _day(d: dt.date) -> str:
    return f"{d.isoformat()} ({d:%A})"


def _stamp(t: dt.datetime | None, tz: str = "UTC") -> str:
    """A moment, as the group reads its clocks (its own time zone, named)."""
    if t is None:
        return ""
    from ..calendar import tzdb

    aware = t if t.tzinfo else t.replace(tzinfo=dt.UTC)  # stored in UTC
    local = aware.astimezone(tzdb.zone(tz))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or tz}"


def minutes_document(
    session: Session,
    group: Group,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> tuple[str, int]:
    """The minutes of every meeting from ``start`` to ``end`` (default: up to today).

    Returns the Markdown text and how many meetings it covers (cancelled
    ones are listed as cancelled and counted).
    """
    end = end or today or clock.today()
    if start and start > end:
        raise InputError("to", f"{end} is before the start date {start}; swap the dates.")
    stmt = select(Meeting).where(Meeting.group_id == group.id, Meeting.on <= end)
    if start:
        stmt = stmt.where(Meeting.on >= start)
    meetings = list(
        session.exec(stmt.order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id)))
    )
    names = {
        id_of(m): m.name for m in session.exec(select(Member).where(Member.group_id == group.id))
    }
    span = f"from {start} to {end}" if start else f"up to {end}"
    out = [f"# Minutes: {inline(group.name)}", "", f"Meetings {span}: {len(meetings)}."]
    if not meetings:
        out += ["", "No meetings in this range."]
    for meeting in meetings:
        out += ["", *_meeting_section(session, meeting, names, group.timezone)]
    return "\n".join(out) + "\n", len(meetings)


def _meeting_section(
    session: Session, meeting: Meeting, names: dict[int, str], tz: str = "UTC"
) -> list[str]:
    topic = minutes_svc.topic_title(session, meeting)
    out = [f"## {_day(meeting.on)}: {inline(topic) if topic.strip() else 'no topic set'}", ""]
    if meeting.status == "cancelled":
        return [*out, "*This meeting was cancelled.*"]
    minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting.id)).first()
    scribe = _planned(session, meeting, roles_svc.SCRIBE)
    lead = _planned(session, meeting, roles_svc.LEAD)
    out.append(f"- **Scribe:** {inline(scribe) if scribe else 'not recorded'}")
    # The scribe above is the meeting's scribe assignment: after a takeover,
    # who took over. The handovers say from whom, and when.
    for h in scribe_svc.handovers(session, id_of(meeting)):
        out.append(
            f"  - {inline(h.to_name)} took over"
            + (f" from {inline(h.from_name)}" if h.from_name else "")
            + f" at {h.local_time:%H:%M} ({_stamp(h.changed_at, tz)})"
        )
    if lead:
        out.append(f"- **Discussion lead:** {inline(lead)}")
    out += _attendance(session, meeting, names)
    if minutes is None or (not minutes.text.strip() and minutes.finalised_at is None):
        out.append("- **Minutes:** none taken")
    elif minutes.finalised_at is None:
        out.append("- **Minutes:** draft, not finalised")
    else:
        by = names.get(minutes.finalised_by_id or -1, "")
        out.append(
            f"- **Minutes:** finalised {_stamp(minutes.finalised_at, tz)}"
            + (f" by {inline(by)}" if by else "")
        )
    if minutes is not None and minutes.text.strip():
        out += ["", "### Minutes", "", block(minutes.text)]
    decisions = session.exec(
        select(Decision).where(Decision.meeting_id == meeting.id).order_by(col(Decision.id))
    ).all()
    if decisions:
        out += ["", "### Decisions", "", *(f"- {item(d.text)}" for d in decisions)]
    out += _actions(session, meeting, names)
    out += _shared_reflections(session, meeting)
    if minutes is not None:
        amendments = session.exec(
            select(MinutesAmendment)
            .where(MinutesAmendment.minutes_id == minutes.id)
            .order_by(col(MinutesAmendment.created_at), col(MinutesAmendment.id))
        ).all()
        if amendments:
            out += ["", "### Amendments", ""]
            for a in amendments:
                who = names.get(a.author_id or -1, "")
                head = _stamp(a.created_at, tz) + (f", {inline(who)}" if who else "")
                out.append(f"- {head}: {item(a.text)}")
    return out


def _shared_reflections(session: Session, meeting: Meeting) -> list[str]:
    from ..services.reflections import shared_for_meeting

    shared = shared_for_meeting(session, meeting.id or 0)
    if not shared:
        return []
    out = ["", "### Reflections shared by their authors", ""]
    for r in shared:
        head = f"- **Shared by:** {inline(r.author)}"
        if r.prompt:
            head += f" (prompt: {inline(r.prompt)})"
        out.append(f"{head}\\\n  {item(r.text)}")
    return out


def _planned(session: Session, meeting: Meeting, key: str) -> str:
    member = roles_svc.holder(session, id_of(meeting), key)
    return member.name if member else ""


def _attendance(session: Session, meeting: Meeting, names: dict[int, str]) -> list[str]:
    rows = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    if not rows:
        return ["- **Attendance:** not recorded"]
    out = []
    for status in attendance_svc.ATTENDANCE:
        who = sorted(
            (names.get(a.member_id, "") for a in rows if a.status == status), key=str.casefold
        )
        if who:
            out.append(f"- **{status.capitalize()}:** " + ", ".join(inline(n) for n in who))
    return out


def _status(a: ActionItem, meeting_dates: dict[int, dt.date]) -> str:
    if a.status == "open":
        return "open"
    when = meeting_dates.get(a.closed_meeting_id or -1) or (
        a.closed_at.date() if a.closed_at else None
    )
    return f"{a.status} ({when})" if when else a.status


def _action_table(
    items: list[ActionItem], names: dict[int, str], dates: dict[int, dt.date]
) -> list[str]:
    rows = [
        [cell(a.text), cell(names.get(a.owner_id or -1, "")), str(a.due or ""), _status(a, dates)]
        for a in items
    ]
    return table(["Action", "Owner", "Due", "Status"], rows)


def _actions(session: Session, meeting: Meeting, names: dict[int, str]) -> list[str]:
    raised = session.exec(
        select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(col(ActionItem.id))
    ).all()
    closed = session.exec(
        select(ActionItem)
        .where(ActionItem.closed_meeting_id == meeting.id, ActionItem.meeting_id != meeting.id)
        .order_by(col(ActionItem.id))
    ).all()
    ids = {a.closed_meeting_id for a in [*raised, *closed] if a.closed_meeting_id}
    dates = (
        {id_of(m): m.on for m in session.exec(select(Meeting).where(col(Meeting.id).in_(ids)))}
        if ids
        else {}
    )
    out = []
    if raised:
        out += ["", "### Action items", "", *_action_table(list(raised), names, dates)]
    if closed:
        out += [
            "",
            "### Earlier action items closed at this meeting",
            "",
            *_action_table(list(closed), names, dates),
        ]
    return out


def running_list_markdown(session: Session, group: Group) -> str:
    """Every meeting's date and topic, with its scribe and the state of its minutes."""
    rows = []
    for r in tracking_svc.running_list(session, group):
        rows.append([r.on.isoformat(), cell(r.topic_title), cell(r.scribe_name), r.minutes_state])
    lines = [f"# Meetings: {inline(group.name)}", ""]
    lines += table(["Date", "Topic", "Scribe", "Minutes"], rows) if rows else ["No meetings yet."]
    return "\n".join(lines) + "\n"
