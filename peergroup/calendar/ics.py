"""An .ics file of a group's meetings that ordinary calendar apps accept.

Choices that matter to readers:

* One VEVENT per meeting, never RRULE/EXDATE: a moved or cancelled meeting is
  just that event with a higher SEQUENCE, and every app agrees on the dates.
* Times are written as wall-clock times with ``TZID=<group zone>`` plus a
  VTIMEZONE built from the app's tz database (``vtimezone.build_vtimezone``: a
  yearly rule for Outlook, exact changes where the rule does not hold), so apps
  that read the file's VTIMEZONE (vobject, ical.js, Outlook) and apps that only
  know the IANA name agree on every instant. The one exception is a wall time
  that happens twice; that is written in UTC.
* User text is escaped by us (``_Text``), not by icalendar's vText, whose
  escaping turns a literal ``\\N`` typed by a user into a line break.
* Output is a pure function of the arguments, so re-exporting an unchanged group
  gives byte-identical files (the export time is passed in as ``dtstamp``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar, Event
from icalendar.prop import vText

from peergroup.calendar import tzdb
from peergroup.calendar.vtimezone import build_vtimezone
from peergroup.calendar.zones import check_timezone

__all__ = ["PRODID", "IcsEvent", "build_calendar", "build_vtimezone", "plain_text"]

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
    all_day: bool = False  # a whole day (DTSTART;VALUE=DATE): only the date of local_start


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


def _span(e: IcsEvent, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
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
    if e.all_day:  # a floating date: the same day wherever the reader is
        day = e.local_start.date()
        ev.add("DTSTART", day)
        ev.add("DTEND", day + dt.timedelta(days=1))
    else:
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
