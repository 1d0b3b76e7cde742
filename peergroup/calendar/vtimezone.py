"""The VTIMEZONE block of an .ics file, exact over the years the file covers.

Two kinds of observance are written, and each reader gets what it needs:

* **Rule-based parts** (the usual case): one STANDARD and one DAYLIGHT part, each
  with the yearly RRULE of the zone's POSIX TZ string, e.g. New York's
  ``FREQ=YEARLY;BYDAY=2SU;BYMONTH=3``. Outlook and Exchange only understand a zone
  this way: they reduce a VTIMEZONE to one yearly rule and otherwise take the
  first DTSTART they see (Microsoft's MS-OXCICAL, VTIMEZONE section).
* **Explicit observances**: a STANDARD or DAYLIGHT part with only a DTSTART, one
  per change, for changes that do not follow the current rule (a country that
  abolished daylight time, or moved its dates, inside the window), and for a zone
  whose rule cannot be written as an RRULE at all (see ``posix_tz``).

Every part starts at a real change read from zoneinfo, and the rule is only used
from the first change after which zoneinfo and the rule agree on every change in
the window, so the instants readers compute are the ones zoneinfo gives.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from peergroup.calendar import posix_tz, tzdb

_UTC = dt.UTC
_ZERO = dt.timedelta(0)
_STEP = dt.timedelta(days=1)  # real zones never change offset twice within a day
_LOOKBACK = dt.timedelta(days=400)  # further back than any yearly clock change
_YEAR_AHEAD = dt.timedelta(days=400)


def build_vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` that is exact from 1 January ``first_year`` to the
    end of ``last_year``.

    We compute it rather than use ``Timezone.from_tzid`` because icalendar 7.3 puts
    a spring-forward onset at the first wall time *after* the gap (03:00 for New
    York) while TZOFFSETFROM says -0500: an hour late, so vobject turns 07:30Z on
    that day into a non-existent 02:30 EST. RFC 5545 defines the onset as a local
    time in TZOFFSETFROM, which is what we write (02:00, as in the RFC's example).
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
    wanted = earlier[-1:] + [c for c in changes if c[0] > begin]
    rule = posix_tz.parse(tzdb.posix_tz_string(tzid))
    ruled_from = _rule_start(wanted, rule, stop)

    vtz = Timezone()
    vtz.add("TZID", tzid)
    if not earlier:  # no change for over a year: one fixed observance is the truth
        # It starts a year before the window (nothing changed then either): ical.js
        # gives no offset to an instant before the onset, so an onset at 1 January
        # 00:00 would leave out the window's first hours in zones east of UTC.
        state = _state(begin, zone)
        _add_observance(vtz, dt.datetime(first_year - 1, 1, 1), state, state)
    # Explicit observances: the changes before the current rule took over (or all
    # of them, when there is no rule an RRULE can express).
    for instant, old, new in wanted[:ruled_from]:
        _add_observance(vtz, _onset(instant, old), old, new)
    # Rule-based parts: from the first change that follows the rule, one part per
    # direction, each starting at its first change on or after that one.
    if rule is not None and ruled_from < len(wanted):
        first = wanted[ruled_from]
        beyond = first[0] + dt.timedelta(seconds=1)
        upcoming = rule.transitions(beyond, beyond + _YEAR_AHEAD)
        other = next(c for c in upcoming if c[2] != first[2])
        for instant, old, new in (first, other):
            block = _add_observance(vtz, _onset(instant, old), old, new)
            month_rule = rule.to_daylight if new == rule.daylight else rule.to_standard
            block.add("RRULE", month_rule.rrule())
    return vtz


def _rule_start(wanted: list[tuple], rule: posix_tz.YearlyRule | None, stop: dt.datetime) -> int:
    """The index of the first change from which the rule predicts exactly the
    changes zoneinfo has, up to ``stop``; ``len(wanted)`` when there is none."""
    if rule is None or rule.to_daylight.rrule() is None or rule.to_standard.rrule() is None:
        return len(wanted)
    for index, change in enumerate(wanted):
        if rule.transitions(change[0], stop) == wanted[index:]:
            return index
    return len(wanted)


def _onset(instant: dt.datetime, old: tuple) -> dt.datetime:
    return (instant + old[0]).replace(tzinfo=None)  # local time, old offset


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


def _state(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> posix_tz.State:
    local = instant.astimezone(zone)
    dst = local.dst() or dt.timedelta(0)
    offset = local.utcoffset()
    assert offset is not None  # an aware datetime in a ZoneInfo always has one
    return offset, (dst > _ZERO) - (dst < _ZERO), local.tzname() or ""


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


def _is_daylight(old: posix_tz.State, new: posix_tz.State) -> bool:
    """Whether a change is written as DAYLIGHT: only when it puts clocks forward
    into summer time. dateutil (vobject) takes a DAYLIGHT part's DST amount to be
    TZOFFSETTO minus TZOFFSETFROM and converts UTC to local time wrongly for an
    hour when that is negative, so Dublin's winter GMT, which the tz data marks as
    negative daylight saving, is written as STANDARD and its summer IST as
    DAYLIGHT. The offsets, which are what readers compute times from, are the same.
    """
    return new[0] > old[0] and (new[1] > 0 or old[1] < 0)


def _add_observance(
    vtz: Timezone, onset: dt.datetime, old: tuple, new: tuple
) -> TimezoneStandard | TimezoneDaylight:
    offset, _dst, name = new
    block = TimezoneDaylight() if _is_daylight(old, new) else TimezoneStandard()
    block.add("DTSTART", onset)
    block.add("TZOFFSETFROM", old[0])
    block.add("TZOFFSETTO", offset)
    if name:
        block.add("TZNAME", name)
    vtz.add_component(block)
    return block
