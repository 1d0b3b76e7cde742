"""Meeting dates for a group's schedule, with no database and no UI.

A series is anchored at its first meeting (``Schedule.first_date``) and expanded
with ``dateutil.rrule`` from that anchor every time, whatever window is asked for.
That is what lets a caller hold six months of meetings and later ask for the next
six: the new dates continue the same series (an every-2-weeks group keeps its
phase) and never repeat a date already generated.

Times are local wall-clock times in the group's IANA zone, so a 07:30 meeting
stays at 07:30 on both sides of a daylight-saving change.

Reading the days and times people type is in ``parse``; checking and guessing
time-zone names is in ``zones`` (both still importable from here).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeGuard

from dateutil import rrule
from dateutil.relativedelta import relativedelta

from peergroup.calendar import tzdb
from peergroup.calendar.parse import (  # noqa: F401 - parse_* long reached through here
    WEEKDAYS,
    parse_time,
    parse_weekday,
)
from peergroup.calendar.zones import (  # noqa: F401 - machine_timezone long reached through here
    check_timezone,
    machine_timezone,
)
from peergroup.errors import InputError

FREQUENCIES = ("weekly", "every-n-weeks", "monthly-nth-weekday", "monthly-day", "custom")

MIN_DURATION_MINUTES = 30
MAX_DURATION_MINUTES = 240  # half a day
MAX_INTERVAL_WEEKS = 12
NTH_VALUES = (1, 2, 3, 4, -1)

_ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}
_RRULE_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_UTC = dt.UTC


@dataclass(frozen=True)
class Schedule:
    """How often a group meets. See ``validate_schedule`` for the rules."""

    frequency: str
    start_time: dt.time  # local wall-clock time in `timezone`
    duration_minutes: int
    timezone: str  # IANA name, e.g. "America/New_York"
    first_date: dt.date  # the first meeting; the series is anchored here
    interval: int = 1  # every-n-weeks: N
    weekday: int | None = None  # 0 = Monday
    nth: int | None = None  # 1..4, or -1 for the last one in the month
    # 1..31. A month without that day meets on its last day instead (31 -> 28 or
    # 29 February, 30 April), so a "31st" group still meets once every month.
    month_day: int | None = None
    custom_dates: tuple[dt.date, ...] = ()


# --- validation --------------------------------------------------------------------


def validate_schedule(s: Schedule) -> None:
    """Raise ``InputError`` naming the first field that is not acceptable."""
    _validate_fields(s)
    if s.frequency == "custom":
        _check_custom_dates(s)
    else:
        # The anchor must itself be a meeting, or "every 2 weeks from here" has no meaning.
        _check_first_date_matches(s)


def _validate_fields(s: Schedule) -> None:
    if s.frequency not in FREQUENCIES:
        raise InputError(
            "frequency",
            f"{s.frequency!r} is not a schedule we know. Choose one of: "
            + ", ".join(FREQUENCIES)
            + ".",
        )
    if not isinstance(s.start_time, dt.time) or s.start_time.tzinfo is not None:
        raise InputError(
            "start_time",
            "Give the start time as a local time of day, such as 07:30, "
            "without a time zone (the time zone is its own field).",
        )
    if not _is_int(s.duration_minutes) or not (
        MIN_DURATION_MINUTES <= s.duration_minutes <= MAX_DURATION_MINUTES
    ):
        raise InputError(
            "duration_minutes",
            f"A meeting lasts between {MIN_DURATION_MINUTES} and "
            f"{MAX_DURATION_MINUTES} minutes; {s.duration_minutes!r} is outside that range.",
        )
    check_timezone(s.timezone)
    if not isinstance(s.first_date, dt.date) or isinstance(s.first_date, dt.datetime):
        raise InputError("first_date", "Give the date of the first meeting (a day, no time).")

    if s.frequency in ("weekly", "every-n-weeks", "monthly-nth-weekday") and (
        not _is_int(s.weekday) or not 0 <= s.weekday <= 6
    ):
        raise InputError("weekday", "Choose the day of the week the group meets on.")
    if s.frequency == "every-n-weeks" and (
        not _is_int(s.interval) or not 1 <= s.interval <= MAX_INTERVAL_WEEKS
    ):
        raise InputError(
            "interval",
            f"Meet every 1 to {MAX_INTERVAL_WEEKS} weeks; {s.interval!r} is outside that range.",
        )
    if s.frequency == "monthly-nth-weekday" and s.nth not in NTH_VALUES:
        raise InputError(
            "nth", "Choose which one in the month: first, second, third, fourth or last."
        )
    if s.frequency == "monthly-day" and (not _is_int(s.month_day) or not 1 <= s.month_day <= 31):
        raise InputError("month_day", "Choose a day of the month from 1 to 31.")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def required_field(value: int | None, field: str) -> int:
    """A schedule field (weekday, nth, month_day) that ``validate_schedule`` has
    already required for the schedule's frequency, as an ``int``."""
    if value is None:
        raise InputError(field, "is missing for this kind of schedule.")
    return value


def _check_custom_dates(s: Schedule) -> None:
    if not s.custom_dates:
        raise InputError("custom_dates", "Add at least one meeting date.")
    for d in s.custom_dates:
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise InputError("custom_dates", f"{d!r} is not a date; give days like 2027-03-09.")
        if d < s.first_date:
            raise InputError(
                "custom_dates",
                f"{d.isoformat()} is before the first meeting "
                f"({s.first_date.isoformat()}). Remove it or move the first meeting earlier.",
            )


def _check_first_date_matches(s: Schedule) -> None:
    d = s.first_date
    if s.frequency == "monthly-day":
        expected_day = min(
            required_field(s.month_day, "month_day"), calendar.monthrange(d.year, d.month)[1]
        )
        if d.day != expected_day:
            raise InputError(
                "first_date",
                f"{d.isoformat()} is not day {s.month_day} of its month. "
                "Choose a first meeting that falls on the schedule.",
            )
        return
    weekday_name = WEEKDAYS[required_field(s.weekday, "weekday")].capitalize()
    if d.weekday() != s.weekday:
        raise InputError(
            "first_date",
            f"{d.isoformat()} is a {WEEKDAYS[d.weekday()].capitalize()}, but the "
            f"group meets on {weekday_name}s. Choose a {weekday_name} for the first meeting.",
        )
    if s.frequency == "monthly-nth-weekday" and d not in _nth_weekday_dates(s, d, d):
        raise InputError(
            "first_date",
            f"{d.isoformat()} is not the {_ORDINALS[required_field(s.nth, 'nth')].lower()} "
            f"{weekday_name} of its month. Choose a first meeting that falls on the schedule.",
        )


# --- dates -------------------------------------------------------------------------


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months; the 31st becomes the last day of a shorter month."""
    return d + relativedelta(months=months)


def horizon_end(start: dt.date, months: int = 6) -> dt.date:
    """The last day (inclusive) of a horizon of ``months`` months starting on ``start``."""
    if not _is_int(months) or months < 1:
        raise InputError("months", "Plan at least one month ahead.")
    return add_months(start, months) - dt.timedelta(days=1)


def generate_meeting_dates(
    s: Schedule, start: dt.date, end: dt.date, skip: Iterable[dt.date] = ()
) -> list[dt.date]:
    """Sorted, unique meeting dates in ``[max(start, s.first_date), end]`` minus ``skip``.

    The series is always expanded from ``s.first_date``, so any two windows agree on
    the dates they share, and adjacent windows never shift or repeat a meeting.
    """
    validate_schedule(s)
    lo = max(start, s.first_date)
    if lo > end:
        return []
    skipped = set(skip)
    if s.frequency == "custom":
        found = {d for d in s.custom_dates if lo <= d <= end}
    else:
        found = set(_rule_dates(s, lo, end))
    return sorted(found - skipped)


def first_meeting_on_or_after(s: Schedule, day: dt.date) -> dt.date:
    """The first date on or after ``day`` that fits the pattern, ignoring ``first_date``.

    For a form that asks "starting from" and needs a valid ``first_date``.
    """
    _validate_fields(s)
    if s.frequency == "custom":
        later = sorted(d for d in s.custom_dates if d >= day)
        if not later:
            raise InputError("custom_dates", "No meeting date is on or after that day.")
        return later[0]
    # interval=1: the phase of an every-n-weeks series starts at the date found here.
    probe = replace(s, first_date=day, interval=1)
    # Every pattern occurs at least once in any 31 days; 62 leaves room to spare.
    return _rule_dates(probe, day, day + dt.timedelta(days=62))[0]


def _rule_dates(s: Schedule, lo: dt.date, hi: dt.date) -> list[dt.date]:
    anchor = dt.datetime.combine(s.first_date, dt.time())
    if s.frequency in ("weekly", "every-n-weeks"):
        interval = s.interval if s.frequency == "every-n-weeks" else 1
        # first_date is on `weekday`, so each period's single match is first_date + k*N
        # weeks: the phase comes from the anchor, not from the window or WKST.
        rule = rrule.rrule(
            rrule.WEEKLY,
            dtstart=anchor,
            interval=interval,
            byweekday=_RRULE_WEEKDAYS[required_field(s.weekday, "weekday")],
        )
    elif s.frequency == "monthly-nth-weekday":
        return _nth_weekday_dates(s, lo, hi)
    else:  # monthly-day
        month_day = required_field(s.month_day, "month_day")
        if month_day <= 28:
            rule = rrule.rrule(rrule.MONTHLY, dtstart=anchor, bymonthday=month_day)
        else:
            # "The 31st, or the month's last day": take the last existing day among
            # 28..month_day. Plain bymonthday=31 would silently skip short months.
            days = tuple(range(28, month_day + 1))
            rule = rrule.rrule(rrule.MONTHLY, dtstart=anchor, bymonthday=days, bysetpos=-1)
    return _between(rule, lo, hi)


def _nth_weekday_dates(s: Schedule, lo: dt.date, hi: dt.date) -> list[dt.date]:
    # Start the rule at the first of first_date's month so validation can ask whether
    # first_date itself is the nth weekday.
    month_start = dt.datetime(s.first_date.year, s.first_date.month, 1)
    rule = rrule.rrule(
        rrule.MONTHLY,
        dtstart=month_start,
        byweekday=_RRULE_WEEKDAYS[required_field(s.weekday, "weekday")](
            required_field(s.nth, "nth")
        ),
    )
    return _between(rule, lo, hi)


def _between(rule: rrule.rrule, lo: dt.date, hi: dt.date) -> list[dt.date]:
    after = dt.datetime.combine(lo, dt.time())
    before = dt.datetime.combine(hi, dt.time())
    return [x.date() for x in rule.between(after, before, inc=True)]


# --- times -------------------------------------------------------------------------


def local_start(d: dt.date, s: Schedule) -> dt.datetime:
    """The meeting's start on day ``d`` as an aware datetime in the group's zone.

    A wall time that does not exist that day (the hour skipped when clocks go
    forward) is moved forward by the length of the gap: 02:30 on a US spring-forward
    day becomes 03:30 EDT, i.e. the same instant as 02:30 read with the old offset
    (PEP 495 ``fold=0``). A wall time that happens twice (clocks going back) means
    the first of the two, as RFC 5545 says for calendar files.
    """
    zone = tzdb.zone(check_timezone(s.timezone))
    wall = dt.datetime.combine(d, s.start_time).replace(tzinfo=zone, fold=0)
    # Round-tripping through UTC is what turns a non-existent wall time into a real one.
    return wall.astimezone(_UTC).astimezone(zone)


def utc_start(d: dt.date, s: Schedule) -> dt.datetime:
    """The meeting's start on day ``d`` in UTC."""
    return local_start(d, s).astimezone(_UTC)


def describe_schedule(s: Schedule) -> str:
    """One line a member can read, e.g. "Second Tuesday of each month, 07:30–08:30 (UTC)"."""
    validate_schedule(s)
    if s.frequency == "weekly":
        when = f"Every {WEEKDAYS[required_field(s.weekday, 'weekday')].capitalize()}"
    elif s.frequency == "every-n-weeks":
        day = WEEKDAYS[required_field(s.weekday, "weekday")].capitalize()
        when = (
            f"Every {day}"
            if s.interval == 1
            else f"Every {s.interval} weeks on {day} starting {s.first_date.isoformat()}"
        )
    elif s.frequency == "monthly-nth-weekday":
        nth, weekday = required_field(s.nth, "nth"), required_field(s.weekday, "weekday")
        when = f"{_ORDINALS[nth]} {WEEKDAYS[weekday].capitalize()} of each month"
    elif s.frequency == "monthly-day":
        month_day = required_field(s.month_day, "month_day")
        when = f"On the {_ordinal_suffix(month_day)} of each month"
        if month_day > 28:
            when += " (or the last day of shorter months)"
    else:
        count = len(set(s.custom_dates))
        when = f"On {count} chosen date" + ("" if count == 1 else "s")
    start = dt.datetime.combine(s.first_date, s.start_time)
    end = start + dt.timedelta(minutes=s.duration_minutes)
    next_day = " next day" if end.date() > start.date() else ""
    return f"{when}, {start:%H:%M}–{end:%H:%M}{next_day} ({s.timezone})"


def _ordinal_suffix(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
