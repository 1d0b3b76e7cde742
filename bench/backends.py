#!/usr/bin/env python3
"""SQLite beside PostgreSQL, in the same run, on the same department-sized data.

Builds the search benchmark's corpus (bench/search.py: 20 groups x 10 years of
monthly meetings with minutes, decisions and action items) once in an SQLite
file and once in a fresh PostgreSQL database, then prints for each:
  * the build time
  * the home screen's data (the ten step statuses of one group): median, p95
  * saving 50 KB of minutes (own transaction, re-indexed): median, p95
  * search over all groups (50 queries, 1-2 words): median, p95
and then runs N scribes in N separate processes, each saving the minutes of
its own group's meeting every second for S seconds against one database
(both backends): saves per second, p95 latency, conflicts, and lost text
(a scribe's last saved text must be what the database holds).

The PostgreSQL server is --pg (default: $PEERGROUP_TEST_PG); a database
named peergroup_bench_<pid> is created there and dropped at the end.

Usage: python bench/backends.py [--pg URL] [--groups N] [--years N]
                                [--scribes N] [--seconds S]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search as corpus  # noqa: E402  (bench/search.py: the same data as the search bench)


def _admin(url: str, statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conninfo = u.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as con:
        con.execute(statement)


def _pg_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} {corpus.percentile(values, 95):7.1f}"


def measure(target: str, rng: random.Random, vocab: list[str]) -> dict[str, list[float]]:
    import datetime as dt

    from peergroup.clock import FixedClock
    from peergroup.db import open_database
    from peergroup.models import Meeting
    from peergroup.services import groups as groups_svc
    from peergroup.services import home as home_svc
    from peergroup.services import minutes as minutes_svc
    from peergroup.services import search as search_svc

    today = dt.date(2026, 1, 15)
    db = open_database(target, clock=FixedClock(today))
    out: dict[str, list[float]] = {"home": [], "save50k": [], "search": []}
    try:
        with db.read() as s:
            group = groups_svc.list_groups(s)[0]
            gid = int(group.id or 0)
            home_svc.home_view(s, gid, today)  # the first query configures the mappers
        for _ in range(20):
            t = time.perf_counter()
            with db.read() as s:
                home_svc.home_view(s, gid, today)
            out["home"].append((time.perf_counter() - t) * 1000)
        with db.read() as s:
            meeting = s.exec(
                __import__("sqlmodel").select(Meeting).where(Meeting.group_id == gid)
            ).first()
            mid = int(meeting.id or 0)
            revision = minutes_svc.minutes_row(s, meeting, create=False).revision
        base = corpus.minutes_text(rng, vocab, size=50_000)
        for i in range(20):
            t = time.perf_counter()
            with db.write() as s:
                revision = minutes_svc.save_minutes(s, mid, base + f" edit {i}", revision).revision
            out["save50k"].append((time.perf_counter() - t) * 1000)
        queries = []
        for i in range(50):
            pool = corpus.DOMAIN if i % 3 else vocab
            queries.append(" ".join(rng.choice(pool) for _ in range(1 + (i % 2))))
        with db.read() as s:
            search_svc.search(s, "warm up")
        for q in queries:
            t = time.perf_counter()
            with db.read() as s:
                search_svc.search(s, q, limit=20)
            out["search"].append((time.perf_counter() - t) * 1000)
    finally:
        db.close()
    return out


def scribe(target: str, index: int, seconds: float, start_at: float, results: mp.Queue) -> None:
    from sqlmodel import select

    from peergroup.db import open_database
    from peergroup.errors import DatabaseBusy
    from peergroup.models import Group, Meeting, Minutes, MinutesConflict
    from peergroup.services import minutes as minutes_svc

    db = open_database(target, busy_timeout_ms=15_000)
    with db.read() as s:
        groups = list(s.exec(select(Group).order_by(Group.id)))
        group = groups[index % len(groups)]
        meeting = s.exec(
            select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.on.desc())
        ).first()
        mid = int(meeting.id or 0)
        row = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).first()
        revision = row.revision if row else 0
    text = f"Scribe {index}:"
    latencies: list[float] = []
    conflicts = busy = 0
    time.sleep(max(0.0, start_at - time.time()))
    end = time.time() + seconds
    tick = time.time()
    while time.time() < end:
        text += f" line {len(latencies)} typed at {time.time():.3f}."
        t = time.perf_counter()
        try:
            with db.write() as s:
                result = minutes_svc.save_minutes(s, mid, text, revision)
            revision = result.revision
            conflicts += int(result.conflict)
            latencies.append((time.perf_counter() - t) * 1000)
        except DatabaseBusy:
            busy += 1
        tick += 1.0
        time.sleep(max(0.0, tick - time.time()))
    with db.read() as s:
        row = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one()
        kept = {
            c.text
            for c in s.exec(select(MinutesConflict).where(MinutesConflict.minutes_id == row.id))
        }
    db.close()
    results.put((latencies, conflicts, busy, int(row.text != text and text not in kept)))


def scribes(target: str, n: int, seconds: float) -> tuple[float, list[float], int, int, int]:
    ctx = mp.get_context("spawn")
    results: mp.Queue = ctx.Queue()
    start_at = time.time() + 8.0  # every process has imported and connected by then
    procs = [
        ctx.Process(target=scribe, args=(target, i, seconds, start_at, results)) for i in range(n)
    ]
    for p in procs:
        p.start()
    gathered = [results.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    latencies = [x for g in gathered for x in g[0]]
    return (
        len(latencies) / seconds,
        latencies,
        sum(g[1] for g in gathered),
        sum(g[2] for g in gathered),
        sum(g[3] for g in gathered),
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=os.environ.get("PEERGROUP_TEST_PG"))
    ap.add_argument("--groups", type=int, default=20)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--scribes", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    if not args.pg:
        ap.error("give a PostgreSQL server with --pg URL (or set PEERGROUP_TEST_PG)")
    if args.scribes > args.groups:
        ap.error("each scribe writes its own group's minutes: --scribes at most --groups")

    name = f"peergroup_bench_{os.getpid()}"
    _admin(args.pg, f"CREATE DATABASE {name}")
    pg = _pg_database(args.pg, name)
    rows = {}
    try:
        with tempfile.TemporaryDirectory(prefix="peergroup-bench-") as tmp:
            targets = {"SQLite": str(Path(tmp) / "bench.db"), "PostgreSQL": pg}
            for label, target in targets.items():
                rng = random.Random(args.seed)
                vocab = corpus.make_vocabulary(rng)
                t = time.perf_counter()
                corpus.build(target, args.groups, args.years, rng, vocab)  # type: ignore[arg-type]
                build_s = time.perf_counter() - t
                rows[label] = (build_s, measure(target, rng, vocab))
            print(
                f"{args.groups} groups x {args.years} years of monthly meetings "
                f"(python {sys.version.split()[0]}); times in ms: median p95"
            )
            print(f"  {'':34} {'SQLite':>15}   {'PostgreSQL':>15}")
            print(f"  {'build (s)':34} {rows['SQLite'][0]:15.1f}   {rows['PostgreSQL'][0]:15.1f}")
            for key, label in (
                ("home", "home screen data (10 statuses)"),
                ("save50k", "save 50 KB of minutes"),
                ("search", "search, all groups (50 queries)"),
            ):
                print(
                    f"  {label:34} {ms(rows['SQLite'][1][key])}   {ms(rows['PostgreSQL'][1][key])}"
                )
            print(
                f"\n{args.scribes} scribes, one process each, saving every second for "
                f"{args.seconds:.0f} s:"
            )
            for label, target in targets.items():
                rate, lat, conflicts, busy, lost = scribes(target, args.scribes, args.seconds)
                print(
                    f"  {label:11} {rate:5.1f} saves/s, latency median "
                    f"{statistics.median(lat):.1f} ms p95 {corpus.percentile(lat, 95):.1f} ms "
                    f"max {max(lat):.1f} ms; conflicts {conflicts}, busy {busy}, lost text {lost}"
                )
    finally:
        _admin(args.pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
