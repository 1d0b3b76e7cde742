"""Importing a group file into a group that already exists: an update, not a copy.

``merge_group`` brings the group in line with the file for the areas it can
merge (the group's settings, peer definition, mission, expectations, members,
goals, topics and meetings with their records) and refuses the file, naming the
sections, when any other area differs from what the group holds (it cannot
merge those yet; export the group again and edit that file).

- New members, goals and meetings are added; changed ones are changed.
- A meeting whose date, time, length, place, status, title or agenda changes
  keeps its calendar UID and its SEQUENCE rises; unchanged meetings keep both.
- Minutes are never deleted: a record without minutes leaves the minutes
  there; decisions and action items are only added (or closed).
- Something the file leaves out (a member, goal or meeting) is removed only
  with ``replace=True``; without it nothing changes and the error names what
  would go. Even then a member with records (attendance, minutes, goals,
  answers, ...) is not deleted: mark them alumni in the file instead. A
  meeting left out is cancelled (calendars show the cancellation), never
  deleted, and one with a record is refused.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import (
    ActionItem,
    Attendance,
    Decision,
    Goal,
    Group,
    Meeting,
    Member,
    Minutes,
)
from ..services._ids import id_of
from ..text import fold
from .merge_core import _goal_key, _merge_goals, _merge_members, _merge_settings
from .topic_merge import merge_topics
from .values import SECTIONS, _date, _known, _list, _prefix, _str

MERGED = {"group", "peer", "mission", "expectations", "members", "goals", "topics", "meetings"}


def existing_group(session: Session, doc: dict[str, Any]) -> Group | None:
    """The group a file describes, if the database has it (by uuid, else by name)."""
    g = doc.get("group")
    if not isinstance(g, dict):
        return None
    uuid = g.get("uuid")
    if isinstance(uuid, str) and uuid.strip():
        found = session.exec(select(Group).where(Group.uuid == uuid.strip())).first()
        if found is not None:
            return found
    name = g.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    return session.exec(select(Group).where(Group.name_key == fold(name))).first()


def merge_group(
    session: Session, group: Group, doc: dict[str, Any], *, replace: bool = False
) -> list[str]:
    """Update ``group`` from the file; returns one line per kind of change."""
    _known(doc, set(SECTIONS) - {"checkins", "actions"}, "file")
    said: list[str] = []
    members = _file_members(doc)
    goals = _file_goals(doc)
    _check_removals(session, group, doc, members, goals, replace)
    _merge_settings(session, group, doc, said)
    names = _merge_members(session, group, doc, members, replace, said)
    _merge_goals(session, group, doc, goals, names, replace, said)
    merge_topics(session, group, doc, replace, said)
    _merge_meetings(session, group, doc, names, replace, said)
    session.flush()
    _refuse_other_changes(session, group, doc)
    return said or ["nothing changed"]


# --- what the file holds -------------------------------------------------------------


def _file_members(doc: dict[str, Any]) -> dict[str, tuple[int, dict]]:
    out: dict[str, tuple[int, dict]] = {}
    for i, m in enumerate(_list(doc.get("members"), "members")):
        where = f"members[{i + 1}]"
        if not isinstance(m, dict):
            raise InputError(where, "must be a table ([[members]]).")
        _known(m, SECTIONS["members"], where)
        key = fold(_str(m.get("name"), f"{where}.name"))
        if key in out:
            raise InputError(f"{where}.name", f"{m.get('name')!r} appears twice.")
        out[key] = (i, m)
    return out


def _file_goals(doc: dict[str, Any]) -> dict[tuple[str, str], tuple[int, dict]]:
    out: dict[tuple[str, str], tuple[int, dict]] = {}
    for i, g in enumerate(_list(doc.get("goals"), "goals")):
        where = f"goals[{i + 1}]"
        if not isinstance(g, dict):
            raise InputError(where, "must be a table ([[goals]]).")
        _known(g, SECTIONS["goals"], where)
        out[_goal_key(g.get("title"), g.get("owner"))] = (i, g)
    return out


def _meetings(session: Session, group: Group) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.group_id == group.id)
            .order_by(col(Meeting.on), col(Meeting.id))
        )
    )


def _file_meeting_keys(doc: dict[str, Any]) -> tuple[set[str], set[dt.date]]:
    uids, days = set(), set()
    for i, rec in enumerate(_list(doc.get("meetings"), "meetings")):
        if isinstance(rec, dict):
            if isinstance(rec.get("uid"), str):
                uids.add(rec["uid"])
            for k in ("on", "series_date"):
                day = _date(rec.get(k), f"meetings[{i + 1}].{k}")
                if day is not None:
                    days.add(day)
    return uids, days


def _meeting_in_file(m: Meeting, uids: set[str], days: set[dt.date], complete: bool) -> bool:
    """Whether the file keeps ``m``. A file written by ``export group`` (it has
    ``[logistics] planned_until``) lists every meeting; in a hand-written one the
    schedule implies the planned meetings and only those added by hand are listed."""
    if not complete and m.series_date is not None:
        return True
    return m.uid in uids or m.on in days or (m.series_date in days)


def _complete(doc: dict[str, Any]) -> bool:
    lg = doc.get("logistics")
    return isinstance(lg, dict) and lg.get("planned_until") is not None


def _has_record(session: Session, meeting_id: int | None) -> bool:
    minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).first()
    if minutes is not None and minutes.text.strip():
        return True
    for table in (Attendance, Decision, ActionItem):
        if session.exec(select(table).where(table.meeting_id == meeting_id)).first():
            return True
    return False


def _member_records(session: Session, member_id: int) -> list[str]:
    """Which tables hold something of the member (their rotated roles do not count)."""
    from sqlmodel import SQLModel

    found = []
    conn = session.connection()
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "member" for fk in column.foreign_keys):
                stmt = select(func.count()).select_from(table).where(column == member_id)
                if table.name == "roleassignment":
                    stmt = stmt.where(table.c.manual.is_(True))
                if conn.execute(stmt).scalar():
                    found.append(table.name)
                    break
    return found


def _check_removals(
    session: Session,
    group: Group,
    doc: dict[str, Any],
    members: dict[str, tuple[int, dict]],
    goals: dict[tuple[str, str], tuple[int, dict]],
    replace: bool,
) -> None:
    gone_members = [
        m
        for m in session.exec(select(Member).where(Member.group_id == group.id))
        if fold(m.name) not in members
    ]
    names = {m.id: m.name for m in session.exec(select(Member).where(Member.group_id == group.id))}
    gone_goals = [
        g
        for g in session.exec(select(Goal).where(Goal.group_id == group.id))
        if _goal_key(g.title, names.get(g.member_id, "")) not in goals
    ]
    uids, days = _file_meeting_keys(doc)
    gone_meetings = [
        m
        for m in _meetings(session, group)
        if m.status != "cancelled" and not _meeting_in_file(m, uids, days, _complete(doc))
    ]
    parts = []
    if gone_members:
        parts.append("members " + ", ".join(repr(m.name) for m in gone_members))
    if gone_goals:
        parts.append("goals " + ", ".join(repr(g.title) for g in gone_goals))
    if gone_meetings:
        parts.append("meetings of " + ", ".join(str(m.on) for m in gone_meetings))
    if not parts:
        return
    if not replace:
        raise InputError(
            "file",
            f"{group.name!r} already exists, and the file leaves out "
            + "; ".join(parts)
            + ". Nothing was changed. To remove them, import again with --replace "
            "(members with records are kept: mark them alumni instead).",
        )
    for person in gone_members:
        held = _member_records(session, id_of(person))
        if held:
            raise InputError(
                "members",
                f"{person.name!r} has records ({', '.join(held)}), so is not removed; keep them in "
                'the file and mark them status = "alumni" with left = the date they left.',
            )
    for goal in gone_goals:
        from ..models import GoalCheckin

        if session.exec(select(GoalCheckin.id).where(GoalCheckin.goal_id == goal.id)).first():
            raise InputError(
                "goals",
                f"{goal.title!r} has check-ins, which are its history and never deleted; keep "
                "it in the file (mark it achieved or dropped instead).",
            )
    for meeting in gone_meetings:
        if _has_record(session, meeting.id):
            raise InputError(
                "meetings",
                f"the meeting of {meeting.on} has minutes or a record, which are never deleted; "
                "keep it in the file.",
            )


# --- meetings ------------------------------------------------------------------------


def _merge_meetings(
    session: Session,
    group: Group,
    doc: dict[str, Any],
    names: dict[str, int],
    replace: bool,
    said: list[str],
) -> None:
    from .meeting_merge import merge_meeting

    planned = _meetings(session, group)
    uids, days = _file_meeting_keys(doc)
    added = changed = cancelled = 0
    if replace:
        from ..services.meetings import touch_meeting

        for m in planned:
            if m.status != "cancelled" and not _meeting_in_file(m, uids, days, _complete(doc)):
                m.status = "cancelled"  # checked above: no record
                touch_meeting(m)
                session.add(m)
                cancelled += 1
    for i, rec in enumerate(_list(doc.get("meetings"), "meetings")):
        where = f"meetings[{i + 1}]"
        if not isinstance(rec, dict):
            raise InputError(where, "must be a table ([[meetings]]).")
        _known(rec, SECTIONS["meetings"], where)
        try:
            outcome = merge_meeting(session, group, rec, where, planned, names)
        except InputError as exc:
            raise _prefix(where, exc) from None
        added += outcome == "added"
        changed += outcome == "changed"
    for n, what in ((added, "added"), (changed, "changed"), (cancelled, "cancelled")):
        if n:
            said.append(f"{what} {n} meeting(s)")


def _refuse_other_changes(session: Session, group: Group, doc: dict[str, Any]) -> None:
    """Areas this merge cannot update must already match the group."""
    from .writer import export_group

    plain = tomllib.loads(export_group(session, group))
    full = tomllib.loads(export_group(session, group, include_private=True))
    # A section the file leaves out changes nothing (an update never deletes by silence).
    differ = [
        section
        for section in sorted(set(doc) - MERGED)
        if (
            _schedule_differs(doc[section], full.get(section))
            if section == "logistics"
            else doc[section] not in (plain.get(section), full.get(section))
        )
    ]
    if differ:
        raise InputError(
            "file",
            f"{group.name!r} already exists, and the file's "
            + ", ".join(f"[{s}]" for s in differ)
            + " differ from what the group holds. An import cannot merge those into an "
            "existing group yet (it merges the group's settings, peer definition, mission, "
            "expectations, members, goals, topics and meetings). Nothing was changed; make "
            "those changes in the app, or start from a file written by `export group`.",
        )


def _schedule_differs(given: Any, held: Any) -> bool:
    """Whether the file's [logistics] asks for another schedule than the group's.
    How far ahead to plan (horizon_months, planned_until) is not a change; a field
    the export leaves out holds its default; one the file leaves out stays."""
    if not isinstance(given, dict) or not isinstance(held, dict):
        return given != held
    defaults = {"interval": 1, "duration_minutes": 60, "timezone": "UTC"}
    for key, value in given.items():
        if key in ("horizon_months", "planned_until"):
            continue
        if key in held:
            if held[key] != value:
                return True
        elif value not in (None, "", [], defaults.get(key)):
            return True
    return False  # what the file leaves out stays as it is


__all__ = ["existing_group", "merge_group"]
