#!/usr/bin/env python3
"""Five years of weekly meetings for a 12-member group: generate, rotate, export.

Prints, for the same number of events:
  * generating the meetings (rrule + inserts) and rotating scribe/lead
  * exporting the group's .ics (queries + our writer)
  * icalendar alone serialising that many plain events (the floor)

Usage: python bench/calendar.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from icalendar import Calendar, Event

from peergroup.db import open_database
from peergroup.services import calendar_export, groups, meetings, membership, roles

START = dt.date(2027, 1, 5)


def one_run(folder: Path) -> dict[str, float]:
    db = open_database(folder / "bench.db", create=True)
    out = {}
    with db.write() as s:
        g = groups.create_group(s, "Bench group", timezone="America/New_York")
        for i in range(12):
            membership.add_member(
                s,
                g,
                membership.MemberInput(
                    name=f"Member {i:02d}", email=f"m{i}@example.org", joined_on="2026-01-01"
                ),
            )
        meetings.set_logistics(
            s,
            g,
            meetings.LogisticsInput(
                frequency="weekly",
                weekday="tuesday",
                start_time="07:30",
                first_meeting=START,
                place="Room 4",
            ),
        )
        group_id = g.id
    t = time.perf_counter()
    with db.write() as s:
        g = groups.get_group(s, group_id)
        created = meetings.generate_meetings(s, g, months=60, today=START)
    out["generate"] = time.perf_counter() - t
    t = time.perf_counter()
    with db.write() as s:
        roles.rotate(s, groups.get_group(s, group_id), today=START)
    out["rotate"] = time.perf_counter() - t
    t = time.perf_counter()
    with db.write() as s:
        data, count = calendar_export.group_calendar(s, groups.get_group(s, group_id))
    out["export"] = time.perf_counter() - t
    out["events"] = count
    out["bytes"] = len(data)
    assert count == len(created)

    t = time.perf_counter()
    cal = Calendar()
    cal.add("prodid", "-//bench//")
    cal.add("version", "2.0")
    for i in range(count):
        ev = Event()
        ev.add("uid", f"{i}@bench")
        ev.add("dtstart", dt.datetime(2027, 1, 5, 12, 30, tzinfo=dt.UTC) + dt.timedelta(weeks=i))
        ev.add("duration", dt.timedelta(hours=1))
        ev.add("dtstamp", dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
        ev.add("summary", "Bench group meeting")
        cal.add_component(ev)
    cal.to_ical()
    out["icalendar_only"] = time.perf_counter() - t
    db.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    n = ap.parse_args().runs
    results = []
    for _ in range(n):
        with tempfile.TemporaryDirectory() as d:
            results.append(one_run(Path(d)))
    ev = results[0]["events"]
    print(
        f"5 years of weekly meetings, 12 members: {ev} events, .ics {results[0]['bytes'] / 1024:.0f} KiB; medians over {n} runs"
    )
    for key, label in (
        ("generate", "generate meetings (rrule + insert)"),
        ("rotate", "rotate scribe and discussion lead"),
        ("export", "export group .ics (queries + writer)"),
        ("icalendar_only", "icalendar alone: build + to_ical, same count"),
    ):
        vals = [r[key] for r in results]
        print(f"  {label:<46} {statistics.median(vals) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
