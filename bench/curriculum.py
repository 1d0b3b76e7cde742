#!/usr/bin/env python3
"""The curriculum planner at a large group's scale.

Builds, in a temporary folder, one group with 12 members, 60 adopted topics
(the 52 of the catalog and 8 of its own), weekly meetings over 3 years with a
topic each, three yearly needs assessments answered by every member (2,160
ratings) and six months of upcoming meetings, then prints, in the same run:
  * the time to compute the latest round's ranking
  * the time to propose a plan for the upcoming meetings (ranking included)
  * the time of one home-screen refresh (every step's status) on that database

Usage: python bench/curriculum.py [--members N] [--years N] [--repeat N] [--seed N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 25)


def build(path: Path, members: int, years: int, rng: random.Random) -> dict[str, int]:
    from peergroup import content
    from peergroup.clock import FixedClock
    from peergroup.db import open_database
    from peergroup.models import Meeting, NeedsAnswer, NeedsRound, PlanEntry, TopicRating
    from peergroup.services import groups, meetings, membership, roles, topics

    first = TODAY - dt.timedelta(weeks=52 * years)  # a Wednesday, as TODAY is
    db = open_database(path, create=True, clock=FixedClock(TODAY))
    try:
        with db.write() as s:
            g = groups.create_group(s, "Bench group", timezone="America/New_York")
            people = [
                membership.add_member(
                    s, g, membership.MemberInput(name=f"Member {i:02}", joined_on=first)
                ).id
                for i in range(members)
            ]
            meetings.set_logistics(
                s,
                g,
                meetings.LogisticsInput(
                    frequency="weekly", weekday="wednesday", start_time="07:30", first_meeting=first
                ),
            )
            months = years * 12 + 6
            meetings.generate_meetings(s, g, months=months, today=first)
            roles.rotate(s, g, today=first, touch=False)
            ids = [topics.adopt(s, g.id, t["key"]) for t in content.topics()]
            families = ("career", "scholarly", "navigating", "growth")
            for i in range(60 - len(ids)):
                ids.append(
                    topics.add_topic(
                        s, g.id, topics.TopicInput(f"Own topic {i + 1}", families[i % 4])
                    )
                )
            ms = meetings.list_meetings(s, g)
            past = [m for m in ms if m.on < TODAY]
            for m in past:  # every meeting held covered a topic
                m.topic_id = rng.choice(ids)
                s.add(m)
                s.add(PlanEntry(meeting_id=m.id, kind="topic", manual=rng.random() < 0.2))
            ratings = 0
            for y in range(years):
                opens = first + dt.timedelta(days=365 * y + 10)
                r = NeedsRound(
                    group_id=g.id,
                    opens_on=opens,
                    closes_on=opens + dt.timedelta(days=14),
                    closed=True,
                )
                s.add(r)
                s.flush()
                for p in people:
                    s.add(NeedsAnswer(round_id=r.id, member_id=p, answered_on=opens))
                    for t in ids:
                        s.add(
                            TopicRating(
                                round_id=r.id, topic_id=t, member_id=p, score=rng.randint(1, 5)
                            )
                        )
                        ratings += 1
            upcoming = len([m for m in ms if m.on >= TODAY])
            counts = {
                "members": members,
                "topics": len(ids),
                "meetings held": len(past),
                "upcoming": upcoming,
                "ratings": ratings,
            }
            _ = Meeting  # the tables above are what the services read
            return counts
    finally:
        db.close()


def timed(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[max(0, int(len(runs) * 0.95) - 1)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=12)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--seed", type=int, default=6)
    args = ap.parse_args(argv)

    from peergroup.clock import FixedClock
    from peergroup.db import open_database
    from peergroup.services import curriculum, groups, home, needs, ranking

    with tempfile.TemporaryDirectory(prefix="peergroup-bench-") as folder:
        path = Path(folder) / "bench.db"
        start = time.perf_counter()
        counts = build(path, args.members, args.years, random.Random(args.seed))
        built = time.perf_counter() - start
        print(", ".join(f"{v} {k}" for k, v in counts.items()) + f"; built in {built:.1f} s")
        db = open_database(path, clock=FixedClock(TODAY))
        try:
            with db.read() as s:
                gid = groups.find_group(s, None).id
                latest = needs.latest_round(s, gid, TODAY)
                assert latest is not None and latest.id is not None
                rid = latest.id

                def rank() -> None:
                    ranking.ranking(s, rid)

                def propose() -> None:
                    p = curriculum.plan_proposal(s, gid, TODAY)
                    assert p.placements

                def refresh() -> None:
                    home.home_view(s, gid, TODAY)

                for label, fn in (
                    ("ranking of the latest round", rank),
                    ("ranking + proposed plan", propose),
                    ("home-screen refresh (10 steps)", refresh),
                ):
                    fn()  # warm the statement cache, as a running app has
                    median, p95 = timed(fn, args.repeat)
                    print(f"{label:34} median {median:7.1f} ms   p95 {p95:7.1f} ms")
        finally:
            db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
