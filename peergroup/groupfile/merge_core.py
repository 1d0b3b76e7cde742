"""Merging the group's settings, peer definition, mission, expectations,
members and goals into an existing group (see ``merge``, which checks first
what a file would remove)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ..errors import InputError
from ..models import Goal, GoalCheckin, Group, Member
from ..services._ids import id_of
from ..text import fold
from .values import _date, _list, _prefix, _str, _table


def _goal_key(title: object, owner: object) -> tuple[str, str]:
    return fold(str(title or "")), fold(str(owner or ""))


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
