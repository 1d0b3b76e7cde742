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
    GoalCheckin,
    Group,
    Meeting,
    Member,
    Minutes,
)
from ..services._ids import id_of
from ..text import fold
from .topic_merge import merge_topics
from .values import SECTIONS, _date, _known, _list, _prefix, _str, _table

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


def _goal_key(title: object, owner: object) -> tuple[str, str]:
    return fold(str(title or "")), fold(str(owner or ""))


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


def _meeting_in_file(m: Meeting, uids: set[str], days: set[dt.date]) -> bool:
    return m.uid in uids or m.on in days or (m.series_date in days)


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
        if m.status != "cancelled" and not _meeting_in_file(m, uids, days)
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
    for meeting in gone_meetings:
        if _has_record(session, meeting.id):
            raise InputError(
                "meetings",
                f"the meeting of {meeting.on} has minutes or a record, which are never deleted; "
                "keep it in the file.",
            )


# --- settings, members, goals --------------------------------------------------------


def _merge_settings(session: Session, group: Group, doc: dict[str, Any], said: list[str]) -> None:
    from ..services import goals as goals_svc
    from ..services import groups as groups_svc
    from ..services import peer as peer_svc
    from ..services import validate
    from .values import _int

    g = _table(doc, "group", "group")
    uuid = g.get("uuid")
    if uuid is not None and _str(uuid, "group.uuid").strip() != group.uuid:
        raise InputError("group.uuid", "belongs to another group; this file is not of this group.")
    rules = (
        _int(g.get("target_size"), "group.target_size"),
        _str(g.get("membership", "ongoing"), "group.membership"),
        _date(g.get("end_date"), "group.end_date"),
        _str(g.get("end_condition"), "group.end_condition"),
        _int(g.get("opt_in_month"), "group.opt_in_month"),
    )
    now = (
        group.target_size,
        group.membership,
        group.end_date,
        group.end_condition,
        group.opt_in_month,
    )
    if rules != now:
        try:
            groups_svc.set_membership_rules(
                session,
                group,
                target_size=rules[0],
                membership=rules[1],
                end_date=rules[2],
                end_condition=rules[3],
                opt_in_month=rules[4],
            )
        except InputError as exc:
            raise _prefix("group", exc) from None
        said.append("changed the membership rules")
    if "peer" in doc:
        peer = _table(doc, "peer", "peer")
        values = {
            k: [_str(v, f"peer.{k}[{i}]") for i, v in enumerate(_list(peer[k], f"peer.{k}"))]
            for k in peer
            if k != "free_text"
        }
        free = _str(peer.get("free_text"), "peer.free_text")
        current = peer_svc.traits(session, group)
        if {k: v for k, v in current.items() if v or k in values} != {
            k: v for k, v in values.items() if v or k in current
        } or free != group.peer_note:
            peer_svc.set_definition(session, group, values, free)
            said.append("changed the peer definition")
    if "expectations" in doc:
        e = _table(doc, "expectations", "expectations")
        new = tuple(
            validate.text(f"expectations.{k}", _str(e.get(k), f"expectations.{k}"), 5_000)
            for k in ("attendance", "communication", "agenda")
        )
        old = (group.expect_attendance, group.expect_communication, group.expect_agenda)
        if new != old:
            group.expect_attendance, group.expect_communication, group.expect_agenda = new
            session.add(group)
            said.append("changed the expectations")
    if "mission" in doc:
        mission = _table(doc, "mission", "mission")
        current_m = goals_svc.current_mission(session, group)
        text = _str(mission.get("text"), "mission.text")
        adopted = _date(mission.get("adopted"), "mission.adopted")
        if current_m is None or (current_m.text, current_m.adopted_on) != (text, adopted):
            from .values import _required_date

            goals_svc.adopt_mission(
                session,
                group,
                text,
                revisit_by=_date(mission.get("revisit_by"), "mission.revisit_by"),
                adopted_on=_required_date(mission, "adopted", "mission"),
            )
            said.append("adopted the mission as the file gives it")


def _merge_members(
    session: Session,
    group: Group,
    doc: dict[str, Any],
    members: dict[str, tuple[int, dict]],
    replace: bool,
    said: list[str],
) -> dict[str, int]:
    from ..services import membership as membership_svc
    from .core import _default_joined, _first_appearances, _schedule_start

    existing = {
        fold(m.name): m for m in session.exec(select(Member).where(Member.group_id == group.id))
    }
    added = changed = removed = 0
    for key, person in existing.items():
        if key not in members and replace:
            session.delete(person)  # checked above: no records
            removed += 1
    session.flush()
    first, appears = _schedule_start(doc), _first_appearances(doc)
    names: dict[str, int] = {}
    for key, (i, m) in members.items():
        where = f"members[{i + 1}]"
        name = _str(m.get("name"), f"{where}.name")
        status = _str(m.get("status", "active"), f"{where}.status")
        joined = _date(m.get("joined"), f"{where}.joined")
        old = existing.get(key)
        if joined is None and status.strip() == "active":
            joined = old.joined_on if old is not None and old.joined_on else None
            joined = joined or _default_joined(name, first, appears, where)
        data = membership_svc.MemberInput(
            name=name,
            email=_str(m.get("email"), f"{where}.email"),
            status=status,
            joined_on=joined,
            left_on=_date(m.get("left"), f"{where}.left"),
            notes=_str(m.get("notes"), f"{where}.notes"),
        )
        try:
            if old is None:
                names[key] = id_of(membership_svc.add_member(session, group, data))
                added += 1
                continue
            before = (old.name, old.email, old.status, old.joined_on, old.left_on, old.notes)
            membership_svc.update_member(session, old, data)
            after = (old.name, old.email, old.status, old.joined_on, old.left_on, old.notes)
            changed += before != after
            names[key] = id_of(old)
        except InputError as exc:
            raise _prefix(where, exc) from None
    for n, what in ((added, "added"), (changed, "changed"), (removed, "removed")):
        if n:
            said.append(f"{what} {n} member(s)")
    return names


def _merge_goals(
    session: Session,
    group: Group,
    doc: dict[str, Any],
    goals: dict[tuple[str, str], tuple[int, dict]],
    names: dict[str, int],
    replace: bool,
    said: list[str],
) -> None:
    from ..services import goals as goals_svc
    from .values import _int, _required_date, _tags

    owners = {v: k for k, v in names.items()}
    existing = {
        _goal_key(g.title, owners.get(g.member_id or 0, "")): g
        for g in session.exec(select(Goal).where(Goal.group_id == group.id))
    }
    added = changed = removed = 0
    for key, g in existing.items():
        if key not in goals and replace:
            session.delete(g)
            removed += 1
    for key, (i, gdoc) in goals.items():
        where = f"goals[{i + 1}]"
        owner = gdoc.get("owner")
        member_id = None
        if owner is not None:
            member_id = names.get(fold(_str(owner, f"{where}.owner")))
            if member_id is None:
                raise InputError(f"{where}.owner", f"{owner!r} is not one of the [[members]].")
        data = goals_svc.GoalInput(
            title=_str(gdoc.get("title"), f"{where}.title"),
            horizon=_str(gdoc.get("horizon", "short"), f"{where}.horizon"),
            member_id=member_id,
            specific=_str(gdoc.get("specific"), f"{where}.specific"),
            measure=_str(gdoc.get("measure"), f"{where}.measure"),
            achievable=_str(gdoc.get("achievable"), f"{where}.achievable"),
            relevant=_str(gdoc.get("relevant"), f"{where}.relevant"),
            due=_date(gdoc.get("due"), f"{where}.due"),
            status=_str(gdoc.get("status", "open"), f"{where}.status"),
            competencies=_tags(gdoc.get("competencies"), f"{where}.competencies"),
        )
        try:
            goal = existing.get(key)
            if goal is None:
                goal = goals_svc.add_goal(session, group, data)
                added += 1
            else:
                fields = ("title", "horizon", "specific", "measure", "achievable", "relevant")
                before = tuple(getattr(goal, f) for f in (*fields, "due", "status"))
                goals_svc.update_goal(session, goal, data)
                changed += before != tuple(getattr(goal, f) for f in (*fields, "due", "status"))
            have = {
                (c.on, c.progress, c.note)
                for c in session.exec(select(GoalCheckin).where(GoalCheckin.goal_id == goal.id))
            }
            for j, c in enumerate(_list(gdoc.get("checkins"), f"{where}.checkins")):
                cwhere = f"{where}.checkins[{j + 1}]"
                if not isinstance(c, dict):
                    raise InputError(cwhere, "must be a table ([[goals.checkins]]).")
                row = (
                    _required_date(c, "on", cwhere),
                    _int(c.get("progress"), f"{cwhere}.progress") or 0,
                    _str(c.get("note"), f"{cwhere}.note"),
                )
                if row not in have:
                    goals_svc.add_checkin(session, goal, row[1], row[2], row[0])
        except InputError as exc:
            raise _prefix(where, exc) from None
    for n, what in ((added, "added"), (changed, "changed"), (removed, "removed")):
        if n:
            said.append(f"{what} {n} goal(s)")


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
            if m.status != "cancelled" and not _meeting_in_file(m, uids, days):
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
    differ = [
        section
        for section in sorted((set(doc) | set(full)) - MERGED)
        if doc.get(section) not in (plain.get(section), full.get(section))
    ]
    if differ:
        raise InputError(
            "file",
            f"{group.name!r} already exists and the file changes "
            + ", ".join(f"[{s}]" for s in differ)
            + ", which an import cannot merge into an existing group yet (it merges the group's "
            "settings, peer definition, mission, expectations, members, goals, topics and "
            "meetings). "
            "Nothing was changed; make those changes in the app.",
        )


__all__ = ["existing_group", "merge_group"]
