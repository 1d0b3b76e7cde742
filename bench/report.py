#!/usr/bin/env python3
"""The annual report for a long-lived group, beside exporting its minutes.

Builds, in a temporary folder, one group of 12 members that has met monthly
for 10 years: every meeting with attendance, ~1.5 KB of minutes and two action
items, and a finished yearly review for each year (verdicts on six goals, ten
members' survey answers, a dozen tallies). Then prints, from the same run and
database:

  * the annual report of the latest review as HTML and as Markdown (its
    figures, compared with the nine earlier years, with charts)
  * the minutes of all 120 meetings exported as Markdown (the existing export)

Usage: python bench/report.py [--runs N] [--years N]
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

MEMBERS = 12
WORDS = """
promotion dossier portfolio curriculum residency clerkship teaching feedback mentoring
scholarship manuscript abstract workshop grant leadership wellness schedule clinic
learners students residents evaluation survey outcomes chair division committee review
""".split()  # noqa: SIM905  (easier to edit as prose)


def text(rng: random.Random, size: int) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < size:
        out.append(rng.choice(WORDS))
    return " ".join(out).capitalize() + "."


def build(path: Path, years: int, rng: random.Random) -> tuple[int, int, dt.date]:
    from peergroup import clock, content
    from peergroup.db import open_database
    from peergroup.models import ActionItem, Attendance, Goal, Minutes, OutcomeTally
    from peergroup.services import groups, meetings, membership, review, review_goals, survey

    start = dt.date(2016, 9, 13)
    today = start.replace(year=start.year + years) + dt.timedelta(days=60)
    db = open_database(path, create=True, clock=clock.FixedClock(today))
    with db.write() as s:
        g = groups.create_group(s, "Bench group", timezone="America/New_York")
        members = [
            membership.add_member(
                s, g, membership.MemberInput(name=f"Member {i:02d}", joined_on=start)
            ).id
            for i in range(MEMBERS)
        ]
        meetings.set_logistics(
            s,
            g,
            meetings.LogisticsInput(
                frequency="monthly-nth-weekday",
                weekday="tuesday",
                nth=2,
                start_time="07:30",
                first_meeting=start,
            ),
        )
        held = meetings.generate_meetings(s, g, months=12 * years, today=start)
        for m in held:
            for mid in members:
                status = "present" if rng.random() < 0.8 else rng.choice(["apologies", "absent"])
                s.add(Attendance(meeting_id=m.id, member_id=mid, status=status))
            s.add(Minutes(meeting_id=m.id, text=text(rng, 1500)))
            for _ in range(2):
                s.add(
                    ActionItem(
                        group_id=g.id,
                        meeting_id=m.id,
                        owner_id=rng.choice(members),
                        text=text(rng, 60),
                        status=rng.choice(["open", "done", "done"]),
                        due=m.on + dt.timedelta(days=28),
                    )
                )
        group_id = g.id
    items = [i["key"] for i in content.survey_items()]
    kinds = [k["key"] for k in content.outcome_kinds()]
    for y in range(years):
        first = dt.date(start.year + y, 9, 1)
        finished = first.replace(year=first.year + 1) + dt.timedelta(days=20)
        with db.write() as s:
            for k in range(6):
                s.add(
                    Goal(
                        group_id=group_id,
                        member_id=members[k] if k else None,
                        title=f"Goal {y}-{k}",
                        due=first + dt.timedelta(days=200),
                        created_at=dt.datetime(first.year, 9, 2, tzinfo=dt.UTC),
                    )
                )
            s.flush()
            ev_id = review.start_review(s, group_id, first, finished).id
            for row in review_goals.review_goal_rows(s, ev_id):
                review_goals.record_verdict(
                    s, ev_id, row.key, rng.choice(["met", "partly", "dropped"])
                )
            for mid in members[:10]:
                survey.answer(s, ev_id, mid, {key: rng.randint(2, 5) for key in items})
            for _ in range(12):
                s.add(
                    OutcomeTally(
                        evaluation_id=ev_id,
                        member_id=rng.choice(members),
                        kind=rng.choice(kinds),
                        label=f"{rng.random()}",  # one row each
                        count=rng.randint(1, 3),
                    )
                )
            review.set_decision(s, ev_id, "continue")
            review.finish_review(s, ev_id, finished)
    db.close()
    return group_id, len(held), today


def one_run(folder: Path, years: int, seed: int) -> dict[str, float]:
    from peergroup.clock import FixedClock
    from peergroup.db import open_database
    from peergroup.export import minutes_md
    from peergroup.services import annual_report, groups, review, review_figures

    rng = random.Random(seed)
    t = time.perf_counter()
    group_id, count, today = build(folder / "bench.db", years, rng)
    out = {"build": time.perf_counter() - t, "meetings": count}
    db = open_database(folder / "bench.db", clock=FixedClock(today))
    try:
        for fmt in ("html", "md"):
            t = time.perf_counter()
            with db.read() as s:
                data, _label = annual_report.yearly_report(
                    s, groups.get_group(s, group_id), None, fmt, today
                )
            out[f"report_{fmt}"] = time.perf_counter() - t
            out[f"bytes_{fmt}"] = len(data)
        t = time.perf_counter()
        with db.read() as s:  # what finished reviews keep frozen, computed from the records
            group = groups.get_group(s, group_id)
            for ev in review.list_reviews(s, group):
                review_figures.compute(s, group, ev.period_start, today)
        out["live"] = time.perf_counter() - t
        t = time.perf_counter()
        with db.read() as s:
            data, n = minutes_md.minutes_document(s, groups.get_group(s, group_id), end=today)
        out["minutes"] = time.perf_counter() - t
        out["bytes_minutes"] = len(data)
        assert n == count
    finally:
        db.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--years", type=int, default=10)
    args = ap.parse_args()
    results = []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            results.append(one_run(Path(d), args.years, seed=i))
    first = results[0]
    print(
        f"{args.years} years of monthly meetings, {MEMBERS} members: {first['meetings']:.0f} "
        f"meetings, {args.years} yearly reviews; medians over {args.runs} runs "
        f"(build {statistics.median(r['build'] for r in results):.1f} s)"
    )
    rows: tuple[tuple[str, str, str | None], ...] = (
        ("report_html", "annual report, HTML with charts", "bytes_html"),
        ("report_md", "annual report, Markdown", "bytes_md"),
        ("live", "every year's activity figures, computed live", None),
        ("minutes", "all minutes as Markdown (export minutes)", "bytes_minutes"),
    )
    for key, label, size in rows:
        ms = statistics.median(r[key] for r in results) * 1000
        kib = f"{first[size] / 1024:7.0f} KiB" if size else ""
        print(f"  {label:<46} {ms:8.1f} ms  {kib}")


if __name__ == "__main__":
    main()
