"""Minutes and the running list of meetings as Markdown.

Everything users typed goes through ``inline``, ``block`` or ``cell``, so a
name such as ``# Dana | x`` or minutes full of backticks and asterisks come
out as the same characters, never as headings, emphasis, links, HTML or
extra table columns. Reflections are not part of the minutes and are never
read here.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session, select

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
from ..services import minutes as minutes_svc
from ..services import roles as roles_svc

# Characters that mean something inline anywhere on a line (CommonMark + GFM).
_INLINE = re.compile(r"([\\`*_\[\]<>~|&#])")
# Control characters (other than tab and newline) would reach a terminal raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def inline(value: str) -> str:
    """One line of user text, safe anywhere in a paragraph, heading or list item."""
    value = _CONTROL.sub("\ufffd", " ".join((value or "").split()))
    return _INLINE.sub(r"\\\1", value)


def _line(value: str) -> str:
    """A line that starts a Markdown line: also defuse block markers."""
    out = _INLINE.sub(r"\\\1", _CONTROL.sub("\ufffd", value.strip()))
    if out[:1] in ("-", "+", "="):
        out = "\\" + out
    return _ORDERED.sub(r"\1\\\2", out)


def block(value: str) -> str:
    """Multi-line user text: line breaks kept, blank lines separate paragraphs."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[list[str]] = [[]]
    for raw in lines:
        if raw.strip():
            paragraphs[-1].append(_line(raw))
        elif paragraphs[-1]:
            paragraphs.append([])
    # A backslash at the end of a line is a hard line break.
    return "\n\n".join("\\\n".join(p) for p in paragraphs if p)


def item(value: str, indent: str = "  ") -> str:
    """Multi-line user text as the body of a list item."""
    lines = [_line(raw) for raw in (value or "").replace("\r", "\n").split("\n") if raw.strip()]
    return ("\\\n" + indent).join(lines)


def cell(value: str) -> str:
    """Text for a table cell: one line, ``|`` escaped."""
    return inline(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _day(d: dt.date) -> str:
    return f"{d.isoformat()} ({d:%A})"


def _stamp(t: dt.datetime | None) -> str:
    if t is None:
        return ""
    t = t.astimezone(dt.UTC) if t.tzinfo else t
    return f"{t:%Y-%m-%d %H:%M} UTC"


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
    meetings = list(session.exec(stmt.order_by(Meeting.on, Meeting.start_time, Meeting.id)))
    names = {m.id: m.name for m in session.exec(select(Member).where(Member.group_id == group.id))}
    span = f"from {start} to {end}" if start else f"up to {end}"
    out = [f"# Minutes: {inline(group.name)}", "", f"Meetings {span}: {len(meetings)}."]
    if not meetings:
        out += ["", "No meetings in this range."]
    for meeting in meetings:
        out += ["", *_meeting_section(session, meeting, names)]
    return "\n".join(out) + "\n", len(meetings)


def _meeting_section(session: Session, meeting: Meeting, names: dict[int, str]) -> list[str]:
    topic = minutes_svc.topic_title(session, meeting)
    out = [f"## {_day(meeting.on)}: {inline(topic) if topic.strip() else 'no topic set'}", ""]
    if meeting.status == "cancelled":
        return [*out, "*This meeting was cancelled.*"]
    minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting.id)).first()
    scribe = _planned(session, meeting, roles_svc.SCRIBE)
    lead = _planned(session, meeting, roles_svc.LEAD)
    out.append(f"- **Scribe:** {inline(scribe) if scribe else 'not recorded'}")
    for change in minutes_svc.scribe_changes(session, meeting.id):
        before = names.get(change.from_member_id or -1, "")
        after = names.get(change.to_member_id, "")
        out.append(
            f"  - {inline(after)} took over"
            + (f" from {inline(before)}" if before else "")
            + f" ({_stamp(change.changed_at)})"
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
            f"- **Minutes:** finalised {_stamp(minutes.finalised_at)}"
            + (f" by {inline(by)}" if by else "")
        )
    if minutes is not None and minutes.text.strip():
        out += ["", "### Minutes", "", block(minutes.text)]
    decisions = session.exec(
        select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)
    ).all()
    if decisions:
        out += ["", "### Decisions", "", *(f"- {item(d.text)}" for d in decisions)]
    out += _actions(session, meeting, names)
    if minutes is not None:
        amendments = session.exec(
            select(MinutesAmendment)
            .where(MinutesAmendment.minutes_id == minutes.id)
            .order_by(MinutesAmendment.created_at, MinutesAmendment.id)
        ).all()
        if amendments:
            out += ["", "### Amendments", ""]
            for a in amendments:
                who = names.get(a.author_id or -1, "")
                head = _stamp(a.created_at) + (f", {inline(who)}" if who else "")
                out.append(f"- {head}: {item(a.text)}")
    return out


def _planned(session: Session, meeting: Meeting, key: str) -> str:
    member = roles_svc.holder(session, meeting.id, key)
    return member.name if member else ""


def _attendance(session: Session, meeting: Meeting, names: dict[int, str]) -> list[str]:
    rows = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    if not rows:
        return ["- **Attendance:** not recorded"]
    out = []
    for status in minutes_svc.ATTENDANCE:
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
    return _table(["Action", "Owner", "Due", "Status"], rows)


def _actions(session: Session, meeting: Meeting, names: dict[int, str]) -> list[str]:
    raised = session.exec(
        select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.id)
    ).all()
    closed = session.exec(
        select(ActionItem)
        .where(ActionItem.closed_meeting_id == meeting.id, ActionItem.meeting_id != meeting.id)
        .order_by(ActionItem.id)
    ).all()
    ids = {a.closed_meeting_id for a in [*raised, *closed] if a.closed_meeting_id}
    dates = (
        dict(session.exec(select(Meeting.id, Meeting.on).where(Meeting.id.in_(ids))).all())
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
    for r in minutes_svc.running_list(session, group):
        if r.status == "cancelled":
            state = "cancelled"
        elif r.finalised:
            state = "finalised"
        else:
            state = "draft" if r.has_minutes else ""
        rows.append([r.on.isoformat(), cell(r.topic_title), cell(r.scribe_name), state])
    lines = [f"# Meetings: {inline(group.name)}", ""]
    lines += _table(["Date", "Topic", "Scribe", "Minutes"], rows) if rows else ["No meetings yet."]
    return "\n".join(lines) + "\n"
