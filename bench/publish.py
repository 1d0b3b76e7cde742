#!/usr/bin/env python3
"""Publishing the group folder of a group with ten years of monthly meetings.

Builds, in a temporary folder, the demo group (data/demo.toml) plus 120 monthly
meetings before it, each with finalised minutes of a few KB, two decisions and an
action item (added through services). Then prints, in the same run:
  * the time to build the group folder (services.publish.build_folder)
  * the time to publish it into an empty folder, and to publish it again (nothing
    changed: every file is compared and left alone)
  * as the baseline: the Markdown minutes export of the same group over every date
    (`export minutes --from ... --to ...`, the services the CLI uses)

Usage: python bench/publish.py [--meetings N] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 25)
PARAGRAPH = (
    "We went round the table on the month's teaching: what worked on the wards, what did "
    "not, and what each of us will try next. The discussion lead framed the topic with two "
    "cases; the group compared notes on feedback, on protected time and on the dossier. "
)


def build(path: Path, count: int) -> None:
    from sqlmodel import select

    from peergroup import content, groupfile
    from peergroup.clock import FixedClock
    from peergroup.db import open_database
    from peergroup.models import Meeting, Member
    from peergroup.services import actions, decisions, minutes, roles

    db = open_database(path, create=True, clock=FixedClock(TODAY))
    try:
        with db.write() as s:
            group = groupfile.import_group(s, groupfile.read(content.demo_group_file()))
            found = s.exec(
                select(Member).where(Member.group_id == group.id, Member.status == "active")
            )
            people = []
            for member in found:  # ten years of meetings: everyone was there from the start
                member.joined_on = dt.date(2015, 1, 1)
                s.add(member)
                people.append(member.id)
            s.flush()
            scribe = roles.role_by_key(s, group.id, roles.SCRIBE)
            assert scribe is not None
            first = s.exec(select(Meeting).order_by(Meeting.on)).first()
            assert first is not None
            for i in range(count):
                month = first.on.month - 1 - (i + 1)
                on = dt.date(first.on.year + month // 12, month % 12 + 1, 8)
                m = Meeting(
                    group_id=group.id, on=on, start_time=dt.time(7, 30), title=f"Session {i}"
                )
                s.add(m)
                s.flush()
                text = f"Minutes of session {i}.\n\n" + "\n\n".join([PARAGRAPH] * 12)
                minutes.save_minutes(s, m.id, text, 0)
                decisions.add_decision(s, m.id, f"Decision {i}a: keep the monthly log.")
                decisions.add_decision(s, m.id, f"Decision {i}b: rotate the discussion lead.")
                actions.add_action_item(s, m.id, f"Follow up item {i}", people[i % len(people)])
                roles.assign(s, m, scribe, s.get(Member, people[(i + 1) % len(people)]))
                minutes.finalise(s, m.id)
    finally:
        db.close()


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--meetings", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")

    from peergroup.clock import FixedClock
    from peergroup.db import open_database
    from peergroup.export import minutes_md
    from peergroup.export.files import database_files
    from peergroup.export.publish import publish_folder
    from peergroup.services import groups, publish

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        build(path, args.meetings)
        print(f"built the group in {time.perf_counter() - start:.1f} s")
        db = open_database(path, clock=FixedClock(TODAY))
        with db.read() as s:
            group = groups.list_groups(s)[0]
            files = publish.build_folder(s, group)
        size = sum(len(b) for b in files.values())
        print(f"group folder: {len(files)} files, {size / 1e6:.1f} MB")

        def build_only() -> None:
            with db.read() as s:
                publish.build_folder(s, groups.list_groups(s)[0])

        runs = iter(range(10**6))

        def publish_fresh() -> None:
            with db.read() as s:
                made = publish.build_folder(s, groups.list_groups(s)[0])
            out = Path(tmp) / f"fresh-{next(runs)}"
            publish_folder(out, made, protected=database_files(db.path))

        again = Path(tmp) / "again"
        publish_folder(again, files, protected=database_files(db.path))

        def publish_again() -> None:
            with db.read() as s:
                made = publish.build_folder(s, groups.list_groups(s)[0])
            done = publish_folder(again, made, protected=database_files(db.path))
            assert done.written == 0, done

        def minutes_export() -> None:
            with db.read() as s:
                text, _count = minutes_md.minutes_document(
                    s,
                    groups.list_groups(s)[0],
                    start=dt.date(2000, 1, 1),
                    end=dt.date(2100, 12, 31),
                )
            (Path(tmp) / "minutes.md").write_text(text)

        r = args.repeat
        print(f"build the folder (in memory)       {timed(build_only, r) * 1000:8.0f} ms")
        print(f"publish into an empty folder       {timed(publish_fresh, r) * 1000:8.0f} ms")
        print(f"publish again, nothing changed     {timed(publish_again, r) * 1000:8.0f} ms")
        print(f"baseline: export minutes, all dates{timed(minutes_export, r) * 1000:8.0f} ms")
        db.close()


if __name__ == "__main__":
    main()
