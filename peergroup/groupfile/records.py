"""Records of meetings already held: minutes, attendance, decisions, action items."""

from __future__ import annotations

from sqlmodel import Session

from ..errors import InputError
from ..models import Group
from ..services._ids import id_of
from ..text import fold
from .values import SECTIONS, _bool, _date, _known, _list, _prefix, _required_date, _str


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

    by_date = {m.on: m for m in meetings_svc.list_meetings(session, group)}

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
        meeting = by_date.get(day)
        if meeting is None:
            raise InputError(
                f"{where}.on",
                f"there is no meeting on {day}; records must match a date from [logistics].",
            )
        try:
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
            for key, status in (("present", "present"), ("apologies", "apologies")):
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
        except InputError as exc:
            raise _prefix(where, exc) from None
    for item, status in pending_close:
        actions_svc.close_action_item(session, item, status)
