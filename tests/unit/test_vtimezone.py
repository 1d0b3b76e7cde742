"""A member on Outlook sees the group's meetings at the right time, and so does
everyone else: the .ics file's VTIMEZONE has one yearly rule per direction (what
Outlook and Exchange understand), and the times every reader computes from it are
the times zoneinfo gives.

Two independent readers compute times from the file's own VTIMEZONE, never from a
zone database: vobject (dateutil's tzical, like Thunderbird's ical.js it follows
the observances and their RRULEs) and icalendar, which expands the observances
into a table of UTC transitions (its pytz provider).
"""

from __future__ import annotations

import datetime as dt

import pytest
import vobject
import vobject.icalendar
from dateutil.tz import tzutc
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.timezone.tzp import TZP

from peergroup.calendar import tzdb
from peergroup.calendar.ics import IcsEvent, build_calendar
from peergroup.calendar.vtimezone import build_vtimezone

UTC = dt.UTC
STAMP = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
PYTZ = TZP("pytz")  # icalendar's transition-table reader, separate from its default


# --- reading the file the way calendar apps do ----------------------------------------


def vobject_times(data: bytes) -> tuple[dict, dt.tzinfo | None]:
    """{uid: (start, end)} in UTC as vobject reads them, and its tzinfo for the zone."""
    table = vars(vobject.icalendar)["__tzidMap"]  # process-wide cache: start clean
    table.clear()
    table["UTC"] = tzutc()
    cal = vobject.readOne(data.decode("utf-8"))
    zones = {v.tzid.value: v.gettzinfo() for v in getattr(cal, "vtimezone_list", [])}

    def instant(prop) -> dt.datetime:
        tzid = prop.params.get("TZID")
        value = prop.value.replace(tzinfo=zones[tzid[0]]) if tzid else prop.value
        return value.astimezone(UTC)

    times = {e.uid.value: (instant(e.dtstart), instant(e.dtend)) for e in cal.vevent_list}
    return times, next(iter(zones.values()), None)


def icalendar_times(data: bytes) -> tuple[dict, dt.tzinfo | None]:
    """The same through icalendar, with the zone built from the file's VTIMEZONE."""
    cal = Calendar.from_ical(data)
    vtzs = cal.walk("VTIMEZONE")
    zone = vtzs[0].to_tz(tzp=PYTZ, lookup_tzid=False) if vtzs else None

    def instant(prop) -> dt.datetime:
        value = prop.dt
        if "TZID" in prop.params:  # icalendar attached its own zone: use the file's
            value = zone.localize(value.replace(tzinfo=None), is_dst=False)
        return value.astimezone(UTC)

    times = {
        str(e["UID"]): (instant(e["DTSTART"]), instant(e["DTEND"])) for e in cal.walk("VEVENT")
    }
    return times, zone


def weekly_meetings(first: dt.date, weeks: int, times: list[dt.time]) -> list[IcsEvent]:
    return [
        IcsEvent(
            uid=f"m{first + dt.timedelta(weeks=week):%Y%m%d}-{t:%H%M}@test",
            local_start=dt.datetime.combine(first + dt.timedelta(weeks=week), t),
            duration_minutes=60,
            summary="Peer group",
        )
        for week in range(weeks)
        for t in times
    ]


def expected_times(tzid: str, events: list[IcsEvent]) -> dict:
    """What zoneinfo says, with the app's rules: a skipped wall time moves forward by
    the gap, a repeated one means the first, the duration is elapsed time."""
    zone = tzdb.zone(tzid)
    found = {}
    for e in events:
        start = e.local_start.replace(tzinfo=zone, fold=0).astimezone(UTC)
        found[e.uid] = (start, start + dt.timedelta(minutes=e.duration_minutes))
    return found


def disagreements(
    tzid: str, events: list[IcsEvent], utc_to_local: tuple[str, ...] = ("vobject", "icalendar")
) -> dict[str, list]:
    """Per reader, the meetings whose start or end instant differs from zoneinfo's,
    or, for the readers in ``utc_to_local``, whose UTC offset at the start does
    (converting UTC back to wall time, as an app showing the meeting in this zone)."""
    data = build_calendar("Group", tzid, events, STAMP)
    want = expected_times(tzid, events)
    zone = tzdb.zone(tzid)
    wrong: dict[str, list] = {}
    for name, reader in (("vobject", vobject_times), ("icalendar", icalendar_times)):
        got, file_zone = reader(data)
        wrong[name] = [
            uid
            for uid, (start, end) in want.items()
            if got[uid] != (start, end)
            or (
                name in utc_to_local
                and file_zone is not None
                and start.astimezone(file_zone).utcoffset() != start.astimezone(zone).utcoffset()
            )
        ]
    return wrong


def parts(vtz_text: str) -> list[dict]:
    """The VTIMEZONE's observances as dicts (kind, DTSTART, RRULE, ...), in order."""
    cal = Calendar.from_ical("BEGIN:VCALENDAR\r\n" + vtz_text + "END:VCALENDAR\r\n")
    found = []
    for sub in cal.walk("VTIMEZONE")[0].subcomponents:
        found.append(
            {
                "kind": sub.name,
                "start": sub["DTSTART"].dt,
                "rrule": sub["RRULE"].to_ical().decode() if "RRULE" in sub else None,
                "from": sub["TZOFFSETFROM"].td,
                "to": sub["TZOFFSETTO"].td,
            }
        )
    return found


def vtimezone_text(tzid: str, first_year: int, last_year: int) -> str:
    return build_vtimezone(tzid, first_year, last_year).to_ical().decode()


# --- what the VTIMEZONE looks like --------------------------------------------------


@pytest.mark.parametrize(
    ("tzid", "daylight_rule", "standard_rule"),
    [
        ("America/New_York", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
        ("Europe/London", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
        ("Australia/Sydney", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
        ("Australia/Lord_Howe", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=10",
         "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
        ("America/Santiago", "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=9",
         "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=4"),
    ],
)  # fmt: skip
def test_a_zone_with_a_steady_rule_has_one_standard_and_one_daylight_part(
    tzid, daylight_rule, standard_rule
):
    found = parts(vtimezone_text(tzid, 2027, 2028))
    assert sorted(p["kind"] for p in found) == ["DAYLIGHT", "STANDARD"]
    by_kind = {p["kind"]: p for p in found}
    assert by_kind["DAYLIGHT"]["rrule"] == daylight_rule
    assert by_kind["STANDARD"]["rrule"] == standard_rule
    # Both start at a real change no later than the first one of the window.
    assert min(p["start"] for p in found) <= dt.datetime(2027, 1, 1)
    assert max(p["start"] for p in found) < dt.datetime(2028, 1, 1)


def test_new_york_vtimezone_text():
    assert vtimezone_text("America/New_York", 2027, 2027).replace("\r\n", "\n") == (
        "BEGIN:VTIMEZONE\nTZID:America/New_York\n"
        "BEGIN:STANDARD\nDTSTART:20261101T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\n"
        "TZNAME:EST\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:20270314T020000\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\n"
        "TZNAME:EDT\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\n"
        "END:VTIMEZONE\n"
    )


def test_santiago_changes_at_midnight_written_as_onsets_before_the_change():
    found = {p["kind"]: p for p in parts(vtimezone_text("America/Santiago", 2027, 2027))}
    # 24:00 on Saturday 5 September 2026 (-04) and on Saturday 3 April 2027 (-03).
    assert found["DAYLIGHT"]["start"] == dt.datetime(2026, 9, 6, 0, 0)
    assert found["STANDARD"]["start"] == dt.datetime(2027, 4, 4, 0, 0)


def test_a_zone_without_daylight_time_has_one_standard_part():
    found = parts(vtimezone_text("Asia/Kolkata", 2027, 2028))
    assert [(p["kind"], p["rrule"], p["to"]) for p in found] == [
        ("STANDARD", None, dt.timedelta(hours=5, minutes=30))
    ]
    # Well before 00:00 on 1 January (18:30 UTC): ical.js gives instants before an
    # onset no offset, which would misplace the first hours of the window.
    assert found[0]["start"] == dt.datetime(2026, 1, 1)


def test_a_country_that_abolished_daylight_time_keeps_explicit_changes():
    # Mexico dropped daylight time after 30 October 2022: nothing yearly to write.
    found = parts(vtimezone_text("America/Mexico_City", 2022, 2023))
    assert all(p["rrule"] is None for p in found)
    last = found[-1]
    assert (last["kind"], last["start"], last["to"]) == (
        "STANDARD", dt.datetime(2022, 10, 30, 2, 0), dt.timedelta(hours=-6))  # fmt: skip


def test_a_zone_whose_rule_changed_in_the_window_has_explicit_then_yearly_parts():
    # Scoresbysund moved from -01/+00 to -02/-01 in March 2024.
    found = parts(vtimezone_text("America/Scoresbysund", 2023, 2025))
    explicit = [p for p in found if p["rrule"] is None]
    ruled = [p for p in found if p["rrule"] is not None]
    assert explicit and sorted(p["kind"] for p in ruled) == ["DAYLIGHT", "STANDARD"]
    assert max(p["start"] for p in explicit) < min(p["start"] for p in ruled)
    assert {p["to"] for p in ruled} == {dt.timedelta(hours=-2), dt.timedelta(hours=-1)}


def test_a_rule_no_rrule_can_express_falls_back_to_explicit_changes():
    found = parts(vtimezone_text("Africa/Cairo", 2027, 2028))
    assert len(found) >= 4 and all(p["rrule"] is None for p in found)


def test_daylight_parts_always_move_clocks_forward():
    # Dublin's winter GMT is "negative daylight saving" in the tz data; written as
    # such, dateutil would convert UTC times wrongly for an hour every spring.
    found = {p["kind"]: p for p in parts(vtimezone_text("Europe/Dublin", 2027, 2027))}
    assert found["DAYLIGHT"]["to"] == dt.timedelta(hours=1)
    assert found["STANDARD"]["to"] == dt.timedelta(0)


# --- readers agree with zoneinfo --------------------------------------------------

# Saturday and Sunday around midnight, the small hours and the morning: every
# change in these zones happens on one of the two days.
TIMES = [dt.time(h, m) for h, m in ((0, 0), (0, 30), (1, 30), (2, 30), (3, 30), (7, 30), (23, 30))]


@pytest.mark.parametrize(
    ("tzid", "first_saturday"),
    [
        ("America/New_York", dt.date(2027, 1, 2)),
        ("Europe/London", dt.date(2027, 1, 2)),
        ("Australia/Sydney", dt.date(2027, 1, 2)),
        ("Australia/Lord_Howe", dt.date(2027, 1, 2)),  # 30-minute change
        ("America/Santiago", dt.date(2027, 1, 2)),  # changes at 24:00
        ("Asia/Kolkata", dt.date(2027, 1, 2)),  # no daylight time
        ("Europe/Dublin", dt.date(2027, 1, 2)),  # "negative" daylight time
        ("America/Nuuk", dt.date(2027, 1, 2)),  # changes at 22:00 on Saturday
        ("Asia/Jerusalem", dt.date(2027, 1, 2)),  # changes on a Friday
        ("America/Mexico_City", dt.date(2022, 1, 1)),  # daylight time abolished 2022
        ("America/Scoresbysund", dt.date(2023, 7, 1)),  # new offsets from 2024
    ],
)
def test_two_years_of_meetings_read_back_at_zoneinfos_times(tzid, first_saturday):
    events = weekly_meetings(first_saturday, 104, TIMES)
    events += weekly_meetings(first_saturday + dt.timedelta(days=1), 104, TIMES)
    if tzid == "Asia/Jerusalem":
        events += weekly_meetings(first_saturday - dt.timedelta(days=1), 104, TIMES)
    assert disagreements(tzid, events) == {"vobject": [], "icalendar": []}


PLACES = sorted(tzdb.available_zones() - {"Factory", "localtime", "posixrules"})


@settings(max_examples=100, deadline=None)
@given(
    tzid=st.sampled_from(PLACES),
    first=st.dates(dt.date(1995, 1, 1), dt.date(2036, 6, 30)),
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    weeks=st.integers(1, 104),
)
def test_any_zone_any_dates_readers_agree_with_zoneinfo_at_every_meeting(tzid, first, start, weeks):
    events = weekly_meetings(first, weeks, [start])
    # dateutil's UTC-to-local step (vobject) is an hour or so off right at a change
    # of *standard* offset (Vostok 2023, Nuuk 2023), whatever the file says, so only
    # icalendar's is compared here; the meeting instants are compared for both.
    assert disagreements(tzid, events, utc_to_local=("icalendar",)) == {
        "vobject": [],
        "icalendar": [],
    }
