"""A small group built by hand for the yearly review's tests, with every figure known.

Harbour Lights meets on the second Tuesday of each month, from 9 Sep 2025, so
its first review year is Sep 2025 to Aug 2026 (twelve meetings; December's was
cancelled). One more meeting, on 8 Sep 2026, belongs to the next year.

Attendance was taken at four meetings:

    meeting      members on the day          present            rate
    9 Sep 2025   Ada Ben Cleo Eve             all four           4/4
    14 Oct 2025  Ada Ben Cleo Eve             Ada Eve            2/4  (Ben apologies, Cleo absent)
    10 Feb 2026  Ada Ben Cleo Dev Eve         Ada Ben Cleo Dev   4/5  (Eve apologies)
    10 Mar 2026  Ada Ben Cleo Dev (Eve left)  Ada Dev            2/4

so the year's rate is 12/17 = 70.6%; per member: Ada 4/4, Ben 2/4, Cleo 2/4,
Dev 2/2 (joined in January), Eve 2/3 (left on 1 March).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peergroup.models import (
    ActionItem,
    Attendance,
    Expert,
    ExpertInvitation,
    Goal,
    GoalCheckin,
    Meeting,
    Member,
    Minutes,
    RoleAssignment,
    Topic,
)
from peergroup.services import groups as groups_svc
from peergroup.services import roles as roles_svc

FIRST = dt.date(2025, 9, 9)
YEAR_DATES = [
    dt.date(2025, 9, 9),
    dt.date(2025, 10, 14),
    dt.date(2025, 11, 11),
    dt.date(2025, 12, 9),  # cancelled
    dt.date(2026, 1, 13),
    dt.date(2026, 2, 10),
    dt.date(2026, 3, 10),
    dt.date(2026, 4, 14),
    dt.date(2026, 5, 12),
    dt.date(2026, 6, 9),
    dt.date(2026, 7, 14),
    dt.date(2026, 8, 11),
]
NEXT_YEAR = dt.date(2026, 9, 8)
UTC_NOON = dt.time(12, tzinfo=dt.UTC)


@dataclass
class Built:
    group_id: int
    members: dict[str, int]
    meetings: dict[dt.date, int]
    goals: dict[str, int]


def build(db, *, with_goals: bool = True) -> Built:  # noqa: ANN001
    with db.write() as s:
        group = groups_svc.create_group(s, "Harbour Lights", timezone="UTC")
        group.first_meeting = FIRST
        s.add(group)
        gid = group.id
        people = {
            "Ada": ("active", dt.date(2025, 9, 1), None),
            "Ben": ("active", dt.date(2025, 9, 1), None),
            "Cleo": ("active", dt.date(2025, 9, 1), None),
            "Dev": ("active", dt.date(2026, 1, 15), None),
            "Eve": ("alumni", dt.date(2025, 9, 1), dt.date(2026, 3, 1)),
            "Finn": ("prospective", None, None),
        }
        members = {}
        for name, (status, joined, left) in people.items():
            m = Member(group_id=gid, name=name, status=status, joined_on=joined, left_on=left)
            s.add(m)
            s.flush()
            members[name] = m.id
        meetings = {}
        for day in [*YEAR_DATES, NEXT_YEAR]:
            m = Meeting(
                group_id=gid,
                on=day,
                start_time=dt.time(7, 30),
                status="cancelled" if day == dt.date(2025, 12, 9) else "scheduled",
            )
            s.add(m)
            s.flush()
            meetings[day] = m.id

        def attend(day: dt.date, **statuses: str) -> None:
            for name, status in statuses.items():
                s.add(Attendance(meeting_id=meetings[day], member_id=members[name], status=status))

        attend(YEAR_DATES[0], Ada="present", Ben="present", Cleo="present", Eve="present")
        attend(YEAR_DATES[1], Ada="present", Ben="apologies", Cleo="absent", Eve="present")
        attend(
            YEAR_DATES[5],
            Ada="present",
            Ben="present",
            Cleo="present",
            Dev="present",
            Eve="apologies",
        )
        attend(YEAR_DATES[6], Ada="present", Dev="present")
        attend(NEXT_YEAR, Ada="present")  # the next year: never counted here

        finalised = dt.datetime(2025, 9, 10, 12, tzinfo=dt.UTC)
        s.add(Minutes(meeting_id=meetings[YEAR_DATES[0]], text="Kick-off.", finalised_at=finalised))
        s.add(Minutes(meeting_id=meetings[YEAR_DATES[1]], text="Portfolios."))
        s.add(Minutes(meeting_id=meetings[YEAR_DATES[5]], text="Grants."))
        s.add(Minutes(meeting_id=meetings[YEAR_DATES[2]], text="   "))  # empty: not minutes
        s.add(Minutes(meeting_id=meetings[YEAR_DATES[3]], text="Cancelled, but typed."))

        def item(day: dt.date, text: str, status: str = "open", due: dt.date | None = None) -> None:
            s.add(
                ActionItem(
                    group_id=gid,
                    meeting_id=meetings[day],
                    owner_id=members["Ada"],
                    text=text,
                    status=status,
                    due=due,
                )
            )

        item(YEAR_DATES[0], "Send the template", "done")
        item(YEAR_DATES[0], "Ask the chair", "open", dt.date(2025, 10, 1))  # overdue
        item(YEAR_DATES[1], "Book a speaker")  # open, no due date
        item(NEXT_YEAR, "Next year's item")

        career = Topic(group_id=gid, family="career", title="Promotion")
        scholarly = Topic(group_id=gid, family="scholarly", title="Writing")
        s.add(career)
        s.add(scholarly)
        s.flush()
        for day, topic in (
            (YEAR_DATES[0], career),
            (YEAR_DATES[1], scholarly),
            (YEAR_DATES[5], scholarly),
            (YEAR_DATES[3], career),  # cancelled: not covered
        ):
            m = s.get(Meeting, meetings[day])
            m.topic_id = topic.id
            s.add(m)
        lena = Expert(group_id=gid, name="Dr Lena Ortiz")
        raj = Expert(group_id=gid, name="Raj Patel")
        s.add(lena)
        s.add(raj)
        s.flush()
        s.add(
            ExpertInvitation(
                expert_id=lena.id, meeting_id=meetings[YEAR_DATES[1]], status="attended"
            )
        )
        s.add(
            ExpertInvitation(expert_id=raj.id, meeting_id=meetings[YEAR_DATES[5]], status="invited")
        )

        scribe = roles_svc.role_by_key(s, gid, "scribe")
        for day, name in ((YEAR_DATES[0], "Ada"), (YEAR_DATES[1], "Ben"), (YEAR_DATES[5], "Ada")):
            s.add(
                RoleAssignment(meeting_id=meetings[day], role_id=scribe.id, member_id=members[name])
            )

        goals = {}
        if with_goals:
            made = dt.datetime(2025, 9, 9, 12, tzinfo=dt.UTC)
            for key, kwargs in {
                "group": dict(title="Meet every month", due=dt.date(2026, 6, 30)),
                "ada": dict(title="Submit a paper", member_id=members["Ada"], status="achieved"),
                "ben_old": dict(
                    title="An old plan",
                    member_id=members["Ben"],
                    status="dropped",
                    due=dt.date(2025, 5, 1),
                ),
                "late": dict(title="A goal from after the year"),
            }.items():
                g = Goal(group_id=gid, created_at=made, **kwargs)
                if key == "late":
                    g.created_at = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)
                s.add(g)
                s.flush()
                goals[key] = g.id
            s.add(GoalCheckin(goal_id=goals["ada"], on=dt.date(2026, 2, 1), progress=100))
        return Built(gid, members, meetings, goals)
