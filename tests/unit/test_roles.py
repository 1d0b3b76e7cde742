"""Roles are shared out fairly over the upcoming meetings."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peergroup.models import Attendance
from peergroup.services import groups, meetings, membership, roles

START = dt.date(2027, 1, 5)


def _group(session, n_members: int, n_meetings: int = 12):  # noqa: ANN001, ANN202
    g = groups.create_group(session, f"G{n_members}-{n_meetings}", timezone="America/New_York")
    people = [
        membership.add_member(
            session, g, membership.MemberInput(name=f"Member {i:02d}", joined_on="2026-01-01")
        )
        for i in range(n_members)
    ]
    meetings.set_logistics(
        session,
        g,
        meetings.LogisticsInput(
            frequency="weekly", weekday="tuesday", start_time="07:30", first_meeting=START
        ),
    )
    created = meetings.generate_meetings(session, g, months=12, today=START)[:n_meetings]
    for extra in meetings.list_meetings(session, g)[n_meetings:]:
        meetings.cancel_meeting(session, extra)
    return g, people, created


def _counts(session, g, role: str) -> list[int]:  # noqa: ANN001
    return [
        c.planned[role] for c in roles.role_counts(session, g, today=START) if c.status == "active"
    ]


# make_db hands out a new database on every call, so sharing it between
# examples is safe.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_members=st.integers(min_value=2, max_value=12),
    n_meetings=st.integers(min_value=1, max_value=30),
)
def test_rotation_keeps_counts_within_one_when_everyone_is_available(
    make_db, n_members, n_meetings
):
    db = make_db()
    try:
        with db.write() as s:
            g, _people, _m = _group(s, n_members, n_meetings)
            roles.rotate(s, g, today=START)
            for role in ("Scribe", "Discussion lead"):
                counts = _counts(s, g, role)
                assert sum(counts) == n_meetings
                assert max(counts) - min(counts) <= 1
    finally:
        db.close()


def test_rotation_skips_apologies_and_members_who_left(db):
    with db.write() as s:
        g, people, created = _group(s, 4, 8)
        s.add(Attendance(meeting_id=created[0].id, member_id=people[0].id, status="apologies"))
        membership.member_leaves(s, people[3], START + dt.timedelta(days=1))
        roles.rotate(s, g, today=START)
        first_scribe = roles.holder_name(s, created[0], "Scribe")
        assert first_scribe != "Member 00"
        later = [roles.holder_name(s, m, "Scribe") for m in created[1:]]
        assert "Member 03" not in later
        assert roles.holder_name(s, created[0], "Discussion lead") != first_scribe


def test_a_manual_assignment_survives_rotation_and_is_counted(db):
    with db.write() as s:
        g, people, created = _group(s, 3, 6)
        scribe = roles.find_role(s, g, "Scribe")
        roles.assign(s, created[2], scribe, people[2])
        roles.rotate(s, g, today=START)
        roles.rotate(s, g, today=START)  # idempotent
        assert roles.holder_name(s, created[2], "Scribe") == "Member 02"
        counts = _counts(s, g, "Scribe")
        assert sorted(counts) == [2, 2, 2]


def test_assigning_someone_who_is_not_a_member_that_day_is_refused(db):
    import pytest

    from peergroup.errors import InputError

    with db.write() as s:
        g, people, created = _group(s, 3, 3)
        membership.member_leaves(s, people[0], START)
        with pytest.raises(InputError, match="not a member on"):
            roles.assign(s, created[1], roles.find_role(s, g, "Scribe"), people[0])


def test_custom_roles_rotate_too(db):
    with db.write() as s:
        g, _people, created = _group(s, 3, 3)
        roles.add_role(s, g, "Timekeeper", rotates=True)
        roles.rotate(s, g, today=START)
        assert {roles.holder_name(s, m, "Timekeeper") for m in created} == {
            "Member 00",
            "Member 01",
            "Member 02",
        }
