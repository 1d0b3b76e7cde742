"""A small group for the curriculum tests: four members, monthly meetings from
January 2027, and a few topics adopted from the catalog."""

from __future__ import annotations

import datetime as dt

from peergroup.services import groups, meetings, membership, roles, topics

FIRST = dt.date(2027, 1, 12)  # second Tuesday; the group's first meeting
TODAY = dt.date(2027, 1, 5)  # a week before it
MEMBERS = ("Ada Byron", "Ben Osei", "Cleo Park", "Dev Rao")
CATALOG = (
    "scholarly-manuscript-critique",  # 3 parts
    "scholarly-irb-basics",  # wants outside input
    "career-salary-negotiation",
    "career-saying-no",
    "navigating-burnout",
    "navigating-trainee-feedback",
    "growth-award-nominations",
    "growth-peer-observation",
)


def build_group(session, *, months: int = 6) -> tuple[int, dict[str, int], dict[str, int]]:  # noqa: ANN001
    """(group id, member name -> id, catalog key -> topic id)."""
    g = groups.create_group(session, "Curriculum crew", timezone="America/New_York")
    meetings.set_logistics(
        session,
        g,
        meetings.LogisticsInput(
            frequency="monthly-nth-weekday",
            weekday="tuesday",
            nth=2,
            start_time="07:30",
            first_meeting=FIRST,
        ),
    )
    people = {}
    for name in MEMBERS:
        m = membership.add_member(
            session,
            g,
            membership.MemberInput(
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                joined_on=dt.date(2026, 9, 1),
            ),
        )
        people[name] = m.id
    meetings.generate_meetings(session, g, months=months, today=FIRST)
    roles.rotate(session, g, today=FIRST)
    adopted = {key: topics.adopt(session, g.id, key) for key in CATALOG}
    return g.id, people, adopted
