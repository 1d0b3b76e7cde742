"""An .ics file of a group's meetings that ordinary calendar apps accept.

Choices that matter to readers:

* One VEVENT per meeting, never RRULE/EXDATE: a moved or cancelled meeting is
  just that event with a higher SEQUENCE, and every app agrees on the dates.
* Times are written as wall-clock times with ``TZID=<group zone>`` plus a
  VTIMEZONE built here from zoneinfo (see ``build_vtimezone`` for why not
  icalendar's own generator), so apps that read the file's VTIMEZONE (vobject,
  ical.js) and apps that only know the IANA name agree on every instant. The one
  exception is a wall time that happens twice; that is written in UTC.
* User text is escaped by us (``_Text``), not by icalendar's vText, whose
  escaping turns a literal ``\\N`` typed by a user into a line break.
* Output is a pure function of the arguments, so re-exporting an unchanged group
  gives byte-identical files (the export time is passed in as ``dtstamp``).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vText

from peergroup.calendar import tzdb
from peergroup.calendar.recurrence import check_timezone

PRODID = "-//Peergroup//Peergroup//EN"
_UTC = dt.UTC
# RFC 5545 TEXT may not hold control characters other than tab; line breaks are
# turned into "\n" escapes before this runs, so anything left is noise to drop.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class IcsEvent:
    """One meeting as it should appear in a calendar app."""

    uid: str  # stable across exports, e.g. "meeting-42-<group uuid>@peergroup"
    local_start: dt.datetime  # naive wall-clock time in the calendar's zone
    duration_minutes: int
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0  # bump whenever the meeting changes, so apps take the update
    last_modified: dt.datetime | None = None  # aware; written in UTC


class _Text(vText):
    """TEXT escaped exactly per RFC 5545 3.3.11, and nothing more."""

    def to_ical(self) -> bytes:
        text = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
        )
        return text.encode("utf-8")


def plain_text(value: str, *, single_line: bool = False) -> str:
    """User text as we store it in the file: CR and CRLF become LF, controls dropped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if single_line:
        text = " ".join(text.split("\n"))
    return _CONTROL.sub("", text)


def build_calendar(
    name: str, timezone: str, events: Sequence[IcsEvent], dtstamp: dt.datetime
) -> bytes:
    """The whole .ics file as bytes (UTF-8, CRLF line endings, folded at 75 octets)."""
    check_timezone(timezone)
    zone = tzdb.zone(timezone)
    stamp = _aware_utc(dtstamp, "dtstamp")
    uids = [e.uid for e in events]
    if len(set(uids)) != len(uids):
        # Apps keep one event per UID, so a duplicate would silently hide a meeting.
        raise ValueError("Each meeting in a calendar needs its own UID.")

    spans = [_span(e, zone) for e in events]
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", _Text(plain_text(name, single_line=True)))
    cal.add("X-WR-TIMEZONE", timezone)
    if timezone != "UTC":  # icalendar writes TZID=UTC times with "Z"; no VTIMEZONE then
        years = [t.year for span in spans for t in span] or [stamp.year]
        cal.add_component(build_vtimezone(timezone, min(years), max(years)))
    for event, (start, end) in zip(events, spans, strict=True):
        cal.add_component(_vevent(event, timezone, start, end, stamp))
    return cal.to_ical()


def _span(e: IcsEvent, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Start and end as aware datetimes in ``zone``."""
    if not isinstance(e.duration_minutes, int) or e.duration_minutes <= 0:
        raise ValueError(f"Meeting {e.uid!r} needs a positive duration in minutes.")
    if e.local_start.tzinfo is None:
        wall = e.local_start.replace(tzinfo=zone, fold=0)
    else:
        wall = e.local_start.astimezone(zone)
    # Same rule as recurrence.local_start: a wall time in a spring-forward gap moves
    # forward by the gap, so we never write a time that readers resolve differently.
    start = wall.astimezone(_UTC).astimezone(zone)
    # Duration is elapsed time, so the end is computed on the UTC timeline.
    end = (start.astimezone(_UTC) + dt.timedelta(minutes=e.duration_minutes)).astimezone(zone)
    return start, end


def _vevent(
    e: IcsEvent, tzid: str, start: dt.datetime, end: dt.datetime, stamp: dt.datetime
) -> Event:
    ev = Event()
    uid = plain_text(e.uid, single_line=True).strip()
    if not uid:
        raise ValueError("Every meeting in a calendar needs a UID.")
    ev.add("UID", _Text(uid))
    ev.add("DTSTAMP", stamp)
    _add_time(ev, "DTSTART", start, tzid)
    _add_time(ev, "DTEND", end, tzid)
    ev.add("SUMMARY", _Text(plain_text(e.summary)))
    if e.description:
        ev.add("DESCRIPTION", _Text(plain_text(e.description)))
    if e.location:
        ev.add("LOCATION", _Text(plain_text(e.location)))
    if e.url:
        # A URI has no escapes, so anything that could end the line must go.
        ev.add("URL", "".join(plain_text(e.url, single_line=True).split()))
    if not isinstance(e.sequence, int) or e.sequence < 0:
        raise ValueError(f"Meeting {e.uid!r} has a negative SEQUENCE.")
    ev.add("SEQUENCE", e.sequence)
    ev.add("STATUS", "CANCELLED" if e.cancelled else "CONFIRMED")
    if e.last_modified is not None:
        ev.add("LAST-MODIFIED", _aware_utc(e.last_modified, "last_modified"))
    return ev


def _add_time(ev: Event, name: str, when: dt.datetime, tzid: str) -> None:
    if when.replace(fold=0).utcoffset() != when.replace(fold=1).utcoffset():
        # A wall time that happens twice (clocks going back): readers disagree on
        # which one is meant (vobject takes the first, ical.js the second), so
        # write the unambiguous UTC instant instead. Only ever 1:00-2:00-ish at night.
        ev.add(name, when.astimezone(_UTC))
    else:
        ev.add(name, when.replace(tzinfo=None), parameters={"TZID": tzid})


def _aware_utc(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime.")
    return value.astimezone(_UTC).replace(microsecond=0)


# --- VTIMEZONE ---------------------------------------------------------------------

_STEP = dt.timedelta(days=1)  # real zones never change offset twice within a day


def build_vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` that is exact from 1 January ``first_year`` to the
    end of ``last_year``.

    We compute it rather than use ``Timezone.from_tzid`` because icalendar 7.3 puts
    a spring-forward onset at the first wall time *after* the gap (03:00 for New
    York) while TZOFFSETFROM says -0500: an hour late, so vobject turns 07:30Z on
    that day into a non-existent 02:30 EST. RFC 5545 defines the onset as a local
    time in TZOFFSETFROM, which is what we write (02:00, as in the RFC's example).
    Each transition gets its own STANDARD/DAYLIGHT block with only a DTSTART, the
    one form every reader must understand (no RRULE or RDATE to interpret).
    """
    zone = tzdb.zone(tzid)
    begin = dt.datetime(first_year, 1, 1, tzinfo=zone).astimezone(_UTC)
    stop = dt.datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(_UTC)
    # Open with the last real change before 1 January, not a made-up one on that
    # day: dateutil (vobject) takes a DAYLIGHT block's DST amount from TZOFFSETTO
    # minus TZOFFSETFROM, so a January-in-summer zone (Sydney) opened with
    # FROM == TO would convert UTC times wrongly until its first change.
    changes = _changes(zone, begin - _LOOKBACK, stop)
    earlier = [c for c in changes if c[0] <= begin]
    vtz = Timezone()
    vtz.add("TZID", tzid)
    if not earlier:  # no change for over a year: one fixed observance is the truth
        state = _state(begin, zone)
        _add_observance(vtz, begin.astimezone(zone).replace(tzinfo=None), state, state)
    for instant, old, new in earlier[-1:] + [c for c in changes if c[0] > begin]:
        onset = (instant + old[0]).replace(tzinfo=None)  # local time, old offset
        _add_observance(vtz, onset, old, new)
    return vtz


_LOOKBACK = dt.timedelta(days=400)  # further back than any yearly clock change


def _changes(zone: zoneinfo.ZoneInfo, start: dt.datetime, stop: dt.datetime) -> list[tuple]:
    """Every (instant, old state, new state) in ``[start, stop)``, to the second."""
    found = []
    here, state = start, _state(start, zone)
    while here < stop:
        nxt = min(here + _STEP, stop)
        if _state(nxt, zone) != state:
            instant = _find_change(here, nxt, zone, state)
            new_state = _state(instant, zone)
            found.append((instant, state, new_state))
            state = new_state
        here = nxt
    return found


def _state(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[dt.timedelta, bool, str]:
    local = instant.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname() or ""


def _find_change(
    lo: dt.datetime, hi: dt.datetime, zone: zoneinfo.ZoneInfo, old: tuple
) -> dt.datetime:
    """The first whole second in (lo, hi] whose state differs from ``old``."""
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) // 2
        mid = mid.replace(microsecond=0)
        if _state(mid, zone) == old:
            lo = mid
        else:
            hi = mid
    return hi


def _add_observance(vtz: Timezone, onset: dt.datetime, old: tuple, new: tuple) -> None:
    offset, is_dst, name = new
    block = TimezoneDaylight() if is_dst else TimezoneStandard()
    block.add("DTSTART", onset)
    block.add("TZOFFSETFROM", old[0])
    block.add("TZOFFSETTO", offset)
    if name:
        block.add("TZNAME", name)
    vtz.add_component(block)
