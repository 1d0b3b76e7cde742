"""The group folder: what members need, as static files for a shared drive or e-mail.

The roadmap asks that tracked information be accessible to every member by
e-mail, a shared drive or a cloud document. The database must never live on a
shared drive, so the app carries the information out as files instead:
``build_folder`` returns ``{relative path: bytes}`` and
``peergroup.export.publish`` writes them (atomically, with a manifest).

* ``index.html`` / ``index.md``: mission, members, the next meetings, open action
  items by owner, calendars, and the running list linking every meeting's page;
* ``meetings/<date>.html`` / ``.md``: a meeting's details, its FINALISED minutes,
  decisions and attendance (a draft is never published), its action items;
* ``calendar/group.ics`` and ``calendar/<member>.ics``: the group's meetings, and
  each active member's with their roles.

Pages are ``export.document`` Documents, so all escaping is the renderers'. Only
what the group shares leaves: no reflection (private or shared), journal, pair
note or check-in, pulse, survey or anonymous answer is read here. Output is
deterministic for a given database, day and SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from sqlmodel import Session

from .. import clock
from ..calendar.ics import build_calendar
from ..export.document import (
    Bullets,
    Document,
    Facts,
    Heading,
    Link,
    Links,
    Para,
    Table,
    render,
)
from ..models import Group, Meeting
from . import actions, attendance, decisions
from . import meetings as meetings_svc
from . import roles as roles_svc
from ._ids import id_of
from .actions import ActionRow
from .calendar_export import export_time, meeting_events
from .goals import current_mission
from .membership import list_members
from .minutes import minutes_row
from .topics import topic_lines

NEXT_MEETINGS = 3
FORMATS = ("html", "md")
NOT_FINALISED = "Minutes not finalised yet."
FOOTER = (
    "Published by Peergroup on {stamp}. This folder is a copy: changes made here are not "
    "read back. Private reflections, journals, pair notes and individual answers are never "
    "part of it."
)


def slug(name: str) -> str:
    """A file name from a member's name: ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = "".join(ch if ch.isalnum() else "-" for ch in ascii_name.lower())
    return "-".join(part for part in out.split("-") if part)[:40].strip("-") or "member"


def _unique(names: Iterable[str]) -> list[str]:
    """Names made unique in order: "a", "a-2", "a-3" (two meetings on one day, namesakes)."""
    names = list(names)
    reserved = set(names)  # every name as given, so a suffix never takes one of them
    taken: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate in taken or (candidate != name and candidate in reserved):
            n += 1
            candidate = f"{name}-{n}"
        taken.add(candidate)
        out.append(candidate)
    return out


def _day(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _stamp(t: dt.datetime, tz: str) -> str:
    from ..calendar import tzdb

    local = (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(tzdb.zone(tz))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or tz}"


def _times(meeting: Meeting, tz: str) -> str:
    start = dt.datetime.combine(meeting.on, meeting.start_time)
    end = start + dt.timedelta(minutes=meeting.duration_minutes)
    return f"{start:%H:%M}–{end:%H:%M} ({tz})"


class _Folder:
    """What every page needs, read once for the whole group."""

    def __init__(self, session: Session, group: Group, today: dt.date) -> None:
        from .experts import guests
        from .reflections import prompt_texts

        self.session, self.group, self.today = session, group, today
        gid = id_of(group)
        self.meetings = meetings_svc.list_meetings(session, group)
        self.pages = dict(
            zip(
                (id_of(m) for m in self.meetings),
                _unique(m.on.isoformat() for m in self.meetings),
                strict=True,
            )
        )
        self.topics = topic_lines(session, gid)
        self.held = roles_svc.holders_by_meeting(session, group)
        self.guests = guests(session, gid)
        self.prompts = prompt_texts(session, gid)
        self.members = list_members(session, group, ("active",))
        self.calendars = dict(
            zip(
                (id_of(m) for m in self.members),
                _unique(["group", *(slug(m.name) for m in self.members)])[1:],  # group.ics
                strict=True,
            )
        )
        self.minutes = {id_of(m): minutes_row(session, m, create=False) for m in self.meetings}
        self.stamp = _stamp(export_time(), group.timezone)
        # Action items per meeting: raised there, and earlier ones closed there.
        self.raised = {id_of(m): actions.raised_at(session, m, today) for m in self.meetings}
        self.closed_at: dict[int, list[ActionRow]] = {}
        for rows in self.raised.values():
            for r in rows:
                if r.status != "open" and r.closed_meeting_id not in (None, r.raised_meeting_id):
                    self.closed_at.setdefault(r.closed_meeting_id or 0, []).append(r)
        for rows in self.closed_at.values():
            rows.sort(key=lambda r: (r.due is None, r.due or r.raised_on, r.raised_on, r.id))

    def role(self, meeting: Meeting, key: str) -> str:
        held = roles_svc.held_by_key(self.held.get(id_of(meeting), {}), key)
        return held.member_name if held else ""

    def finalised(self, meeting: Meeting) -> bool:
        minutes = self.minutes.get(id_of(meeting))
        return minutes is not None and minutes.finalised_at is not None

    def state(self, meeting: Meeting) -> str:
        if meeting.status == "cancelled":
            return "cancelled"
        if self.finalised(meeting):
            return "minutes finalised"
        return "to come" if meeting.on >= self.today else "minutes not finalised yet"

    def footer(self) -> str:
        return FOOTER.format(stamp=self.stamp)


def build_folder(session: Session, group: Group, today: dt.date | None = None) -> dict[str, bytes]:
    """Every file of the group folder: relative path (with ``/``) -> its bytes."""
    f = _Folder(session, group, today or clock.today())
    files: dict[str, bytes] = {}
    for fmt in FORMATS:
        files[f"index.{fmt}"] = render(_index(f, fmt), fmt).encode("utf-8")
    for meeting in f.meetings:
        page = _meeting_page(f, meeting)
        for fmt in FORMATS:  # one Document, two renderings; only the way back differs
            back = Links([Link("Back to the group folder", f"../index.{fmt}")])
            doc = Document(page.title, page.subtitle, [back, *page.blocks], page.footer)
            name = f"meetings/{f.pages[id_of(meeting)]}.{fmt}"
            files[name] = render(doc, fmt).encode("utf-8")
    files.update(_calendars(f))
    return files


def _calendars(f: _Folder) -> dict[str, bytes]:
    from .calendar_export import group_calendar

    out = {"calendar/group.ics": group_calendar(f.session, f.group)[0]}
    # A member's calendar here holds the group's meetings and their roles. Pair
    # check-ins are arrangements between two people: the folder is read by the whole
    # group, so they stay in the member's own export (export ics --member).
    for member in f.members:
        mine = [m for m in f.meetings if roles_svc.is_member_on(member, m.on)]
        events = meeting_events(f.session, f.group, mine, member)
        name = f"{f.group.name} ({member.name})"
        data = build_calendar(name, f.group.timezone, events, export_time())
        out[f"calendar/{f.calendars[id_of(member)]}.ics"] = data
    return out


# --- the index --------------------------------------------------------------------


def _index(f: _Folder, fmt: str) -> Document:
    group = f.group
    doc = Document(group.name, subtitle=f"Group folder · {f.stamp}", footer=f.footer())
    mission = current_mission(f.session, group)
    doc.add(Heading("Mission"))
    doc.add(Para(mission.text if mission else "No mission statement yet.", style="lead"))
    doc.add(Heading("Members"))
    doc.add(Bullets([m.name for m in f.members]))
    doc.add(*_next_meetings(f, fmt))
    doc.add(*_open_items(f))
    doc.add(Heading("Calendars"))
    doc.add(
        Para(
            "Import a calendar file into Google, Outlook or Apple calendar; importing a newer "
            "copy updates the meetings instead of adding them twice.",
            style="note",
        )
    )
    links = [Link("The whole group (group.ics)", "calendar/group.ics")]
    links += [
        Link(f"{m.name} (meetings and roles)", f"calendar/{f.calendars[id_of(m)]}.ics")
        for m in f.members
    ]
    doc.add(Links(links))
    doc.add(Heading("All meetings"))
    doc.add(
        Links(
            [
                Link(
                    f"{_day(m.on)}: {f.topics.get(id_of(m)) or 'no topic set'} ({f.state(m)})",
                    f"meetings/{f.pages[id_of(m)]}.{fmt}",
                )
                for m in f.meetings
            ]
        )
        if f.meetings
        else Para("No meetings planned yet.", style="note")
    )
    return doc


def _next_meetings(f: _Folder, fmt: str) -> list[Heading | Facts | Table | Links | Para]:
    coming = [m for m in f.meetings if m.on >= f.today and m.status == "scheduled"]
    coming = coming[:NEXT_MEETINGS]
    if not coming:
        return [Heading("Next meetings"), Para("No meetings planned yet.", style="note")]
    group = f.group
    usual = [("Times", f"in {group.timezone}")]
    if group.place:
        usual.append(("Usual place", group.place))
    if group.video_link:
        usual.append(("Video", group.video_link))  # user text: shown, never a link
    own_place = any(m.place and m.place != group.place for m in coming)
    header = ["Date", "Time", "Topic", "Lead", "Scribe"] + (["Place"] if own_place else [])
    rows = []
    for m in coming:
        start = dt.datetime.combine(m.on, m.start_time)
        end = start + dt.timedelta(minutes=m.duration_minutes)
        row = [
            _day(m.on),
            f"{start:%H:%M}–{end:%H:%M}",
            f.topics.get(id_of(m)) or "no topic set",
            f.role(m, roles_svc.LEAD),
            f.role(m, roles_svc.SCRIBE),
        ]
        rows.append(row + ([m.place or group.place] if own_place else []))
    links = [
        Link(f"Details of {_day(m.on)}", f"meetings/{f.pages[id_of(m)]}.{fmt}") for m in coming
    ]
    return [Heading("Next meetings"), Facts(usual), Table(header, rows), Links(links)]


def _open_items(f: _Folder) -> list[Heading | Table | Para]:
    rows = actions.open_action_items(f.session, f.group, today=f.today)
    out: list[Heading | Table | Para] = [Heading("Open action items")]
    if not rows:
        return [*out, Para("No open action items.", style="note")]
    owners: dict[str, list[ActionRow]] = {}
    for r in rows:
        owners.setdefault(r.owner_name or "No owner", []).append(r)
    for owner in sorted(owners, key=lambda n: (n == "No owner", n.casefold())):
        out.append(Heading(owner, level=3))
        out.append(
            Table(
                ["Action", "Raised", "Due"],
                [[r.text, r.raised_on.isoformat(), _due(r)] for r in owners[owner]],
            )
        )
    return out


def _due(r: ActionRow) -> str:
    if r.due is None:
        return ""
    return f"{r.due.isoformat()} (overdue)" if r.overdue else r.due.isoformat()


# --- a meeting's page ----------------------------------------------------------------


def _meeting_page(f: _Folder, meeting: Meeting) -> Document:
    group, mid = f.group, id_of(meeting)
    topic = f.topics.get(mid) or "no topic set"
    doc = Document(f"{_day(meeting.on)}: {topic}", subtitle=group.name, footer=f.footer())
    facts = [
        ("Date", _day(meeting.on)),
        ("Time", _times(meeting, group.timezone)),
        ("Topic", topic),
    ]
    if place := meeting.place or group.place:
        facts.append(("Place", place))
    if group.video_link:
        facts.append(("Video", group.video_link))  # user text: shown, never a link
    if meeting.agenda_note:
        facts.append(("Agenda", meeting.agenda_note))
    for key, label in ((roles_svc.LEAD, "Discussion lead"), (roles_svc.SCRIBE, "Scribe")):
        facts.append((label, f.role(meeting, key) or "not assigned"))
    for guest in f.guests.get(mid, []):
        facts.append(("Guest expert", guest))
    if meeting.prompt_key and meeting.prompt_key in f.prompts:
        facts.append(("Reflection prompt", f.prompts[meeting.prompt_key]))
    doc.add(Facts(facts))
    if meeting.status == "cancelled":
        return doc.add(Para("This meeting was cancelled.", style="lead"))
    doc.add(*_record(f, meeting))
    doc.add(*_items(f, meeting))
    return doc


def _record(f: _Folder, meeting: Meeting) -> list[Heading | Para | Facts | Bullets]:
    """Minutes, attendance and decisions: only once the scribe has finalised them."""
    minutes = f.minutes.get(id_of(meeting))
    out: list[Heading | Para | Facts | Bullets] = [Heading("Minutes")]
    if minutes is None or minutes.finalised_at is None:
        if meeting.on >= f.today:
            return [*out, Para("This meeting has not been held yet.", style="note")]
        return [
            *out,
            Para(
                f"{NOT_FINALISED} They appear here, with the decisions and attendance, "
                "once the scribe finalises them.",
                style="note",
            ),
        ]
    from .minutes import member_name

    by = member_name(f.session, minutes.finalised_by_id)
    note = f"Finalised {_stamp(minutes.finalised_at, f.group.timezone)}" + (
        f" by {by}." if by else "."
    )
    out += [Para(note, style="note"), Para(minutes.text or "No minutes were written.")]
    amendments = _amendments(f, id_of(minutes))
    if amendments:
        out += [Heading("Amendments", level=3), Bullets(amendments)]
    rows = attendance.attendance(f.session, meeting)
    who = [
        (status.capitalize(), ", ".join(r.name for r in rows if r.status == status))
        for status in attendance.ATTENDANCE
    ]
    out += [Heading("Attendance", level=3)]
    if any(r.status for r in rows):
        out.append(Facts([(k, v) for k, v in who if v]))
    else:
        out.append(Para("Attendance was not taken.", style="note"))
    out += [
        Heading("Decisions", level=3),
        Bullets([d.text for d in decisions.decision_rows(f.session, meeting)]),
    ]
    return out


def _amendments(f: _Folder, minutes_id: int) -> list[str]:
    from sqlmodel import col, select

    from ..models import MinutesAmendment

    rows = f.session.exec(
        select(MinutesAmendment)
        .where(MinutesAmendment.minutes_id == minutes_id)
        .order_by(col(MinutesAmendment.created_at), col(MinutesAmendment.id))
    ).all()
    from .minutes import member_name

    return [
        f"{_stamp(a.created_at, f.group.timezone)}"
        + (f", {name}" if (name := member_name(f.session, a.author_id)) else "")
        + f": {a.text}"
        for a in rows
    ]


def _items(f: _Folder, meeting: Meeting) -> list[Heading | Table | Para]:
    raised = f.raised.get(id_of(meeting), [])
    closed = f.closed_at.get(id_of(meeting), [])
    out: list[Heading | Table | Para] = [Heading("Action items raised", level=2)]
    out.append(_item_table(raised) if raised else Para("None.", style="note"))
    if closed:
        out += [Heading("Earlier action items closed at this meeting"), _item_table(closed)]
    return out


def _item_table(rows: list[ActionRow]) -> Table:
    return Table(
        ["Action", "Owner", "Due", "Status"],
        [[r.text, r.owner_name, _due(r), r.status] for r in rows],
    )
