"""The core of a group file: the group, peers, members, mission, goals,
expectations and the schedule (steps 1 to 4); meeting records are in
``records``. Later steps add their own sections through ``AREAS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from ..errors import InputError
from ..models import Group
from ..services._ids import id_of
from ..text import fold
from .records import _import_meeting_records
from .values import (
    SECTIONS,
    _date,
    _dates,
    _int,
    _known,
    _list,
    _prefix,
    _required_date,
    _str,
    _table,
    _tags,
)


@dataclass
class ImportContext:
    """What the sections of one import share."""

    group: Group
    members: dict[str, int] = field(default_factory=dict)  # fold(name) -> member id

    def member_id(self, name: object, where: str) -> int:
        mid = self.members.get(fold(_str(name, where)))
        if mid is None:
            raise InputError(
                where, f"{name!r} is not one of the [[members]]; check the spelling or add them."
            )
        return mid


@dataclass(frozen=True)
class Area:
    """A later step's sections: their allowed fields and how to import them.

    ``load`` runs after the core sections and meeting records, in the order
    areas are registered, inside the same transaction.
    """

    sections: dict[str, set[str]]
    load: Callable[[Session, dict[str, Any], ImportContext], None]


AREAS: list[Area] = []


def register(area: Area) -> Area:
    AREAS.append(area)
    SECTIONS.update(area.sections)
    return area


def import_group(session: Session, doc: dict[str, Any]) -> Group:
    """Create a group from a parsed group file. Raises InputError; the caller rolls back."""
    from ..services import goals as goals_svc
    from ..services import groups as groups_svc
    from ..services import membership as membership_svc
    from ..services import peer as peer_svc

    _known(doc, set(SECTIONS) - {"checkins", "actions"}, "file")
    g = _table(doc, "group", "group")
    if "name" not in g:
        raise InputError("group.name", 'is missing; every group file needs [group] name = "...".')
    try:
        group = groups_svc.create_group(session, _str(g["name"], "group.name"), timezone="UTC")
        groups_svc.set_membership_rules(
            session,
            group,
            target_size=_int(g.get("target_size"), "group.target_size"),
            membership=_str(g.get("membership", "ongoing"), "group.membership"),
            end_date=_date(g.get("end_date"), "group.end_date"),
            end_condition=_str(g.get("end_condition"), "group.end_condition"),
            opt_in_month=_int(g.get("opt_in_month"), "group.opt_in_month"),
        )
        if g.get("uuid") is not None:  # a group moving between machines keeps its identity
            group.uuid = _uuid(session, group, _str(g["uuid"], "group.uuid"))
            session.add(group)
            session.flush()
    except InputError as exc:
        raise _prefix("group", exc) from None

    peer = _table(doc, "peer", "peer")
    values = {
        k: [_str(v, f"peer.{k}[{i}]") for i, v in enumerate(_list(peer[k], f"peer.{k}"))]
        for k in peer
        if k != "free_text"
    }
    try:
        peer_svc.set_definition(
            session, group, values, _str(peer.get("free_text"), "peer.free_text")
        )
    except InputError as exc:
        raise _prefix("peer", exc) from None

    # Names are compared folded (NFC, case): "Zoë" typed with a combining
    # diaeresis is the same member as "Zoë" typed with one character.
    members_by_name: dict[str, int] = {}
    first_meeting = _schedule_start(doc)
    appears = _first_appearances(doc)
    for i, m in enumerate(_list(doc.get("members"), "members")):
        where = f"members[{i + 1}]"
        if not isinstance(m, dict):
            raise InputError(where, "must be a table ([[members]]).")
        _known(m, SECTIONS["members"], where)
        name = _str(m.get("name"), f"{where}.name")
        status = _str(m.get("status", "active"), f"{where}.status")
        joined = _date(m.get("joined"), f"{where}.joined")
        if joined is None and status.strip() == "active":
            joined = _default_joined(name, first_meeting, appears, where)
        try:
            member = membership_svc.add_member(
                session,
                group,
                membership_svc.MemberInput(
                    name=name,
                    email=_str(m.get("email"), f"{where}.email"),
                    status=status,
                    joined_on=joined,
                    left_on=_date(m.get("left"), f"{where}.left"),
                    notes=_str(m.get("notes"), f"{where}.notes"),
                ),
            )
        except InputError as exc:
            raise _prefix(where, exc) from None
        key = fold(member.name)
        if key in members_by_name:
            raise InputError(
                f"{where}.name", f"{member.name!r} appears twice; give each member a distinct name."
            )
        members_by_name[key] = id_of(member)

    if "mission" in doc:
        mission = _table(doc, "mission", "mission")
        try:
            goals_svc.adopt_mission(
                session,
                group,
                _str(mission.get("text"), "mission.text"),
                revisit_by=_date(mission.get("revisit_by"), "mission.revisit_by"),
                adopted_on=_required_date(mission, "adopted", "mission"),
            )
        except InputError as exc:
            raise _prefix("mission", exc) from None

    for i, gdoc in enumerate(_list(doc.get("goals"), "goals")):
        where = f"goals[{i + 1}]"
        if not isinstance(gdoc, dict):
            raise InputError(where, "must be a table ([[goals]]).")
        _known(gdoc, SECTIONS["goals"], where)
        owner = gdoc.get("owner")
        member_id = None
        if owner is not None:
            member_id = members_by_name.get(fold(_str(owner, f"{where}.owner")))
            if member_id is None:
                raise InputError(
                    f"{where}.owner",
                    f"{owner!r} is not one of the [[members]]; check the spelling or add the member.",
                )
        try:
            goal = goals_svc.add_goal(
                session,
                group,
                goals_svc.GoalInput(
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
                ),
            )
        except InputError as exc:
            raise _prefix(where, exc) from None
        for j, c in enumerate(_list(gdoc.get("checkins"), f"{where}.checkins")):
            cwhere = f"{where}.checkins[{j + 1}]"
            if not isinstance(c, dict):
                raise InputError(cwhere, "must be a table ([[goals.checkins]]).")
            _known(c, SECTIONS["checkins"], cwhere)
            try:
                goals_svc.add_checkin(
                    session,
                    goal,
                    _int(c.get("progress"), f"{cwhere}.progress"),
                    _str(c.get("note"), f"{cwhere}.note"),
                    _required_date(c, "on", cwhere),
                )
            except InputError as exc:
                raise _prefix(cwhere, exc) from None

    if "expectations" in doc:
        e = _table(doc, "expectations", "expectations")
        from ..services import validate

        group.expect_attendance = validate.text(
            "expectations.attendance", _str(e.get("attendance"), "expectations.attendance"), 5_000
        )
        group.expect_communication = validate.text(
            "expectations.communication",
            _str(e.get("communication"), "expectations.communication"),
            5_000,
        )
        group.expect_agenda = validate.text(
            "expectations.agenda", _str(e.get("agenda"), "expectations.agenda"), 5_000
        )
        session.add(group)

    if "logistics" in doc:
        _import_logistics(session, group, _table(doc, "logistics", "logistics"))
    if "roles" in doc:  # before the rotation, so the group's own rotating roles take part
        from .roles import import_roles

        import_roles(session, group, _list(doc["roles"], "roles"), members_by_name)
    if group.first_meeting is not None:
        # Share the rotating roles over the imported meetings, from the first
        # one on, so the result does not depend on the day of the import.
        from ..services import roles as roles_svc

        roles_svc.rotate(session, group, today=group.first_meeting, touch=False)
    if "meetings" in doc:
        _import_meeting_records(session, group, _list(doc["meetings"], "meetings"), members_by_name)
    ctx = ImportContext(group, dict(members_by_name))
    for area in AREAS:  # later steps' sections, in the order they registered
        area.load(session, doc, ctx)
    session.flush()
    return group


def _schedule_start(doc: dict[str, Any]) -> dt.date | None:
    """The group's first meeting as the file gives it: [logistics] first_meeting, or
    the earliest of its custom dates. None when the file has no schedule."""
    lg = doc.get("logistics")
    if not isinstance(lg, dict):
        return None  # no schedule (or a malformed one, reported with its field later)
    first = _date(lg.get("first_meeting"), "logistics.first_meeting")
    if first is not None:
        return first
    return min(_dates(lg.get("dates"), "logistics.dates"), default=None)


def _first_appearances(doc: dict[str, Any]) -> dict[str, dt.date]:
    """fold(name) -> the earliest recorded meeting naming them (present, apologies,
    scribe or action owner). Malformed records are skipped here and reported later."""
    earliest: dict[str, dt.date] = {}
    records = doc.get("meetings")
    for i, rec in enumerate(records if isinstance(records, list) else []):
        if not isinstance(rec, dict):
            continue
        day = _date(rec.get("on"), f"meetings[{i + 1}].on")
        if day is None:
            continue
        names: list[Any] = [rec.get("scribe")]
        for key in ("present", "apologies"):
            if isinstance(rec.get(key), list):
                names.extend(rec[key])
        actions = rec.get("actions")
        for a in actions if isinstance(actions, list) else []:
            if isinstance(a, dict):
                names.append(a.get("owner"))
        for name in names:
            if isinstance(name, str) and name.strip():
                key = fold(name)
                if key not in earliest or day < earliest[key]:
                    earliest[key] = day
    return earliest


def _default_joined(
    name: str, first_meeting: dt.date | None, appears: dict[str, dt.date], where: str
) -> dt.date:
    """When an active member without ``joined`` joined: from the file, never the clock.

    The group's first meeting, or the earliest recorded meeting they appear in if
    that is earlier, so importing the same file on any day gives the same calendar
    and the same role rotation.
    """
    known = [d for d in (first_meeting, appears.get(fold(name))) if d is not None]
    if known:
        return min(known)
    who = name.strip() or "this member"
    raise InputError(
        f"{where}.joined",
        f"is missing, and without a [logistics] first_meeting there is no date to take for "
        f"{who}; give the date they joined, e.g. joined = 2026-09-08.",
    )


def _import_logistics(session: Session, group: Group, lg: dict[str, Any]) -> None:
    """Store the schedule and plan meetings from the file's first meeting.

    Planning starts at ``first_meeting`` (not today) so that importing the same
    file always gives the same meetings and the same calendar.
    """
    from ..services import meetings as meetings_svc

    if lg.get("first_meeting") is None and not lg.get("dates"):
        # Left to the services, the schedule would start on the day of the import.
        raise InputError(
            "logistics.first_meeting",
            "is missing; give the date of the first meeting, e.g. first_meeting = 2026-09-08. "
            "Meetings are planned from it, so every import of the file gives the same calendar.",
        )
    try:
        meetings_svc.set_logistics(
            session,
            group,
            meetings_svc.LogisticsInput(
                frequency=_str(lg.get("frequency"), "logistics.frequency"),
                interval=_int(lg.get("interval"), "logistics.interval", 1),
                weekday=lg.get("weekday"),
                nth=_int(lg.get("nth"), "logistics.nth"),
                month_day=_int(lg.get("month_day"), "logistics.month_day"),
                dates=_dates(lg.get("dates"), "logistics.dates"),
                start_time=_str(lg.get("start_time"), "logistics.start_time"),
                duration_minutes=_int(lg.get("duration_minutes"), "logistics.duration_minutes", 60),
                place=_str(lg.get("place"), "logistics.place"),
                video_link=_str(lg.get("video_link"), "logistics.video_link"),
                timezone=_str(lg.get("timezone"), "logistics.timezone") or None,
                first_meeting=_date(lg.get("first_meeting"), "logistics.first_meeting"),
            ),
        )
        for day in _dates(lg.get("skip"), "logistics.skip"):
            meetings_svc.add_skip_date(session, group, day)
        months = _int(
            lg.get("horizon_months"), "logistics.horizon_months", meetings_svc.HORIZON_MONTHS
        )
        if group.first_meeting is not None:
            meetings_svc.generate_meetings(session, group, months=months, today=group.first_meeting)
        until = _date(lg.get("planned_until"), "logistics.planned_until")
        if until is not None:  # the horizon in whole months may plan a little past it
            for m in meetings_svc.list_meetings(session, group):
                if m.series_date is not None and m.series_date > until:
                    session.delete(m)
            session.flush()
    except InputError as exc:
        raise _prefix("logistics", exc) from None


def _uuid(session: Session, group: Group, value: str) -> str:
    """The group's identity from the file: meeting UIDs derive from it."""
    import re

    from sqlmodel import select

    text = value.strip()
    if not re.fullmatch(r"[0-9a-f]{32}", text):
        raise InputError(
            "group.uuid",
            f"{value!r} is not a group uuid (32 hex digits); leave it out for a new one.",
        )
    if (
        session.exec(select(Group.id).where(Group.uuid == text, Group.id != group.id)).first()
        is not None
    ):
        raise InputError("group.uuid", "another group in this database already has this uuid.")
    return text
