"""Records of meetings already held: minutes, attendance, decisions, action items."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from ..errors import InputError
from ..models import Group, Meeting
from ..services._ids import id_of
from ..text import fold
from .values import SECTIONS, _bool, _date, _int, _known, _list, _prefix, _required_date, _str


def _import_meeting_records(
    session: Session, group: Group, records: list, members: dict[str, int]
) -> None:
    """Minutes, attendance, decisions and action items of meetings already held.

    Each record names a meeting the schedule produced (by date). Action items
    marked done or dropped are closed at the next recorded meeting.
    """
    from ..models import Member
    from ..services import actions as actions_svc
    from ..services import attendance as attendance_svc
    from ..services import decisions as decisions_svc
    from ..services import meetings as meetings_svc
    from ..services import membership as membership_svc
    from ..services import minutes as minutes_svc
    from ..services import minutes_views, scribe, validate
    from ..services import roles as roles_svc

    planned = meetings_svc.list_meetings(session, group)
    by_date = {m.on: m for m in planned}
    by_series = {m.series_date: m for m in planned if m.series_date is not None}
    by_uid = {m.uid: m for m in planned}

    def member(name: object, where: str) -> Member:
        mid = members.get(fold(_str(name, where)))
        if mid is None:
            raise InputError(where, f"{name!r} is not one of the [[members]]; check the spelling.")
        return membership_svc.get_member(session, mid)

    pending_close: list = []
    for i, rec in enumerate(records):
        where = f"meetings[{i + 1}]"
        if not isinstance(rec, dict):
            raise InputError(where, "must be a table ([[meetings]]).")
        _known(rec, SECTIONS["meetings"], where)
        day = _required_date(rec, "on", where)
        meeting = _find_meeting(session, group, rec, where, by_date, by_series, by_uid)
        recorded = any(
            rec.get(k) for k in ("present", "apologies", "minutes", "decisions", "actions")
        )
        try:
            _apply_calendar_fields(meeting, rec, where)
            meeting.on = day
            by_date[day] = meeting
            if meeting.status == "cancelled":
                session.add(meeting)
                _cancelled_record(rec, where)
                continue
            if recorded:
                for item in pending_close:  # done at the previous meeting, recorded here
                    actions_svc.close_action_item(session, item[0], item[1], at_meeting=meeting)
                pending_close = []
            # Set directly, not via set_agenda: an imported record is the meeting's
            # first version, so its calendar SEQUENCE stays 0 (deterministic export).
            meeting.title = validate.optional_line(
                "title", _str(rec.get("title"), f"{where}.title"), validate.LINE_MAX
            )
            meeting.agenda_note = validate.text(
                "agenda", _str(rec.get("agenda"), f"{where}.agenda"), 5_000
            )
            session.add(meeting)
            minutes_views.open_meeting(session, meeting)
            for key, status in (
                ("present", "present"),
                ("apologies", "apologies"),
                ("absent", "absent"),
            ):
                for j, name in enumerate(_list(rec.get(key), f"{where}.{key}")):
                    attendance_svc.set_attendance(
                        session, meeting, member(name, f"{where}.{key}[{j + 1}]"), status
                    )
            if rec.get("scribe") is not None:
                scribe.take_over_scribe(
                    session,
                    id_of(meeting),
                    id_of(member(rec["scribe"], f"{where}.scribe")),
                    touch=False,
                )
            if rec.get("lead") is not None:  # optional: who led the discussion
                role = roles_svc.role_by_key(session, id_of(group), roles_svc.LEAD)
                if role is None:
                    raise InputError(f"{where}.lead", "the group has no discussion lead role.")
                roles_svc.assign(
                    session, meeting, role, member(rec["lead"], f"{where}.lead"), touch=False
                )
            _set_roles(session, group, meeting, rec, where, member)
            text = _str(rec.get("minutes"), f"{where}.minutes")
            if text:
                minutes_svc.save_minutes(session, id_of(meeting), text, 0)
            for j, d in enumerate(_list(rec.get("decisions"), f"{where}.decisions")):
                decisions_svc.add_decision(session, meeting, _str(d, f"{where}.decisions[{j + 1}]"))
            for j, a in enumerate(_list(rec.get("actions"), f"{where}.actions")):
                awhere = f"{where}.actions[{j + 1}]"
                if not isinstance(a, dict):
                    raise InputError(awhere, "must be a table ([[meetings.actions]]).")
                _known(a, SECTIONS["actions"], awhere)
                item = actions_svc.add_action_item(
                    session,
                    meeting,
                    _str(a.get("text"), f"{awhere}.text"),
                    id_of(member(a.get("owner"), f"{awhere}.owner")),
                    _date(a.get("due"), f"{awhere}.due"),
                )
                status = _str(a.get("status", "open"), f"{awhere}.status")
                if status not in ("open", "done", "dropped"):
                    raise InputError(
                        f"{awhere}.status", f"{status!r} is not one of: open, done, dropped."
                    )
                if status != "open":
                    pending_close.append((item, status))
            if _bool(rec.get("finalised"), f"{where}.finalised"):
                if meeting_scribe := minutes_views.open_meeting(session, meeting).scribe_id:
                    minutes_svc.finalise(session, id_of(meeting), meeting_scribe)
                else:
                    raise InputError(
                        f"{where}.finalised",
                        'finalised minutes need a scribe; add scribe = "Name".',
                    )
            _add_amendments(session, meeting, rec, where, member)
        except InputError as exc:
            raise _prefix(where, exc) from None
    for item, status in pending_close:
        actions_svc.close_action_item(session, item, status)


def _find_meeting(
    session: Session,
    group: Group,
    rec: dict,
    where: str,
    by_date: dict[dt.date, Meeting],
    by_series: dict[dt.date, Meeting],
    by_uid: dict[str, Meeting],
) -> Meeting:
    """The meeting a record names: by ``uid`` (a file written by ``export group``),
    by ``series_date`` (a meeting moved from its planned day), or by ``on``.
    ``by_hand = true`` adds a meeting the schedule did not produce."""
    day = _required_date(rec, "on", where)
    uid = _str(rec.get("uid"), f"{where}.uid").strip()
    if uid and uid in by_uid:
        return by_uid[uid]
    series = _date(rec.get("series_date"), f"{where}.series_date")
    if _bool(rec.get("by_hand"), f"{where}.by_hand"):
        if group.start_time is None:
            raise InputError(f"{where}.by_hand", "needs [logistics] with a start_time.")
        meeting = Meeting(
            group_id=id_of(group),
            series_date=None,
            on=day,
            start_time=group.start_time,
            duration_minutes=group.duration_minutes,
            place=group.place,
        )
        if uid:
            if _uid_in_use(session, uid):
                raise InputError(f"{where}.uid", f"{uid!r} is already another meeting's uid.")
            meeting.uid = uid
        session.add(meeting)
        session.flush()
        by_uid[meeting.uid] = meeting
        return meeting
    found = by_series.get(series) if series is not None else by_date.get(day)
    if found is None:
        raise InputError(
            f"{where}.series_date" if series is not None else f"{where}.on",
            f"there is no meeting on {series or day}; records must match a date from "
            "[logistics] (or say by_hand = true for a meeting added by hand).",
        )
    meeting = found
    if uid and uid != meeting.uid:
        if meeting.series_date is not None and not _uid_in_use(session, uid):
            meeting.uid = uid  # a calendar event keeps its identity across machines
        else:
            raise InputError(f"{where}.uid", f"{uid!r} is already another meeting's uid.")
    return meeting


def _uid_in_use(session: Session, uid: str) -> bool:
    from sqlmodel import select

    return session.exec(select(Meeting.id).where(Meeting.uid == uid)).first() is not None


def _apply_calendar_fields(meeting: Meeting, rec: dict, where: str) -> None:
    """Time, length, place, status and SEQUENCE as the file gives them (when it does)."""
    from ..calendar.parse import parse_time
    from ..services import validate

    if rec.get("start_time") is not None:
        meeting.start_time = parse_time(
            _str(rec["start_time"], f"{where}.start_time"), f"{where}.start_time"
        )
    if rec.get("duration_minutes") is not None:
        minutes = _int(rec["duration_minutes"], f"{where}.duration_minutes")
        if minutes is None or not 30 <= minutes <= 240:
            raise InputError(f"{where}.duration_minutes", "must be 30 to 240 minutes.")
        meeting.duration_minutes = minutes
    if rec.get("place") is not None:
        meeting.place = validate.optional_line(
            "place", _str(rec["place"], f"{where}.place"), validate.LINE_MAX
        )
    status = _str(rec.get("status", "scheduled"), f"{where}.status")
    if status not in ("scheduled", "cancelled"):
        raise InputError(f"{where}.status", f"{status!r} is not one of: scheduled, cancelled.")
    meeting.status = status
    if rec.get("sequence") is not None:
        seq = _int(rec["sequence"], f"{where}.sequence")
        if seq is None or not 0 <= seq <= 2**31 - 1:
            raise InputError(f"{where}.sequence", "must be a whole number from 0 to 2147483647.")
        meeting.sequence = seq


def _cancelled_record(rec: dict, where: str) -> None:
    for k in (
        "present",
        "apologies",
        "absent",
        "minutes",
        "decisions",
        "actions",
        "scribe",
        "lead",
    ):
        if rec.get(k):
            raise InputError(f"{where}.{k}", "a cancelled meeting has no record; leave this out.")


def _set_roles(
    session: Session, group: Group, meeting: Meeting, rec: dict, where: str, member
) -> None:  # noqa: ANN001
    """``rotation`` (the roles the rotation gave) and ``roles_by_hand`` (given by hand),
    each role key -> member name: an exported group keeps exactly who holds what."""
    from sqlmodel import select

    from ..models import Role, RoleAssignment
    from ..services import roles as roles_svc

    if rec.get("rotation") is None and rec.get("roles_by_hand") is None:
        return  # a hand-written file: the rotation stands
    wanted: dict[int, tuple[int, bool]] = {}
    for field, manual in (("rotation", False), ("roles_by_hand", True)):
        table = rec.get(field) or {}
        if not isinstance(table, dict):
            raise InputError(f"{where}.{field}", 'must be a table: { scribe = "Name", ... }.')
        for key, name in table.items():
            role = (
                roles_svc.role_by_key(session, id_of(group), key)
                or session.exec(
                    select(Role).where(Role.group_id == group.id, Role.name_key == fold(key))
                ).first()
            )
            if role is None:
                raise InputError(
                    f"{where}.{field}.{key}", f"{key!r} is not one of the group's roles."
                )
            wanted[id_of(role)] = (id_of(member(name, f"{where}.{field}.{key}")), manual)
    keyed = {r.id for r in roles_svc.list_roles(session, group)}
    for ra in session.exec(select(RoleAssignment).where(RoleAssignment.meeting_id == meeting.id)):
        if ra.role_id in keyed and not ra.manual and ra.role_id not in wanted:
            session.delete(ra)
        elif ra.role_id in wanted:
            ra.member_id, ra.manual = wanted.pop(ra.role_id)
            session.add(ra)
    for role_id, (member_id, manual) in wanted.items():
        session.add(
            RoleAssignment(
                meeting_id=id_of(meeting), role_id=role_id, member_id=member_id, manual=manual
            )
        )
    session.flush()


def _add_amendments(session: Session, meeting: Meeting, rec: dict, where: str, member) -> int:  # noqa: ANN001
    """``amendments``: corrections added to finalised minutes, each with its date
    (``on``, kept as the time it was added) and optionally its ``author``.
    Ones already there (same text and date) are skipped; returns how many were added."""
    from sqlmodel import select

    from ..models import MinutesAmendment
    from ..services import minutes as minutes_svc
    from .reflection import _noon

    added = 0
    for j, a in enumerate(_list(rec.get("amendments"), f"{where}.amendments")):
        awhere = f"{where}.amendments[{j + 1}]"
        if not isinstance(a, dict):
            raise InputError(awhere, "must be a table ([[meetings.amendments]]).")
        _known(a, {"text", "author", "on"}, awhere)
        day = _required_date(a, "on", awhere)
        text = _str(a.get("text"), f"{awhere}.text")
        minutes = minutes_svc.minutes_row(session, meeting, create=False)
        if minutes is not None and any(
            (x.text, x.created_at.date()) == (text, day)
            for x in session.exec(
                select(MinutesAmendment).where(MinutesAmendment.minutes_id == minutes.id)
            )
        ):
            continue
        author = member(a["author"], f"{awhere}.author") if a.get("author") else None
        try:
            row = minutes_svc.amend(
                session, id_of(meeting), id_of(author) if author else None, text
            )
        except InputError as exc:
            raise _prefix(awhere, exc) from None
        row.created_at = _noon(day)
        session.add(row)
        added += 1
    session.flush()
    return added
