#!/usr/bin/env python3
"""Full-text search at department scale.

Builds, in a temporary folder, a database with 20 groups x 10 years of
monthly meetings, each with ~2 KB of minutes, decisions and action items
(text drawn deterministically from a word list), then prints:
  * the build time (rows go through the FTS5 triggers, as in real use)
  * search latency, median and p95, over 50 one- and two-word queries,
    across all groups and within one group
  * the latency of one minutes save (an autosave re-indexes the minutes)

Usage: python bench/search.py [--groups N] [--years N] [--queries N] [--seed N]
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

COMMON = """
the a and of to in we for on with is that it as was be at by this from are our group meeting
members discussed agreed next time plan will should about more need have each one two three
""".split()  # noqa: SIM905  (easier to edit as prose)
DOMAIN = """
promotion dossier portfolio curriculum residency clerkship teaching feedback mentoring mentor
scholarship manuscript abstract workshop grant budget sabbatical fellowship leadership burnout
wellness schedule clinic wards learners students residents evaluation survey outcomes chair
division department committee review revision deadline submission journal conference poster
presentation authorship collaboration ultrasound simulation bedside rounds precepting coaching
reflection values compassion meaning balance boundaries negotiation salary protected time
recruitment retention diversity inclusion equity belonging identity networking sponsorship
letters recommendation educator track tenure rank associate assistant professor director program
milestones competencies assessment remediation struggling learner observation narrative
""".split()  # noqa: SIM905  (easier to edit as prose)


def make_vocabulary(rng: random.Random) -> list[str]:
    """Domain words plus a long tail of invented ones, so some terms are rare."""
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "shi", "pe", "dra", "nu", "quo", "zel"]
    tail = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(3000)}
    return DOMAIN + sorted(tail)


def sentence(rng: random.Random, vocab: list[str], words: int) -> str:
    out = []
    for _ in range(words):
        # Zipf-like: common words often, domain words sometimes, the tail rarely.
        r = rng.random()
        if r < 0.45:
            out.append(rng.choice(COMMON))
        elif r < 0.85:
            out.append(rng.choice(DOMAIN))
        else:
            out.append(rng.choice(vocab))
    return " ".join(out).capitalize() + "."


def minutes_text(rng: random.Random, vocab: list[str], size: int = 2000) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < size:
        parts.append(sentence(rng, vocab, rng.randint(8, 20)))
        if rng.random() < 0.2:
            parts.append("\n")
    return " ".join(parts)


def build(
    path: Path, groups: int, years: int, rng: random.Random, vocab: list[str]
) -> dict[str, int]:
    from peergroup.db import open_database
    from peergroup.models import ActionItem, Decision, Meeting, Minutes
    from peergroup.services import groups as groups_svc
    from peergroup.services import membership as membership_svc

    db = open_database(path, create=True)
    counts = {"meetings": 0, "minutes_chars": 0, "decisions": 0, "actions": 0}
    first_year = 2016
    try:
        for g in range(groups):
            with db.write() as s:  # one transaction per group, as an import would be
                group = groups_svc.create_group(s, f"Peer group {g + 1:02d}", timezone="UTC")
                members = [
                    membership_svc.add_member(
                        s,
                        group,
                        membership_svc.MemberInput(
                            name=f"Member {g + 1}-{i + 1}", joined_on=dt.date(first_year, 1, 1)
                        ),
                    )
                    for i in range(8)
                ]
                for y in range(years):
                    for month in range(1, 13):
                        on = dt.date(first_year + y, month, 10)
                        m = Meeting(
                            group_id=group.id, on=on, series_date=on, start_time=dt.time(7, 30)
                        )
                        s.add(m)
                        s.flush()
                        text = minutes_text(rng, vocab)
                        s.add(
                            Minutes(
                                meeting_id=m.id,
                                text=text,
                                revision=1,
                                scribe_id=rng.choice(members).id,
                            )
                        )
                        for _ in range(rng.randint(1, 3)):
                            s.add(
                                Decision(
                                    meeting_id=m.id, text=sentence(rng, vocab, rng.randint(6, 14))
                                )
                            )
                            counts["decisions"] += 1
                        for _ in range(rng.randint(1, 4)):
                            s.add(
                                ActionItem(
                                    group_id=group.id,
                                    meeting_id=m.id,
                                    owner_id=rng.choice(members).id,
                                    text=sentence(rng, vocab, rng.randint(5, 12)),
                                    status=rng.choice(["open", "done", "done", "dropped"]),
                                )
                            )
                            counts["actions"] += 1
                        counts["meetings"] += 1
                        counts["minutes_chars"] += len(text)
    finally:
        db.close()
    return counts


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=20)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    vocab = make_vocabulary(rng)
    with tempfile.TemporaryDirectory(prefix="peergroup-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        counts = build(path, args.groups, args.years, rng, vocab)
        build_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6

        from peergroup.db import open_database
        from peergroup.models import Meeting
        from peergroup.services import groups as groups_svc
        from peergroup.services import minutes as minutes_svc
        from peergroup.services import search as search_svc
        from peergroup.services import tracking as tracking_svc

        queries = []
        for i in range(args.queries):
            pool = DOMAIN if i % 3 else vocab  # a third may hit the rare tail
            words = [rng.choice(pool) for _ in range(1 + (i % 2))]
            queries.append(" ".join(words))

        db = open_database(path)
        try:
            with db.write() as s:
                one_group = groups_svc.list_groups(s)[0]
                search_svc.search(s, "warm up")  # first query loads the index pages
                all_times, group_times, hits = [], [], []
                for q in queries:
                    t = time.perf_counter()
                    found = search_svc.search(s, q, limit=20)
                    all_times.append((time.perf_counter() - t) * 1000)
                    hits.append(len(found))
                    t = time.perf_counter()
                    search_svc.search(s, q, group=one_group, limit=20)
                    group_times.append((time.perf_counter() - t) * 1000)
            save_times = []
            with db.write() as s:
                meeting = tracking_svc.running_list(s, one_group)[-1]
                revision = minutes_svc.open_meeting(s, s.get(Meeting, meeting.meeting_id)).revision
            base = minutes_text(rng, vocab)
            for i in range(20):
                t = time.perf_counter()
                with db.write() as s:
                    revision = minutes_svc.save_minutes(
                        s, meeting.meeting_id, base + f" edit {i}", revision
                    ).revision
                save_times.append((time.perf_counter() - t) * 1000)
        finally:
            db.close()

    print(
        f"database: {args.groups} groups x {args.years} years, {counts['meetings']:,} meetings, "
        f"{counts['minutes_chars'] / 1e6:.1f} M characters of minutes, {counts['decisions']:,} decisions, "
        f"{counts['actions']:,} action items; {size_mb:.1f} MB on disk"
    )
    print(f"build (through the index triggers): {build_s:.1f} s")
    print(
        f"search, all groups  ({len(queries)} queries, 1-2 words, limit 20): "
        f"median {statistics.median(all_times):.1f} ms, p95 {percentile(all_times, 95):.1f} ms, "
        f"max {max(all_times):.1f} ms; median {statistics.median(hits):.0f} hits"
    )
    print(
        f"search, one group: median {statistics.median(group_times):.1f} ms, "
        f"p95 {percentile(group_times, 95):.1f} ms"
    )
    print(
        f"save of ~2 KB minutes (own transaction, re-indexed): median {statistics.median(save_times):.1f} ms, "
        f"p95 {percentile(save_times, 95):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
