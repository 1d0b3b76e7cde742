"""One ``[[meetings]]`` entry merged into an existing group (see ``merge``).

The meeting is found by ``uid``, else by ``series_date`` or ``on``; a date the
group has no meeting on adds one (a meeting added by hand). What a calendar
shows (date, time, length, place, status, title, agenda) is compared before
and after: when it changed, SEQUENCE rises and the UID stays. Minutes are
replaced only by other non-empty minutes; decisions and action items are
only added, or closed as the file says.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ..errors import InputError
from ..models import ActionItem, Attendance, Decision, Group, Meeting, Member, Minutes
from ..services import meetings as meetings_svc
from ..services._ids import id_of
from ..text import fold
from .records import _add_amendments, _apply_calendar_fields, _set_roles
from .values import SECTIONS, _bool, _date, _int, _known, _list, _required_date, _str

_SHOWN = ("on", "start_time", "duration_minutes", "place", "status", "title", "agenda_note")


def _find(
    session: Session, group: Group, rec: dict[str, Any], where: str, planned: list[Meeting]
) -> tuple[Meeting, bool]:
    day = _required_date(rec, "on", where)
    uid = _str(rec.get("uid"), f"{where}.uid").strip()
    series = _date(rec.get("series_date"), f"{where}.series_date")
    # The writer leaves out a uid it can derive (the schedule's date): such an entry
    # is the meeting planned for that date, even if it was moved since.
    implied = meetings_svc.meeting_uid(group, day) if not uid and series is None else ""
    for match in (
        lambda m: bool(uid) and m.uid == uid,
        lambda m: series is not None and m.series_date == series,
        lambda m: bool(implied) and m.uid == implied,
        lambda m: not uid and series is None and m.on == day and m.status == "scheduled",
        lambda m: not uid and series is None and m.on == day,
    ):
        found = [m for m in planned if match(m)]
        if found:
            return found[0], False
    if group.start_time is None:
        raise InputError(f"{where}.on", "the group has no schedule to add a meeting to.")
    meeting = Meeting(
        group_id=id_of(group),
        series_date=None,
        on=day,
        start_time=group.start_time,
        duration_minutes=group.duration_minutes,
        place=group.place,
    )
    if uid:
        taken = session.exec(select(Meeting.id).where(Meeting.uid == uid)).first()
        if taken is not None:
            raise InputError(f"{where}.uid", f"{uid!r} is already another meeting's uid.")
        meeting.uid = uid
    session.add(meeting)
    session.flush()
    planned.append(meeting)
    return meeting, True


def merge_meeting(
    session: Session,
    group: Group,
    rec: dict[str, Any],
    where: str,
    planned: list[Meeting],
    names: dict[str, int],
) -> str:
    from ..services import actions as actions_svc
    from ..services import attendance as attendance_svc
    from ..services import decisions as decisions_svc
    from ..services import minutes as minutes_svc
    from ..services import roles as roles_svc
    from ..services import scribe, validate
    from ..services.meetings import touch_meeting

    meeting, added = _find(session, group, rec, where, planned)
    before = tuple(getattr(meeting, f) for f in _SHOWN)
    old_sequence = meeting.sequence
    _apply_calendar_fields(meeting, rec, where)
    meeting.on = _required_date(rec, "on", where)
    meeting.title = validate.optional_line(
        "title", _str(rec.get("title"), f"{where}.title"), validate.LINE_MAX
    )
    meeting.agenda_note = validate.text("agenda", _str(rec.get("agenda"), f"{where}.agenda"), 5_000)
    if rec.get("sequence") is None:
        meeting.sequence = old_sequence  # the file does not say: keep ours
    shown_changed = before != tuple(getattr(meeting, f) for f in _SHOWN)
    if added:
        meeting.sequence = _int(rec.get("sequence"), f"{where}.sequence") or 0
    elif shown_changed and meeting.sequence <= old_sequence:
        meeting.sequence = old_sequence
        touch_meeting(meeting)  # the calendar event changed: SEQUENCE rises, UID stays
    elif meeting.sequence < old_sequence:
        meeting.sequence = old_sequence  # never lower it (calendars would ignore us)
    session.add(meeting)
    session.flush()

    def member(name: object, field: str) -> Member:
        mid = names.get(fold(_str(name, field)))
        if mid is None:
            raise InputError(field, f"{name!r} is not one of the [[members]].")
        found = session.get(Member, mid)
        assert found is not None
        return found

    record_changed = False
    if meeting.status == "cancelled":
        return "added" if added else ("changed" if shown_changed else "same")
    recorded = {
        a.member_id: a.status
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    for key in ("present", "apologies", "absent"):
        for j, name in enumerate(_list(rec.get(key), f"{where}.{key}")):
            person = member(name, f"{where}.{key}[{j + 1}]")
            if recorded.get(id_of(person)) != key:
                attendance_svc.set_attendance(session, meeting, person, key)
                record_changed = True
    if rec.get("scribe") is not None:
        person = member(rec["scribe"], f"{where}.scribe")
        held = roles_svc.holder(session, id_of(meeting), roles_svc.SCRIBE)
        if held is None or held.id != person.id:
            scribe.take_over_scribe(session, id_of(meeting), id_of(person), touch=False)
            record_changed = True
    if rec.get("lead") is not None:
        person = member(rec["lead"], f"{where}.lead")
        role = roles_svc.role_by_key(session, id_of(group), roles_svc.LEAD)
        lead = roles_svc.holder(session, id_of(meeting), roles_svc.LEAD)
        if role is not None and (lead is None or lead.id != person.id):
            roles_svc.assign(session, meeting, role, person, touch=False)
    _set_roles(session, group, meeting, rec, where, member)
    text = _str(rec.get("minutes"), f"{where}.minutes")
    row = session.exec(select(Minutes).where(Minutes.meeting_id == meeting.id)).first()
    if text and (row is None or row.text != text):
        if row is not None and row.finalised_at is not None:
            raise InputError(
                f"{where}.minutes",
                "these minutes are finalised; add an amendment in the app instead.",
            )
        minutes_svc.save_minutes(session, id_of(meeting), text, row.revision if row else 0)
        record_changed = True
    have = {d.text for d in session.exec(select(Decision).where(Decision.meeting_id == meeting.id))}
    for j, d in enumerate(_list(rec.get("decisions"), f"{where}.decisions")):
        if _str(d, f"{where}.decisions[{j + 1}]") not in have:
            decisions_svc.add_decision(session, meeting, d)
            record_changed = True
    items = {
        a.text: a
        for a in session.exec(select(ActionItem).where(ActionItem.meeting_id == meeting.id))
    }
    for j, a in enumerate(_list(rec.get("actions"), f"{where}.actions")):
        awhere = f"{where}.actions[{j + 1}]"
        if not isinstance(a, dict):
            raise InputError(awhere, "must be a table ([[meetings.actions]]).")
        _known(a, SECTIONS["actions"], awhere)
        text_a = _str(a.get("text"), f"{awhere}.text")
        status = _str(a.get("status", "open"), f"{awhere}.status")
        if status not in ("open", "done", "dropped"):
            raise InputError(f"{awhere}.status", f"{status!r} is not one of: open, done, dropped.")
        item = items.get(text_a)
        if item is None:
            item = actions_svc.add_action_item(
                session,
                meeting,
                text_a,
                id_of(member(a.get("owner"), f"{awhere}.owner")),
                _date(a.get("due"), f"{awhere}.due"),
            )
            record_changed = True
        if status != "open" and item.status == "open":
            actions_svc.close_action_item(session, item, status, at_meeting=meeting)
            record_changed = True
    if _bool(rec.get("finalised"), f"{where}.finalised"):
        row = session.exec(select(Minutes).where(Minutes.meeting_id == meeting.id)).first()
        if row is not None and row.finalised_at is None:
            holder = roles_svc.holder(session, id_of(meeting), roles_svc.SCRIBE)
            minutes_svc.finalise(session, id_of(meeting), holder.id if holder else None)
            record_changed = True
    record_changed = bool(_add_amendments(session, meeting, rec, where, member)) or record_changed
    if added:
        return "added"
    return "changed" if shown_changed or record_changed else "same"
