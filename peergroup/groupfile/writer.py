"""Writing a whole group back as a group file (``peergroup export group``).

``export_group(session, group)`` gives TOML text in exactly the format
``import`` reads: importing it into an empty database and exporting again
gives the same bytes. The group's ``uuid`` and every meeting's ``uid`` and
``sequence`` travel with it, so a group moved to another machine keeps
updating the same calendar events.

Left out always: pair-check-in notes and reflections sealed with a journal
passphrase (private to their authors), the history of edits (revisions,
conflicting saves, scribe hand-overs) and opt-in rounds.
Private reflections are left out unless ``include_private`` is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from ..models import (
    ActionItem,
    Attendance,
    CustomDate,
    Decision,
    Goal,
    GoalCheckin,
    Group,
    Meeting,
    Member,
    Minutes,
    MinutesAmendment,
    MissionVersion,
    Role,
    RoleAssignment,
    SkipDate,
)
from . import toml_out

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HEADER = (
    "Peergroup group file, written by `peergroup export group`; load it with `peergroup import`."
)

# Later areas add (name, dump) pairs; each returns sections to merge into the file.
DUMPS: list[Callable[[Session, Group, bool], dict[str, Any]]] = []


def _hhmm(t: dt.time | None) -> str | None:
    return None if t is None else f"{t:%H:%M}"


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    """Leave out fields that hold their default (None, "", [], {}), keeping the file short."""
    return {k: v for k, v in d.items() if v is not None and v != "" and v != [] and v != {}}


def dump_core(session: Session, group: Group) -> dict[str, Any]:
    from ..services import competencies
    from ..services import peer as peer_svc

    gid = group.id
    out: dict[str, Any] = {}
    out["group"] = _drop_empty(
        {
            "name": group.name,
            "uuid": group.uuid,
            "target_size": group.target_size,
            "membership": group.membership,
            "end_date": group.end_date,
            "end_condition": group.end_condition,
            "opt_in_month": group.opt_in_month,
        }
    )
    traits = peer_svc.traits(session, group)
    out["peer"] = {**{k: list(v) for k, v in traits.items()}, "free_text": group.peer_note}
    mission = session.exec(
        select(MissionVersion)
        .where(MissionVersion.group_id == gid)
        .order_by(col(MissionVersion.adopted_on).desc(), col(MissionVersion.id).desc())
    ).first()
    if mission is not None:
        out["mission"] = {
            "text": mission.text,
            "adopted": mission.adopted_on,
            "revisit_by": mission.revisit_by,
        }
    members = list(
        session.exec(select(Member).where(Member.group_id == gid).order_by(col(Member.id)))
    )
    names = {m.id: m.name for m in members}
    out["members"] = [
        _drop_empty(
            {
                "name": m.name,
                "email": m.email,
                "status": m.status,
                "joined": m.joined_on,
                "left": m.left_on,
                "notes": m.notes,
            }
        )
        for m in members
    ]
    goals = []
    for g in session.exec(select(Goal).where(Goal.group_id == gid).order_by(col(Goal.id))):
        checkins = [
            _drop_empty({"on": c.on, "progress": c.progress, "note": c.note})
            for c in session.exec(
                select(GoalCheckin)
                .where(GoalCheckin.goal_id == g.id)
                .order_by(col(GoalCheckin.on), col(GoalCheckin.id))
            )
        ]
        goals.append(
            _drop_empty(
                {
                    "title": g.title,
                    "owner": names.get(g.member_id) if g.member_id else None,
                    "horizon": g.horizon,
                    "specific": g.specific,
                    "measure": g.measure,
                    "achievable": g.achievable,
                    "relevant": g.relevant,
                    "due": g.due,
                    "status": g.status,
                    "competencies": competencies.goal_tags(session, g.id or 0),
                    "checkins": checkins,
                }
            )
        )
    out["goals"] = goals
    out["expectations"] = {
        "attendance": group.expect_attendance,
        "communication": group.expect_communication,
        "agenda": group.expect_agenda,
    }
    out["roles"] = [
        _drop_empty(
            {
                "key": r.key,
                "name": r.name,
                "rotates": r.rotates,
                "holder": names.get(r.holder_id) if r.holder_id else None,
            }
        )
        for r in session.exec(select(Role).where(Role.group_id == gid).order_by(col(Role.id)))
    ]
    logistics = _dump_logistics(session, group)
    if logistics:
        out["logistics"] = logistics
    out["meetings"] = dump_meetings(session, group, names)
    return out


def _dump_logistics(session: Session, group: Group) -> dict[str, Any]:
    if group.frequency is None:
        return {}
    gid = group.id
    meetings = list(session.exec(select(Meeting).where(Meeting.group_id == gid)))
    planned = [m.series_date for m in meetings if m.series_date is not None]
    first = group.first_meeting
    lg: dict[str, Any] = {
        "frequency": group.frequency,
        "interval": group.interval if group.frequency == "every-n-weeks" else None,
        "weekday": WEEKDAYS[group.weekday] if group.weekday is not None else None,
        "nth": group.nth,
        "month_day": group.month_day,
        "dates": [
            d.on
            for d in session.exec(
                select(CustomDate).where(CustomDate.group_id == gid).order_by(col(CustomDate.on))
            )
        ],
        "start_time": _hhmm(group.start_time),
        "duration_minutes": group.duration_minutes,
        "place": group.place,
        "video_link": group.video_link,
        "timezone": group.timezone,
        "first_meeting": first,
        "skip": [
            s.on
            for s in session.exec(
                select(SkipDate).where(SkipDate.group_id == gid).order_by(col(SkipDate.on))
            )
        ],
    }
    if first is not None:
        last = max(planned, default=first)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        lg["horizon_months"] = max(months, 1)
        lg["planned_until"] = last
    return _drop_empty(lg)


def dump_meetings(session: Session, group: Group, names: dict[int | None, str]) -> list[dict]:
    """Every meeting: its calendar identity, changes from the schedule, and its record."""
    from ..services import meetings as meetings_svc

    gid = group.id
    roles_by_id = {r.id: r for r in session.exec(select(Role).where(Role.group_id == gid))}
    # Built-in roles by key; the group's own by name (names are unique in a group).
    roles = {i: r.key or r.name for i, r in roles_by_id.items()}
    out = []
    for m in session.exec(
        select(Meeting).where(Meeting.group_id == gid).order_by(col(Meeting.on), col(Meeting.id))
    ):
        mid = m.id
        rec: dict[str, Any] = {"on": m.on, "uid": m.uid}
        if m.series_date is None:
            rec["by_hand"] = True
        elif m.series_date != m.on:
            rec["series_date"] = m.series_date
        if m.start_time != group.start_time:
            rec["start_time"] = _hhmm(m.start_time)
        if m.duration_minutes != group.duration_minutes:
            rec["duration_minutes"] = m.duration_minutes
        if m.place != group.place:
            rec["place"] = m.place
        if m.status != "scheduled":
            rec["status"] = m.status
        if m.sequence:
            rec["sequence"] = m.sequence
        if m.series_date and meetings_svc.meeting_uid(group, m.series_date) == m.uid:
            del rec["uid"]  # derived from the group's uuid and the date: no need to say
        rec["title"] = m.title
        rec["agenda"] = m.agenda_note
        rotation: dict[str, str] = {}
        by_hand: dict[str, str] = {}
        for ra in session.exec(
            select(RoleAssignment)
            .where(RoleAssignment.meeting_id == mid)
            .order_by(col(RoleAssignment.role_id))
        ):
            key = roles.get(ra.role_id)
            if key is None or ra.member_id not in names:
                continue
            if not ra.manual:
                rotation[key] = names[ra.member_id]
            elif key in ("scribe", "lead") and roles_by_id[ra.role_id].key == key:
                rec[key] = names[ra.member_id]
            else:
                by_hand[key] = names[ra.member_id]
        if m.status == "scheduled":
            rec["rotation"] = dict(sorted(rotation.items()))
            rec["roles_by_hand"] = dict(sorted(by_hand.items()))
        att = session.exec(
            select(Attendance).where(Attendance.meeting_id == mid).order_by(col(Attendance.id))
        ).all()
        rec["present"] = [names[a.member_id] for a in att if a.status == "present"]
        rec["apologies"] = [names[a.member_id] for a in att if a.status == "apologies"]
        rec["absent"] = [names[a.member_id] for a in att if a.status == "absent"]
        minutes = session.exec(select(Minutes).where(Minutes.meeting_id == mid)).first()
        if minutes is not None:
            rec["minutes"] = minutes.text
        rec["decisions"] = [
            d.text
            for d in session.exec(
                select(Decision).where(Decision.meeting_id == mid).order_by(col(Decision.id))
            )
        ]
        if minutes is not None and minutes.finalised_at is not None:
            rec["finalised"] = True
        rec["actions"] = [
            _drop_empty(
                {
                    "text": a.text,
                    "owner": names.get(a.owner_id) if a.owner_id else None,
                    "due": a.due,
                    "status": a.status if a.status != "open" else None,
                }
            )
            for a in session.exec(
                select(ActionItem).where(ActionItem.meeting_id == mid).order_by(col(ActionItem.id))
            )
        ]
        if minutes is not None:
            rec["amendments"] = [
                _drop_empty(
                    {
                        "text": x.text,
                        "author": names.get(x.author_id) if x.author_id else None,
                        "on": x.created_at.date(),
                    }
                )
                for x in session.exec(
                    select(MinutesAmendment)
                    .where(MinutesAmendment.minutes_id == minutes.id)
                    .order_by(col(MinutesAmendment.created_at), col(MinutesAmendment.id))
                )
            ]
        entry = _drop_empty(rec)
        if m.status == "scheduled":
            # Even when empty: "nobody holds a rotated role here" must survive the trip.
            entry["rotation"] = rec["rotation"]
        out.append(entry)
    return out


def export_group(session: Session, group: Group, *, include_private: bool = False) -> str:
    """The group as group-file text (deterministic: the same group gives the same bytes)."""
    doc = dump_core(session, group)
    for dump in DUMPS:
        for section, content in dump(session, group, include_private).items():
            if content not in ({}, [], None):
                doc[section] = content
    return toml_out.dumps(doc, HEADER)
