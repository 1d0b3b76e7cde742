"""Step 4: planning meetings from the schedule, one operation that recomputes.

"Plan" (g) and "extend" (+) on the calendar, the group-file import and the CLI
all come here. ``plan_schedule_change`` compares the meetings planned from
``today`` on with what the group's schedule gives over the horizon and says
what would change, saving nothing:

* cancel: future meetings the schedule no longer gives and at which nothing was
  recorded (they stay in the .ics as cancelled, with a higher SEQUENCE);
* add: dates the schedule gives that have no meeting yet;
* keep: future meetings the schedule no longer gives that hold minutes,
  attendance, decisions or action items, or that were moved by hand;
* notes: what the horizon leaves out (a list of dates running past it, the end
  of a time-limited group), so nothing is cut silently.

``apply_schedule_change`` recomputes the same plan, carries it out and rotates
the roles over the result. Applying twice changes nothing the second time, and
applying after the schedule changed replaces meetings instead of piling up.

A meeting cancelled because the schedule no longer gives it loses its
``series_date`` (it is no longer part of the series). That is how it differs
from one cancelled by hand: if the schedule gives its date again, planning
brings it back (same calendar UID, higher SEQUENCE) instead of adding a twin,
while one cancelled by hand stays cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from .. import clock
from ..calendar import recurrence
from ..errors import InputError, PeergroupError
from ..models import ActionItem, Attendance, Decision, Group, Meeting, Minutes
from . import meetings, validate
from ._ids import id_of
from .groups import get_group
from .meetings import HORIZON_MONTHS, day_label


@dataclass(frozen=True)
class PlannedMeeting:
    """One meeting in a plan: to cancel, add or keep."""

    on: dt.date
    start_time: dt.time
    meeting_id: int | None = None  # None: a meeting to create
    # why it is kept ("has minutes", "moved by hand"), or brought back; for one to
    # cancel, what was planned for it ("topic 'X', an agenda note")
    reason: str = ""

    @property
    def label(self) -> str:
        return day_label(self.on)

    @property
    def stored_id(self) -> int:
        """The id of the meeting this is about (every one to cancel or keep has one)."""
        if self.meeting_id is None:
            raise RuntimeError(f"the meeting planned for {self.on} is not stored yet.")
        return self.meeting_id


@dataclass(frozen=True)
class ScheduleChange:
    """What planning would do; see the module docstring."""

    group_id: int
    today: dt.date
    until: dt.date  # the last day planned
    schedule: str  # the schedule in words
    extend: bool
    cancel: tuple[PlannedMeeting, ...]
    add: tuple[PlannedMeeting, ...]
    keep: tuple[PlannedMeeting, ...]  # the schedule no longer gives them, but they stay
    unchanged: int  # future meetings that already follow the schedule
    notes: tuple[str, ...]

    @property
    def changes(self) -> bool:
        return bool(self.cancel or self.add)

    def same_as(self, other: ScheduleChange) -> bool:
        """Whether applying now would do what ``other`` (an earlier preview) showed."""
        return (self.cancel, self.add, self.keep) == (other.cancel, other.add, other.keep)


@dataclass(frozen=True)
class ScheduleApplied:
    cancelled: int
    added: int
    kept: int
    rotated: int  # role assignments set or changed
    until: dt.date
    added_ids: tuple[int, ...]

    def summary(self) -> str:
        if not (self.cancelled or self.added):
            return f"Nothing to change: the meetings up to {day_label(self.until)} follow the schedule."
        if not self.cancelled:
            said = f"Saved {_count(self.added, 'meeting')}"
        else:
            said = f"Cancelled {_count(self.cancelled, 'meeting')}, added {self.added}"
        if self.kept:
            said += f", kept {self.kept} with records or moved by hand"
        if self.rotated:
            said += "; roles rotated"
        return said + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def plan_schedule_change(
    session: Session,
    group_id: int,
    today: dt.date | None = None,
    *,
    months: int = HORIZON_MONTHS,
    extend: bool = False,
) -> ScheduleChange:
    """What planning ``months`` ahead from ``today`` would change; saves nothing.

    ``extend``: plan ``months`` after the last meeting already planned instead.
    """
    return _plan(session, get_group(session, group_id), today or clock.today(), months, extend)


def apply_schedule_change(
    session: Session,
    group_id: int,
    today: dt.date | None = None,
    *,
    months: int = HORIZON_MONTHS,
    extend: bool = False,
    expected: ScheduleChange | None = None,
    rotate: bool = True,
) -> ScheduleApplied:
    """Carry out the plan (recomputed here) and rotate the roles over the result.

    ``expected`` is the preview the user saw: if the plan differs now (another
    window changed the meetings meanwhile), nothing is done. ``rotate=False``
    leaves roles alone (an import rotates once, at its end).
    """
    today = today or clock.today()
    group = get_group(session, group_id)
    plan = _plan(session, group, today, months, extend)
    if expected is not None and not plan.same_as(expected):
        raise PeergroupError(
            "The planned meetings changed since this preview was made (in another window?). "
            "Nothing was saved; plan again to see what would change now."
        )
    for c in plan.cancel:
        m = meetings.get_meeting(session, c.stored_id)
        meetings.cancel_meeting(session, m)
        m.series_date = None  # no longer part of the series; see the module docstring
        session.add(m)
    taken = set(session.exec(select(Meeting.uid).where(Meeting.group_id == group.id)))
    added: list[Meeting] = []
    for a in plan.add:  # a.start_time is the schedule's, i.e. the group's, start time
        if a.meeting_id is not None:
            m = meetings.get_meeting(session, a.meeting_id)
            m.status = "scheduled"
            meetings.touch_meeting(m)
            m.series_date = m.on = a.on
            m.start_time, m.duration_minutes = a.start_time, group.duration_minutes
        else:
            m = Meeting(
                group_id=id_of(group),
                uid=_free_uid(group, a.on, taken),
                series_date=a.on,
                on=a.on,
                start_time=a.start_time,
                duration_minutes=group.duration_minutes,
            )
            taken.add(m.uid)
        session.add(m)
        added.append(m)
    session.flush()
    rotated = 0
    if rotate:
        from . import roles

        # New and freed meetings get holders; planned ones keep theirs.
        rotated = roles.rotate(session, group, today, keep_current=True)
    return ScheduleApplied(
        cancelled=len(plan.cancel),
        added=len(plan.add),
        kept=len(plan.keep),
        rotated=rotated,
        until=plan.until,
        added_ids=tuple(id_of(m) for m in added),
    )


def _free_uid(group: Group, day: dt.date, taken: set[str]) -> str:
    uid, n = meetings.meeting_uid(group, day), 1
    while uid in taken:  # only if an odd history left that UID on another meeting
        n += 1
        uid = f"{day:%Y%m%d}-{n}-{group.uuid[:16]}@peergroup"
    return uid


def _plan(
    session: Session, group: Group, today: dt.date, months: int, extend: bool
) -> ScheduleChange:
    schedule = meetings.schedule_for(session, group)
    if schedule is None:
        raise InputError(
            "frequency",
            "set how often and when the group meets first (u on the calendar), "
            "then plan the meetings.",
        )
    months = validate.int_in_range("months", months, 1, 120, required=True)
    everything = meetings.list_meetings(session, group)
    future = [m for m in everything if m.on >= today and m.status == "scheduled"]
    if extend:
        last = max((m.series_date or m.on for m in everything), default=None)
        begin = max(today, last + dt.timedelta(days=1)) if last else today
        until = recurrence.horizon_end(begin, months)
    else:
        until = recurrence.horizon_end(today, months)
    # What is already planned further out stays planned: a shorter horizon is
    # never a reason to cancel. Nothing is planned past the last year a date may have.
    until = min(max([until, *(m.on for m in future)]), validate.LAST_DAY)
    skips = {s.on for s in meetings.skip_dates(session, group)}
    notes: list[str] = []
    end = meetings.ends_on(group)
    if end is not None and end < until:
        listed_later = [d for d in schedule.custom_dates if d > end and d not in skips]
        note = f"The group ends on {end.isoformat()}: no meetings after it"
        if listed_later:
            note += f" ({_count(len(listed_later), 'date')} on the list {_are(listed_later)} later)"
        notes.append(note + ".")
        until = end
    wanted = recurrence.generate_meeting_dates(schedule, today, until, skips)
    later = [
        d
        for d in schedule.custom_dates
        if d > until and d not in skips and (end is None or d <= end)
    ]
    if later:
        notes.append(
            f"{_count(len(later), 'date')} after {until.isoformat()} {_are(later)} not planned "
            "yet; they will be added when you extend (+)."
        )

    wanted_set = set(wanted)
    records = _records(session, [id_of(m) for m in future])
    cancel: list[PlannedMeeting] = []
    keep: list[PlannedMeeting] = []
    unchanged = 0
    for m in future:
        after_end = end is not None and m.on > end
        if not after_end and m.series_date in wanted_set:
            unchanged += 1
            continue
        reason = records.get(id_of(m), "")
        if not reason and not after_end and meetings.moved_by_hand(m, group):
            reason = "moved by hand" if m.series_date else "restored or added by hand"
        if reason:
            keep.append(PlannedMeeting(m.on, m.start_time, id_of(m), reason))
        else:
            cancel.append(PlannedMeeting(m.on, m.start_time, id_of(m), _planned(session, m)))

    going = {c.meeting_id for c in cancel}
    staying = [m for m in everything if m.status == "scheduled" and m.id not in going]
    in_series = {m.series_date for m in everything if m.series_date is not None}
    by_uid = {m.uid: m for m in everything}
    add: list[PlannedMeeting] = []
    for d in wanted:
        if d in in_series:  # planned already: as it is, moved, or cancelled by hand
            continue
        clash = _clash(staying, d, schedule.start_time, schedule.duration_minutes)
        if clash is not None:
            notes.append(
                f"{day_label(d)}: {meetings.meeting_label(clash)} is already there, "
                "so no second meeting is added."
            )
            continue
        old = by_uid.get(meetings.meeting_uid(group, d))
        if old is not None and old.status == "cancelled" and old.series_date is None:
            add.append(PlannedMeeting(d, schedule.start_time, old.id, "brought back"))
        else:
            add.append(PlannedMeeting(d, schedule.start_time))
    return ScheduleChange(
        group_id=id_of(group),
        today=today,
        until=until,
        schedule=recurrence.describe_schedule(schedule),
        extend=extend,
        cancel=tuple(cancel),
        add=tuple(add),
        keep=tuple(keep),
        unchanged=unchanged,
        notes=tuple(notes),
    )


def _are(items: list) -> str:
    return "is" if len(items) == 1 else "are"


def _clash(staying: list[Meeting], day: dt.date, start: dt.time, minutes: int) -> Meeting | None:
    begin = dt.datetime.combine(day, start)
    end = begin + dt.timedelta(minutes=minutes)
    for m in staying:
        if abs((m.on - day).days) > 1:
            continue
        other = dt.datetime.combine(m.on, m.start_time)
        if other < end and begin < other + dt.timedelta(minutes=m.duration_minutes):
            return m
    return None


def _planned(session: Session, m: Meeting) -> str:
    """What was planned for a meeting about to be cancelled ("topic 'X', agenda note"),
    so the preview says what goes with it (restoring the meeting brings it back)."""
    from ..models import ExpertInvitation, RoleAssignment, Topic

    what = []
    if m.topic_id is not None and (topic := session.get(Topic, m.topic_id)) is not None:
        what.append(f"topic \u201c{topic.title}\u201d")
    if m.agenda_note.strip():
        what.append("an agenda note")
    if m.prompt_key:
        what.append("a reflection prompt")
    if session.exec(
        select(RoleAssignment.id).where(
            RoleAssignment.meeting_id == m.id, col(RoleAssignment.manual).is_(True)
        )
    ).first():
        what.append("roles given by hand")
    if session.exec(select(ExpertInvitation.id).where(ExpertInvitation.meeting_id == m.id)).first():
        what.append("an invited expert")
    return ", ".join(what)


def _records(session: Session, meeting_ids: list[int]) -> dict[int, str]:
    """meeting id -> what was recorded at it ("has minutes, attendance taken").

    Apologies sent ahead are not a record of a meeting: they do not keep one the
    schedule no longer gives.
    """
    if not meeting_ids:
        return {}
    found: dict[int, list[str]] = {}

    def mark(ids: Iterable[int], what: str) -> None:
        for mid in set(ids):
            found.setdefault(mid, []).append(what)

    mark(
        session.exec(
            select(Minutes.meeting_id).where(
                col(Minutes.meeting_id).in_(meeting_ids),
                or_(col(Minutes.text) != "", col(Minutes.finalised_at).is_not(None)),
            )
        ),
        "has minutes",
    )
    mark(
        session.exec(
            select(Attendance.meeting_id).where(
                col(Attendance.meeting_id).in_(meeting_ids), Attendance.status != "apologies"
            )
        ),
        "attendance taken",
    )
    mark(
        session.exec(select(Decision.meeting_id).where(col(Decision.meeting_id).in_(meeting_ids))),
        "decisions recorded",
    )
    items = session.exec(
        select(ActionItem.meeting_id, col(ActionItem.closed_meeting_id)).where(
            or_(
                col(ActionItem.meeting_id).in_(meeting_ids),
                col(ActionItem.closed_meeting_id).in_(meeting_ids),
            )
        )
    ).all()
    ids = set(meeting_ids)
    mark([x for pair in items for x in pair if x is not None and x in ids], "action items recorded")
    return {mid: ", ".join(what) for mid, what in found.items()}
