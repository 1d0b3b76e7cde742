"""The yearly daylight-saving rule at the end of every zone file (its POSIX TZ
string) read correctly, and written as the RRULE that Outlook needs."""

from __future__ import annotations

import datetime as dt

import pytest

from peergroup.calendar import posix_tz, tzdb

UTC = dt.UTC


# --- reading TZ strings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "to_daylight", "to_standard"),
    [
        ("EST5EDT,M3.2.0,M11.1.0",
         {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "2SU"},
         {"FREQ": "YEARLY", "BYMONTH": 11, "BYDAY": "1SU"}),
        ("CET-1CEST,M3.5.0,M10.5.0/3",
         {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"},
         {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"}),
        # Santiago: 24:00 on the first Saturday is 00:00 on the Sunday after it.
        ("<-04>4<-03>,M9.1.6/24,M4.1.6/24",
         {"FREQ": "YEARLY", "BYMONTH": 9, "BYDAY": "SU", "BYMONTHDAY": [2, 3, 4, 5, 6, 7, 8]},
         {"FREQ": "YEARLY", "BYMONTH": 4, "BYDAY": "SU", "BYMONTHDAY": [2, 3, 4, 5, 6, 7, 8]}),
        # Nuuk: 23:00 the day before the last Sunday ("/-1" is -01:00 on Sunday).
        ("<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
         {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "SA",
          "BYMONTHDAY": [24, 25, 26, 27, 28, 29, 30]},
         {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"}),
        # The last days of February move with leap years: no fixed month days.
        ("EST5EDT,M2.5.0/-1,M11.1.0",
         None, {"FREQ": "YEARLY", "BYMONTH": 11, "BYDAY": "1SU"}),
        ("EST5EDT,M2.3.0/-1,M11.1.0",
         {"FREQ": "YEARLY", "BYMONTH": 2, "BYDAY": "SA",
          "BYMONTHDAY": [14, 15, 16, 17, 18, 19, 20]},
         {"FREQ": "YEARLY", "BYMONTH": 11, "BYDAY": "1SU"}),
        # Jerusalem: 26:00 on the fourth Thursday is 02:00 on the Friday after it.
        ("IST-2IDT,M3.4.4/26,M10.5.0",
         {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "FR",
          "BYMONTHDAY": [23, 24, 25, 26, 27, 28, 29]},
         {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"}),
        # Cairo's October change can fall on 1 November: no RRULE can say that.
        ("EET-2EEST,M4.5.5/0,M10.5.4/24",
         {"FREQ": "YEARLY", "BYMONTH": 4, "BYDAY": "-1FR"}, None),
        # A first-week rule pulled into the previous month cannot be written either.
        ("EST5EDT,M3.1.0/-1,M11.2.0/-1",
         None, {"FREQ": "YEARLY", "BYMONTH": 11, "BYDAY": "SA",
                "BYMONTHDAY": [7, 8, 9, 10, 11, 12, 13]}),
    ],
)  # fmt: skip
def test_tz_strings_become_yearly_rrules(tz, to_daylight, to_standard):
    rule = posix_tz.parse(tz)
    assert rule.to_daylight.rrule() == to_daylight
    assert rule.to_standard.rrule() == to_standard


@pytest.mark.parametrize(
    "tz", ["IST-5:30", "<+09>-9", "EST5EDT", "EST5EDT,J60/2,J300/2", "XYZ", "", None]
)
def test_zones_without_a_usable_yearly_rule_have_none(tz):
    assert posix_tz.parse(tz) is None


def test_offsets_and_times_are_read_with_posix_signs():
    rule = posix_tz.parse("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0")  # Lord Howe
    assert rule.standard == (dt.timedelta(hours=10, minutes=30), 0, "+1030")
    assert rule.daylight == (dt.timedelta(hours=11), 1, "+11")
    chatham = posix_tz.parse("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45")
    assert chatham.to_daylight.onset(2027) == dt.datetime(2027, 9, 26, 2, 45)
    assert posix_tz.parse("IST-1GMT0,M10.5.0,M3.5.0/1").daylight[1] == -1  # Dublin
    assert posix_tz.MonthRule(3, 2, 0, -167 * 3600).onset(2027) == dt.datetime(2027, 3, 7, 1)


def test_every_yearly_rule_in_the_database_predicts_what_zoneinfo_computes():
    # 2090-2093 is past every zone's listed transitions, where zoneinfo itself
    # follows the TZ string, so this checks our reading of each string.
    start, stop = dt.datetime(2090, 1, 1, tzinfo=UTC), dt.datetime(2093, 1, 1, tzinfo=UTC)
    checked = 0
    for tzid in sorted(tzdb.available_zones()):
        rule = posix_tz.parse(tzdb.posix_tz_string(tzid))
        if rule is None:
            continue
        zone = tzdb.zone(tzid)
        predicted = rule.transitions(start, stop)
        for instant, old, new in predicted:
            assert state(instant - dt.timedelta(seconds=1), zone) == old, (tzid, instant)
            assert state(instant, zone) == new, (tzid, instant)
        assert len(predicted) == count_changes(zone, start, stop) == 6, tzid
        checked += 1
    assert checked > 100


def state(instant: dt.datetime, zone: dt.tzinfo) -> posix_tz.State:
    local = instant.astimezone(zone)
    dst = local.dst()
    return local.utcoffset(), (dst > dt.timedelta(0)) - (dst < dt.timedelta(0)), local.tzname()


def count_changes(zone: dt.tzinfo, start: dt.datetime, stop: dt.datetime) -> int:
    # Six-hourly samples: no zone changes its clocks twice within six hours.
    samples = [state(start + dt.timedelta(hours=6 * n), zone) for n in range(
        int((stop - start) / dt.timedelta(hours=6)))]  # fmt: skip
    return sum(a != b for a, b in zip(samples, samples[1:], strict=False))
