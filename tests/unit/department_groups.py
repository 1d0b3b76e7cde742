"""Four groups in one database, built by hand, with every department figure known.

Today is Wed 25 Nov 2026, so the default period is 26 Nov 2025 to 25 Nov 2026.

    group     members  held/planned  attendance      goals met  review        outcomes
    Alder     3        2 / 4         6/8 = 75%       2          done          Publications 5,
                                                                              Teaching awards 1,
                                                                              Grants submitted 1
    Birch     2        2 / 2         2/2 = 100%      0          overdue       none
    HOSTILE   1        1 / 1         1/1 = 100%      0          not due yet   none
    Dogwood   1        1 / 1         not taken       0          in progress   New leadership
                                                                              positions 1,
                                                                              grants submitted 2

Department: 7 members, 6 of 8 meetings held, attendance 9/11 = 81.8%, 2 goals met,
outcomes 10 (Grants submitted 3: "other" kinds merge by their folded label).

Alder: meetings 14 Jan 2025 and 10 Jun 2025 (before the period; 2025 as a calendar year:
2 held, 2/4 present), 13 Jan 2026 (3 of 4), 10 Mar 2026 (3 of 4), 12 May 2026 cancelled,
25 Nov 2026 (today: planned, not held). Dee left on 30 Jun 2026. Goals: the group's met
by a 100% check-in on 1 Feb 2026; Ann's achieved with no check-in, due 30 Apr 2026; Bo's
met on 1 Oct 2025 (before the period); Cy's still open. Its review of 2025 (Jan to Dec)
was finished on 20 Jan 2026; Ann holds a private reflection with the CANARY, and a
tally's note holds NOTE_CANARY (per-member notes never leave).
Birch first met on 4 Mar 2025 and has no review: overdue since 4 Mar 2026.
HOSTILE first met on 2 Jun 2026: its first review is due on 2 Jun 2027.
Dogwood's review of Sep 2025 to Aug 2026 was started on 1 Oct 2026 and is not finished.
"""

from __future__ import annotations

import datetime as dt

from peergroup.models import (
    Attendance,
    Evaluation,
    Goal,
    GoalCheckin,
    Meeting,
    Member,
    OutcomeTally,
    Reflection,
)
from peergroup.services import groups as groups_svc

TODAY = dt.date(2026, 11, 25)
HOSTILE = '<script>alert("x")</script> **Cedar** | #1 [x](http://evil.example)'
CANARY = "qzxdeptcanaryvwk"
NOTE_CANARY = "qzxtallynotecanary"
NAMES = ("Alder Clinician-Educators", "Birch Hospitalists", HOSTILE, "Dogwood Surgeons")


def build(db) -> dict[str, int]:  # noqa: ANN001
    """The four groups; returns name -> group id."""
    ids = {}
    with db.write() as s:

        def group(name: str, first: dt.date) -> int:
            g = groups_svc.create_group(s, name, timezone="UTC")
            g.first_meeting = first
            s.add(g)
            s.flush()
            ids[name] = g.id
            return g.id

        def members(gid: int, **people: tuple) -> dict[str, int]:
            out = {}
            for name, (status, joined, left) in people.items():
                m = Member(group_id=gid, name=name, status=status, joined_on=joined, left_on=left)
                s.add(m)
                s.flush()
                out[name] = m.id
            return out

        def meeting(gid: int, on: dt.date, status: str = "scheduled", **present: str) -> int:
            m = Meeting(group_id=gid, on=on, start_time=dt.time(7, 30), status=status)
            s.add(m)
            s.flush()
            for who, how in present.items():
                s.add(Attendance(meeting_id=m.id, member_id=people[who], status=how))
            return m.id

        # Alder
        gid = group(NAMES[0], dt.date(2025, 1, 14))
        jan = dt.date(2025, 1, 1)
        people = members(
            gid,
            Ann=("active", jan, None),
            Bo=("active", jan, None),
            Cy=("active", jan, None),
            Dee=("alumni", jan, dt.date(2026, 6, 30)),
        )
        meeting(gid, dt.date(2025, 1, 14))
        meeting(gid, dt.date(2025, 6, 10), Ann="present", Bo="present", Cy="absent")
        first = meeting(
            gid, dt.date(2026, 1, 13), Ann="present", Bo="present", Cy="present", Dee="absent"
        )
        meeting(
            gid, dt.date(2026, 3, 10), Ann="present", Bo="apologies", Cy="present", Dee="present"
        )
        meeting(gid, dt.date(2026, 5, 12), "cancelled")
        meeting(gid, TODAY)
        made = dt.datetime(2025, 2, 1, 12, tzinfo=dt.UTC)
        goals = {}
        for key, kwargs in {
            "group": dict(title="Meet every month", status="achieved"),
            "ann": dict(
                title="Submit a paper",
                member_id=people["Ann"],
                status="achieved",
                due=dt.date(2026, 4, 30),
            ),
            "bo": dict(title="Teaching portfolio", member_id=people["Bo"], status="achieved"),
            "cy": dict(title="Apply for a grant", member_id=people["Cy"]),
        }.items():
            g = Goal(group_id=gid, created_at=made, **kwargs)
            s.add(g)
            s.flush()
            goals[key] = g.id
        s.add(GoalCheckin(goal_id=goals["group"], on=dt.date(2026, 2, 1), progress=100))
        s.add(GoalCheckin(goal_id=goals["bo"], on=dt.date(2025, 10, 1), progress=100))
        ev = Evaluation(
            group_id=gid,
            year=2025,
            period_start=dt.date(2025, 1, 1),
            started_on=dt.date(2026, 1, 5),
            completed_on=dt.date(2026, 1, 20),
            decision="continue",
        )
        s.add(ev)
        s.flush()
        for who, kind, n, label, note in (
            ("Ann", "publications", 3, "", f"Ann's {NOTE_CANARY}"),
            ("Bo", "publications", 2, "", ""),
            ("Cy", "teaching_awards", 1, "", ""),
            ("Ann", "other", 1, "Grants submitted", "R01"),
        ):
            s.add(
                OutcomeTally(
                    evaluation_id=ev.id,
                    member_id=people[who],
                    kind=kind,
                    count=n,
                    label=label,
                    note=note,
                )
            )
        s.add(Reflection(member_id=people["Ann"], meeting_id=first, text=f"Private {CANARY}."))

        # Birch: overdue
        gid = group(NAMES[1], dt.date(2025, 3, 4))
        people = members(
            gid,
            Eli=("active", dt.date(2025, 3, 1), None),
            Fay=("active", dt.date(2025, 3, 1), None),
        )
        meeting(gid, dt.date(2025, 3, 4))
        meeting(gid, dt.date(2026, 2, 3), Eli="present", Fay="present")
        meeting(gid, dt.date(2026, 4, 7))  # attendance not taken

        # The hostile name: young, not due yet
        gid = group(NAMES[2], dt.date(2026, 6, 2))
        people = members(
            gid, Gus=("active", dt.date(2026, 6, 1), None), Hal=("prospective", None, None)
        )
        meeting(gid, dt.date(2026, 6, 2), Gus="present")
        meeting(gid, dt.date(2026, 12, 1))  # after the period

        # Dogwood: a review in progress
        gid = group(NAMES[3], dt.date(2025, 9, 2))
        people = members(gid, Ivy=("active", dt.date(2025, 9, 1), None))
        meeting(gid, dt.date(2025, 9, 2))
        meeting(gid, dt.date(2026, 9, 1))
        ev = Evaluation(
            group_id=gid,
            year=2025,
            period_start=dt.date(2025, 9, 1),
            started_on=dt.date(2026, 10, 1),
        )
        s.add(ev)
        s.flush()
        s.add(
            OutcomeTally(
                evaluation_id=ev.id, member_id=people["Ivy"], kind="leadership_positions", count=1
            )
        )
        s.add(
            OutcomeTally(
                evaluation_id=ev.id,
                member_id=people["Ivy"],
                kind="other",
                label="grants submitted",
                count=2,
            )
        )
    return ids
