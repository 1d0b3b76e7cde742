"""A member subscribes to the group's .ics file and every meeting shows up at the
right moment in their calendar app, with the text exactly as the group typed it.

The file is read back with vobject, an independent reader that works out times
from the file's own VTIMEZONE (as Thunderbird's ical.js does), not from a
built-in zone database.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import vobject
import vobject.icalendar
from dateutil.tz import tzutc

from peergroup.calendar.ics import PRODID, IcsEvent, build_calendar, build_vtimezone
from peergroup.errors import InputError

UTC = dt.UTC
STAMP = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
NY = "America/New_York"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def meeting(n: int, start: dt.datetime, **kw) -> IcsEvent:
    fields = dict(
        uid=f"meeting-{n}-6f1c1d7e@peergroup",
        local_start=start,
        duration_minutes=60,
        summary=f"Peer group meeting {n}",
    )
    fields.update(kw)
    return IcsEvent(**fields)


def read(data: bytes):
    """Parse with vobject.

    vobject keeps the first VTIMEZONE it ever saw for a TZID in a process-wide
    table, so it is cleared first: another test's file must not answer for this one.
    """
    table = vars(vobject.icalendar)["__tzidMap"]
    table.clear()
    table["UTC"] = tzutc()
    return vobject.readOne(data.decode("utf-8"))


def in_file_zone(cal, prop) -> dt.datetime:
    """A DTSTART/DTEND as an instant, using only the VTIMEZONE inside the file.

    vobject would otherwise use pytz for a zone its own check mistakes for UTC
    (London, whose January offset is +00:00), which would prove nothing here.
    """
    zones = {vtz.tzid.value: vtz.gettzinfo() for vtz in getattr(cal, "vtimezone_list", [])}
    value = prop.value
    tzid = prop.params.get("TZID")
    if tzid:
        value = value.replace(tzinfo=zones[tzid[0]])
    assert value.tzinfo is not None
    return value.astimezone(UTC)


def starts_utc(data: bytes) -> dict[str, dt.datetime]:
    cal = read(data)
    return {ev.uid.value: in_file_zone(cal, ev.dtstart) for ev in cal.vevent_list}


def ends_utc(data: bytes) -> dict[str, dt.datetime]:
    cal = read(data)
    return {ev.uid.value: in_file_zone(cal, ev.dtend) for ev in cal.vevent_list}


def uid(n: int) -> str:
    return f"meeting-{n}-6f1c1d7e@peergroup"


# --- times on both sides of daylight-saving changes --------------------------------


def test_new_york_2027_both_changes_read_back_at_the_right_instants():
    events = [
        meeting(1, dt.datetime(2027, 3, 9, 7, 30)),  # EST
        meeting(2, dt.datetime(2027, 3, 16, 7, 30)),  # EDT (spring forward 14 March)
        meeting(3, dt.datetime(2027, 11, 2, 7, 30)),  # EDT
        meeting(4, dt.datetime(2027, 11, 9, 7, 30)),  # EST (fall back 7 November)
    ]
    data = build_calendar("Tuesday circle", NY, events, STAMP)
    assert starts_utc(data) == {
        uid(1): utc(2027, 3, 9, 12, 30),
        uid(2): utc(2027, 3, 16, 11, 30),
        uid(3): utc(2027, 11, 2, 11, 30),
        uid(4): utc(2027, 11, 9, 12, 30),
    }
    assert ends_utc(data)[uid(2)] == utc(2027, 3, 16, 12, 30)


def test_london_summer_time_starts_and_ends():
    events = [
        meeting(1, dt.datetime(2027, 3, 21, 19, 0)),  # GMT
        meeting(2, dt.datetime(2027, 3, 28, 19, 0)),  # BST from 28 March
        meeting(3, dt.datetime(2027, 10, 24, 19, 0)),  # BST
        meeting(4, dt.datetime(2027, 10, 31, 19, 0)),  # GMT from 31 October
    ]
    assert starts_utc(build_calendar("Evenings", "Europe/London", events, STAMP)) == {
        uid(1): utc(2027, 3, 21, 19, 0),
        uid(2): utc(2027, 3, 28, 18, 0),
        uid(3): utc(2027, 10, 24, 18, 0),
        uid(4): utc(2027, 10, 31, 19, 0),
    }


def test_sydney_changes_in_april_and_october():
    events = [
        meeting(1, dt.datetime(2027, 4, 3, 7, 30)),  # AEDT +11
        meeting(2, dt.datetime(2027, 4, 4, 7, 30)),  # AEST +10 (changed at 03:00 that day)
        meeting(3, dt.datetime(2027, 10, 2, 7, 30)),  # AEST
        meeting(4, dt.datetime(2027, 10, 3, 7, 30)),  # AEDT (changed at 02:00 that day)
    ]
    assert starts_utc(build_calendar("Mornings", "Australia/Sydney", events, STAMP)) == {
        uid(1): utc(2027, 4, 2, 20, 30),
        uid(2): utc(2027, 4, 3, 21, 30),
        uid(3): utc(2027, 10, 1, 21, 30),
        uid(4): utc(2027, 10, 2, 20, 30),
    }


def test_meetings_over_two_years_are_all_covered():
    events = [
        meeting(1, dt.datetime(2027, 12, 28, 7, 30)),
        meeting(2, dt.datetime(2028, 7, 4, 7, 30)),
    ]
    data = build_calendar("Long run", NY, events, STAMP)
    assert starts_utc(data) == {uid(1): utc(2027, 12, 28, 12, 30), uid(2): utc(2028, 7, 4, 11, 30)}


@pytest.mark.parametrize(
    "tzid", [NY, "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Tokyo"]
)
def test_vtimezone_agrees_with_zoneinfo_every_hour_of_the_year(tzid):
    events = [
        meeting(1, dt.datetime(2027, 1, 5, 7, 30)),
        meeting(2, dt.datetime(2027, 12, 28, 7, 30)),
    ]
    vtz = read(build_calendar("g", tzid, events, STAMP)).vtimezone.gettzinfo()
    zone = zoneinfo.ZoneInfo(tzid)
    instant = utc(2027, 1, 1, 0, 30)
    while instant.year == 2027:
        # UTC -> wall clock is where an hour-late onset shows (icalendar 7.3's does).
        assert instant.astimezone(vtz).utcoffset() == instant.astimezone(zone).utcoffset(), instant
        instant += dt.timedelta(hours=1)


def test_vtimezone_onsets_are_local_times_before_the_change():
    text = build_calendar("g", NY, [meeting(1, dt.datetime(2027, 5, 4, 7, 30))], STAMP).decode()
    assert (
        "DTSTART:20270314T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n"
        "TZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"
    ) in text
    assert (
        "DTSTART:20261101T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n"
        "TZNAME:EST\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"
    ) in text
    assert "RDATE" not in text


def test_vtimezone_opens_with_the_last_real_change_before_the_year():
    text = build_vtimezone("Australia/Sydney", 2027, 2027).to_ical().decode()
    opening = text.split("END:DAYLIGHT")[0]
    assert "DTSTART:20261004T020000" in opening and "TZOFFSETFROM:+1000" in opening
    # A zone that has not changed for years gets one fixed observance.
    tokyo = build_vtimezone("Asia/Tokyo", 2027, 2028).to_ical().decode()
    assert tokyo.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in tokyo


def test_a_wall_time_skipped_by_spring_forward_is_written_as_the_real_time():
    data = build_calendar("g", NY, [meeting(1, dt.datetime(2027, 3, 14, 2, 30))], STAMP)
    assert b"DTSTART;TZID=America/New_York:20270314T033000" in data
    assert starts_utc(data) == {uid(1): utc(2027, 3, 14, 7, 30)}


def test_a_wall_time_that_happens_twice_is_written_in_utc():
    # 01:30 on 7 November happens twice; readers disagree which one a wall time means.
    events = [
        meeting(1, dt.datetime(2027, 11, 7, 1, 30)),
        meeting(2, dt.datetime(2027, 11, 7, 0, 50)),
    ]
    data = build_calendar("g", NY, events, STAMP)
    assert b"DTSTART:20271107T053000Z" in data  # the first 01:30 (EDT)
    assert starts_utc(data)[uid(1)] == utc(2027, 11, 7, 5, 30)
    assert ends_utc(data) == {uid(1): utc(2027, 11, 7, 6, 30), uid(2): utc(2027, 11, 7, 5, 50)}


def test_a_utc_group_needs_no_vtimezone():
    data = build_calendar("g", "UTC", [meeting(1, dt.datetime(2027, 3, 9, 7, 30))], STAMP)
    assert b"BEGIN:VTIMEZONE" not in data
    assert starts_utc(data) == {uid(1): utc(2027, 3, 9, 7, 30)}


# --- what calendar apps need to see ------------------------------------------------


def test_calendar_header_and_vtimezone():
    data = build_calendar(
        "Peer circle, Tuesdays", NY, [meeting(1, dt.datetime(2027, 3, 9, 7, 30))], STAMP
    )
    cal = read(data)
    assert cal.prodid.value == PRODID
    assert cal.version.value == "2.0"
    assert cal.method.value == "PUBLISH"
    assert cal.x_wr_calname.value == "Peer circle, Tuesdays"
    assert cal.x_wr_timezone.value == NY
    assert [tz.tzid.value for tz in cal.vtimezone_list] == [NY]
    assert b"DTSTART;TZID=America/New_York:20270309T073000\r\n" in data
    assert b"DTEND;TZID=America/New_York:20270309T083000\r\n" in data
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_one_vevent_per_meeting_with_stamp_sequence_and_status():
    events = [
        meeting(1, dt.datetime(2027, 3, 9, 7, 30)),
        meeting(2, dt.datetime(2027, 3, 16, 7, 30), cancelled=True, sequence=3),
        meeting(3, dt.datetime(2027, 3, 23, 7, 30), sequence=1,
                last_modified=dt.datetime(2027, 1, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo(NY))),
    ]  # fmt: skip
    data = build_calendar("g", NY, events, STAMP)
    vevents = {e.uid.value: e for e in read(data).vevent_list}
    assert list(vevents) == [uid(1), uid(2), uid(3)]
    assert {u: e.status.value for u, e in vevents.items()} == {
        uid(1): "CONFIRMED", uid(2): "CANCELLED", uid(3): "CONFIRMED"}  # fmt: skip
    assert {u: int(e.sequence.value) for u, e in vevents.items()} == {
        uid(1): 0,
        uid(2): 3,
        uid(3): 1,
    }
    assert all(e.dtstamp.value == STAMP for e in vevents.values())
    assert vevents[uid(3)].last_modified.value == utc(2027, 1, 1, 14, 0)
    assert not hasattr(vevents[uid(1)], "last_modified")
    events_text = data[data.index(b"BEGIN:VEVENT") :]  # the VTIMEZONE has yearly RRULEs
    assert b"RRULE" not in events_text and b"EXDATE" not in events_text


def test_uids_are_stable_and_must_be_unique():
    events = [meeting(n, dt.datetime(2027, 3, 2, 7, 30) + dt.timedelta(weeks=n)) for n in range(5)]
    uids = [e.uid.value for e in read(build_calendar("g", NY, events, STAMP)).vevent_list]
    assert uids == [uid(n) for n in range(5)]
    assert len(set(uids)) == 5
    with pytest.raises(ValueError, match="UID"):
        build_calendar("g", NY, events + [events[0]], STAMP)


def test_same_input_gives_byte_identical_output():
    def export() -> bytes:
        events = [meeting(n, dt.datetime(2027, 3, 2, 7, 30) + dt.timedelta(weeks=n),
                          description="Agenda", location="Library") for n in range(30)]  # fmt: skip
        return build_calendar("Tuesday circle", "Australia/Sydney", events, STAMP)

    assert export() == export()


def test_lines_end_in_crlf_and_are_folded_at_75_octets():
    long_text = "Reflection on step seven: " + "ü" * 60 + " and more, " * 10
    data = build_calendar(
        "g", NY, [meeting(1, dt.datetime(2027, 3, 9, 7, 30), description=long_text)], STAMP
    )
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no character split across a fold
    assert read(data).vevent.description.value == long_text


# --- user text cannot break the file --------------------------------------------------

EXPECTED_PROPERTIES = {"uid", "dtstamp", "dtstart", "dtend", "summary", "description",
                       "location", "sequence", "status"}  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('Dinner, "talk"; plan\nnext\rline\\x', 'Dinner, "talk"; plan\nnext\nline\\x'),
        ("one\r\ntwo", "one\ntwo"),
        ("C:\\New folder\\notes", "C:\\New folder\\notes"),  # a literal \N is not a newline
        ("x\r\nDTSTART:19700101T000000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
         "x\nDTSTART:19700101T000000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"),
        ("tab\tkept, bell\x07 and escape\x1b dropped", "tab\tkept, bell and escape dropped"),
        ("emoji 🎉 and ñ", "emoji 🎉 and ñ"),
    ],
)  # fmt: skip
def test_user_text_round_trips_and_adds_no_properties(typed, expected):
    events = [
        meeting(
            1, dt.datetime(2027, 3, 9, 7, 30), summary=typed, description=typed, location=typed
        ),
        meeting(2, dt.datetime(2027, 3, 16, 7, 30), description="-", location="-"),
    ]
    data = build_calendar("g", NY, events, STAMP)
    cal = read(data)
    assert len(cal.vevent_list) == 2
    first = cal.vevent_list[0]
    assert first.summary.value == expected
    assert first.description.value == expected
    assert first.location.value == expected
    for ev in cal.vevent_list:
        assert {name.lower() for name in ev.contents} == EXPECTED_PROPERTIES
    assert re.findall(rb"^BEGIN:VEVENT\r$", data, flags=re.M) == [b"BEGIN:VEVENT\r"] * 2
    assert len(re.findall(rb"^UID:", data, flags=re.M)) == 2


def test_calendar_name_and_url_stay_on_one_line():
    event = meeting(
        1, dt.datetime(2027, 3, 9, 7, 30), url="https://meet.example/abc\r\nSTATUS:CANCELLED"
    )
    data = build_calendar("Our\r\ncircle; 2027", NY, [event], STAMP)
    cal = read(data)
    assert cal.x_wr_calname.value == "Our circle; 2027"
    assert cal.vevent.url.value == "https://meet.example/abcSTATUS:CANCELLED"
    assert cal.vevent.status.value == "CONFIRMED"
    assert re.findall(rb"^STATUS:", data, flags=re.M) == [b"STATUS:"]


# --- bad input ----------------------------------------------------------------------


def test_empty_calendar_is_still_valid():
    data = build_calendar("New group", NY, [], STAMP)
    cal = read(data)
    assert not hasattr(cal, "vevent")
    assert cal.vtimezone.tzid.value == NY


def test_unknown_zone_is_an_input_error():
    with pytest.raises(InputError) as err:
        build_calendar("g", "Mars/Olympus", [], STAMP)
    assert err.value.field == "timezone"


def test_naive_export_time_is_refused():
    with pytest.raises(ValueError, match="dtstamp"):
        build_calendar("g", NY, [], dt.datetime(2027, 1, 1))
