"""A zone's yearly daylight-saving rule, read from its POSIX TZ string.

Every TZif file ends with a TZ string that governs all years after its listed
transitions, e.g. ``EST5EDT,M3.2.0,M11.1.0`` (New York) or
``<-04>4<-03>,M9.1.6/24,M4.1.6/24`` (Santiago). This module turns one into the
transitions it predicts for any year and into the RFC 5545 RRULE that produces the
same dates, which is what a VTIMEZONE needs for Outlook (one STANDARD and one
DAYLIGHT part, each with a yearly rule).

Only the ``Mm.w.d[/time]`` form can become an RRULE; the Julian forms (``Jn``,
``n``) are parsed as "no rule", so callers fall back to listing each change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_NAME = r"(?:<(?P<{0}q>[A-Za-z0-9+-]+)>|(?P<{0}>[A-Za-z]{{3,}}))"
_CLOCK = r"[+-]?\d{1,3}(?::\d{1,2}){0,2}"
_TZ = re.compile(
    _NAME.format("std")
    + rf"(?P<stdoff>{_CLOCK})"
    + "(?:"
    + _NAME.format("dst")
    + rf"(?P<dstoff>{_CLOCK})?"
    + r"(?:,(?P<start>[^,]+),(?P<end>[^,]+))?"
    + ")?$"
)
_M_DATE = re.compile(rf"M(?P<m>\d{{1,2}})\.(?P<w>[1-5])\.(?P<d>[0-6])(?:/(?P<t>{_CLOCK}))?$")
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX counts from Sunday = 0
_DAY = 86400
_MONTH_LENGTH = {m: calendar.monthrange(2023, m)[1] for m in range(1, 13) if m != 2}

# UTC offset, sign of the daylight-saving amount (-1, 0, 1), abbreviation. Only the
# sign is kept: zoneinfo infers the amount for historical periods, but not its sign.
State = tuple[dt.timedelta, int, str]


@dataclass(frozen=True)
class MonthRule:
    """``Mm.w.d/time``: weekday ``d`` of week ``w`` (5 = last) of month ``m``, at
    ``seconds`` past midnight local time (may be negative or past 24:00)."""

    month: int
    week: int
    weekday: int  # 0 = Sunday
    seconds: int = 7200

    def onset(self, year: int) -> dt.datetime:
        """The local wall time (in the offset before the change) of this year's change."""
        first_weekday = (calendar.weekday(year, self.month, 1) + 1) % 7  # Sunday = 0
        day = 1 + (self.weekday - first_weekday) % 7 + 7 * (self.week - 1)
        if day > calendar.monthrange(year, self.month)[1]:  # week 5 means "last"
            day -= 7
        return dt.datetime(year, self.month, day) + dt.timedelta(seconds=self.seconds)

    def rrule(self) -> dict[str, str | int | list[int]] | None:
        """RRULE parts giving this rule's dates, or None when no single rule can.

        A time outside 00:00-24:00 moves the date (Santiago's 24:00 on the first
        Saturday is 00:00 on the Sunday after it). That is written as a weekday
        within a run of seven month days, e.g. ``BYDAY=SU;BYMONTHDAY=2,...,8``,
        and is possible only while the run stays inside the month in every year;
        otherwise (a last-weekday rule pushed into the next month, a first-weekday
        rule pulled into the previous one, a last-weekday rule in February) the
        answer is None.
        """
        shift = self.seconds // _DAY
        if shift == 0:
            week = -1 if self.week == 5 else self.week
            return {
                "FREQ": "YEARLY",
                "BYMONTH": self.month,
                "BYDAY": f"{week}{_DAYS[self.weekday]}",
            }
        length = _MONTH_LENGTH.get(self.month)  # None for February
        if self.week == 5:  # the last seven days of the month
            if length is None:
                return None
            first = length - 6
        else:
            first = 7 * self.week - 6
        days = [d + shift for d in range(first, first + 7)]
        # Month days are counted from the start: ical.js (Thunderbird) misreads
        # negative ones combined with BYDAY, so a last-week rule needs a month
        # whose length never changes.
        if days[0] < 1 or days[-1] > (length or 28):
            return None
        return {
            "FREQ": "YEARLY",
            "BYMONTH": self.month,
            "BYDAY": _DAYS[(self.weekday + shift) % 7],
            "BYMONTHDAY": days,
        }


@dataclass(frozen=True)
class YearlyRule:
    """A zone's daylight-saving rule: the two states and the two yearly changes."""

    standard: State
    daylight: State
    to_daylight: MonthRule  # onset is in standard time
    to_standard: MonthRule  # onset is in daylight time

    def transitions(self, start: dt.datetime, stop: dt.datetime) -> list[tuple]:
        """(UTC instant, old state, new state) for every change in ``[start, stop)``."""
        found = []
        for year in range(start.year - 1, stop.year + 2):
            for rule, old, new in (
                (self.to_daylight, self.standard, self.daylight),
                (self.to_standard, self.daylight, self.standard),
            ):
                instant = (rule.onset(year) - old[0]).replace(tzinfo=dt.UTC)
                if start <= instant < stop:
                    found.append((instant, old, new))
        return sorted(found, key=lambda change: change[0])


def parse(tz: str | None) -> YearlyRule | None:
    """The yearly rule in a TZ string, or None if it has no daylight time or its
    rule is in a form we do not turn into RRULEs (Julian days, a missing rule)."""
    match = _TZ.match(tz or "")
    if match is None or not (match["dst"] or match["dstq"]) or not match["start"]:
        return None
    std_offset = -_seconds(match["stdoff"])  # POSIX counts hours west of Greenwich
    dst_offset = -_seconds(match["dstoff"]) if match["dstoff"] else std_offset + 3600
    to_daylight, to_standard = _month_rule(match["start"]), _month_rule(match["end"])
    if to_daylight is None or to_standard is None or dst_offset == std_offset:
        return None
    return YearlyRule(
        standard=(dt.timedelta(seconds=std_offset), 0, match["std"] or match["stdq"]),
        daylight=(
            dt.timedelta(seconds=dst_offset),
            1 if dst_offset > std_offset else -1,  # Dublin's winter GMT is "negative" DST
            match["dst"] or match["dstq"],
        ),
        to_daylight=to_daylight,
        to_standard=to_standard,
    )


def _month_rule(text: str) -> MonthRule | None:
    match = _M_DATE.match(text)
    if match is None or not 1 <= int(match["m"]) <= 12:
        return None
    seconds = _seconds(match["t"]) if match["t"] else 7200
    return MonthRule(int(match["m"]), int(match["w"]), int(match["d"]), seconds)


def _seconds(clock: str) -> int:
    sign = -1 if clock.startswith("-") else 1
    parts = [int(p) for p in clock.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])
