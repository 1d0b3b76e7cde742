"""The group's calendar, read back by a reader independent of icalendar (vobject)."""

from __future__ import annotations

import datetime as dt

import vobject

from peergroup import content, groupfile
from peergroup.db import open_database
from peergroup.services import calendar_export, groups, meetings, membership, roles

UTC = dt.UTC


def _events(data: bytes) -> dict[str, object]:
    cal = vobject.readOne(data.decode("utf-8"))
    return {ev.uid.value: ev for ev in cal.vevent_list}


def _weekly_over_dst(session):  # noqa: ANN001, ANN202
    g = groups.create_group(session, "DST crew", timezone="America/New_York")
    membership.add_member(session, g, membership.MemberInput(name="Ana", joined_on="2026-01-01"))
    membership.add_member(session, g, membership.MemberInput(name="Ben", joined_on="2026-01-01"))
    meetings.set_logistics(
        session,
        g,
        meetings.LogisticsInput(
            frequency="weekly", weekday="tuesday", start_time="07:30", first_meeting="2027-03-02"
        ),
    )
    meetings.generate_meetings(session, g, months=1, today=dt.date(2027, 3, 2))
    roles.rotate(session, g, today=dt.date(2027, 3, 2))
    return g


def test_times_on_both_sides_of_spring_forward_as_vobject_reads_them(db):
    with db.write() as s:
        g = _weekly_over_dst(s)
        data, count = calendar_export.group_calendar(s, g)
    events = _events(data)
    assert count == len(events) == 5  # 2, 9, 16, 23, 30 March 2027
    starts = sorted(ev.dtstart.value.astimezone(UTC) for ev in events.values())
    assert starts[0] == dt.datetime(2027, 3, 2, 12, 30, tzinfo=UTC)  # 07:30 EST
    assert starts[1] == dt.datetime(2027, 3, 9, 12, 30, tzinfo=UTC)
    assert starts[2] == dt.datetime(2027, 3, 16, 11, 30, tzinfo=UTC)  # 07:30 EDT
    for ev in events.values():
        assert ev.dtstart.value.hour == 7 and ev.dtstart.value.minute == 30
        assert "Scribe:" in ev.description.value


def test_moved_and_cancelled_meetings_come_out_right_after_reexport(db):
    with db.write() as s:
        g = _weekly_over_dst(s)
        data1, _ = calendar_export.group_calendar(s, g)
        ms = meetings.list_meetings(s, g)
        moved, cancelled = ms[1], ms[2]
        meetings.move_meeting(s, moved, "2027-03-11", "08:00")
        meetings.cancel_meeting(s, cancelled)
        data2, count2 = calendar_export.group_calendar(s, g)
        moved_uid, cancelled_uid = moved.uid, cancelled.uid
    before, after = _events(data1), _events(data2)
    assert set(before) == set(after)  # same UIDs: clients update instead of duplicating
    assert count2 == 5
    m = after[moved_uid]
    assert m.dtstart.value.astimezone(UTC) == dt.datetime(2027, 3, 11, 13, 0, tzinfo=UTC)
    assert int(m.sequence.value) > int(before[moved_uid].sequence.value)
    c = after[cancelled_uid]
    assert c.status.value == "CANCELLED"
    assert int(c.sequence.value) > int(before[cancelled_uid].sequence.value)
    untouched = [u for u in after if u not in (moved_uid, cancelled_uid)]
    for u in untouched:
        assert after[u].sequence.value == before[u].sequence.value
        assert after[u].status.value == "CONFIRMED"


def test_member_calendar_names_their_roles_and_skips_meetings_before_they_joined(db):
    with db.write() as s:
        g = _weekly_over_dst(s)
        late = membership.add_member(
            s, g, membership.MemberInput(name="Cleo", joined_on="2027-03-20")
        )
        roles.rotate(s, g, today=dt.date(2027, 3, 2))
        data, count = calendar_export.group_calendar(s, g, member=late)
    events = _events(data)
    assert count == 2  # 23 and 30 March
    assert any("(you: " in ev.summary.value for ev in events.values())


def test_same_group_file_gives_a_byte_identical_calendar(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    outputs = []
    for name in ("a.db", "b.db"):
        db = open_database(tmp_path / name, create=True)
        with db.write() as s:
            g = groupfile.import_group(s, groupfile.read(content.demo_group_file()))
            outputs.append(calendar_export.group_calendar(s, g)[0])
        db.close()
    assert outputs[0] == outputs[1]
    assert b"DTSTAMP:20260921T141320Z" in outputs[0]


def test_user_text_with_ics_syntax_cannot_add_properties(db):
    nasty = 'Plan, "review"; next\r\nSTATUS:CANCELLED\rBEGIN:VEVENT\\'
    with db.write() as s:
        g = _weekly_over_dst(s)
        g.place = nasty
        for m in meetings.list_meetings(s, g):
            m.title = nasty
        data, count = calendar_export.group_calendar(s, g)
    events = _events(data)
    assert len(events) == count == 5
    for ev in events.values():
        assert ev.status.value == "CONFIRMED"
        assert ev.summary.value == "DST crew: " + nasty.replace("\r\n", "\n").replace("\r", "\n")


def _relogistics(session, g, today, **change):  # noqa: ANN001
    spec = dict(
        frequency="weekly", weekday="tuesday", start_time="07:30", first_meeting="2027-03-02"
    )
    spec.update(change)
    meetings.set_logistics(session, g, meetings.LogisticsInput(**spec), today=today)


def test_a_new_time_zone_moves_every_future_event_with_a_higher_sequence(db):
    today = dt.date(2027, 3, 10)  # between the 9 and 16 March meetings
    with db.write() as s:
        g = _weekly_over_dst(s)
        ms = meetings.list_meetings(s, g)
        meetings.move_meeting(s, ms[3], "2027-03-24", "12:00")  # moved by hand
        data1, _ = calendar_export.group_calendar(s, g)
        _relogistics(s, g, today, timezone="Europe/London")
        data2, _ = calendar_export.group_calendar(s, g)
        past = {m.uid for m in ms if m.on < today}
        moved_uid = ms[3].uid
    before, after = _events(data1), _events(data2)
    assert set(before) == set(after)
    for uid, ev in after.items():
        if uid in past:
            continue
        assert int(ev.sequence.value) > int(before[uid].sequence.value), uid
        assert ev.dtstart.value.astimezone(UTC) != before[uid].dtstart.value.astimezone(UTC)
    # 07:30 in London (GMT before 28 March, BST after); the moved one keeps its 12:00
    starts = {uid: after[uid].dtstart.value.astimezone(UTC) for uid in after}
    assert sorted(v for u, v in starts.items() if u not in past and u != moved_uid) == [
        dt.datetime(2027, 3, 16, 7, 30, tzinfo=UTC),
        dt.datetime(2027, 3, 30, 6, 30, tzinfo=UTC),
    ]
    assert starts[moved_uid] == dt.datetime(2027, 3, 24, 12, 0, tzinfo=UTC)


def test_a_new_start_time_raises_the_sequence_only_where_the_start_changes(db):
    today = dt.date(2027, 3, 10)
    with db.write() as s:
        g = _weekly_over_dst(s)
        ms = meetings.list_meetings(s, g)
        meetings.move_meeting(s, ms[3], "2027-03-24", "12:00")  # keeps its own time
        data1, _ = calendar_export.group_calendar(s, g)
        _relogistics(s, g, today, start_time="08:00")
        data2, _ = calendar_export.group_calendar(s, g)
        future = {m.uid for m in ms if m.on >= today and m.id != ms[3].id}
        untouched = {m.uid for m in ms} - future
    before, after = _events(data1), _events(data2)
    for uid in future:
        assert int(after[uid].sequence.value) == int(before[uid].sequence.value) + 1
        assert after[uid].dtstart.value.hour == 8
    for uid in untouched:
        assert after[uid].sequence.value == before[uid].sequence.value
        assert after[uid].dtstart.value == before[uid].dtstart.value


def test_renaming_the_group_or_a_role_holder_raises_the_sequence_of_what_shows_it(demo_db):
    """A calendar that imported the events shows the new name only if SEQUENCE rises."""
    from sqlmodel import select

    from peergroup.models import Member, RoleAssignment

    today = dt.date(2026, 11, 25)  # the pinned clock
    with demo_db.write() as s:
        g = groups.find_group(s, None)
        before = _events(calendar_export.group_calendar(s, g)[0])
        groups.rename_group(s, g, "Northbridge Educators' Circle")
        renamed = _events(calendar_export.group_calendar(s, g)[0])
        upcoming = {m.uid for m in meetings.list_meetings(s, g) if m.on >= today}
        # A member who holds a role at one upcoming meeting changes their name.
        soon = next(m for m in meetings.list_meetings(s, g) if m.on >= today)
        holder = s.exec(select(RoleAssignment).where(RoleAssignment.meeting_id == soon.id)).first()
        member = s.get(Member, holder.member_id)
        held = {
            m.uid
            for m in meetings.list_meetings(s, g)
            if m.on >= today
            and s.exec(
                select(RoleAssignment).where(
                    RoleAssignment.meeting_id == m.id, RoleAssignment.member_id == member.id
                )
            ).first()
        }
        membership.update_member(
            s,
            member,
            membership.MemberInput(
                name=member.name + " Jr", email=member.email, joined_on=member.joined_on
            ),
        )
        after = _events(calendar_export.group_calendar(s, g)[0])
    for uid in upcoming:
        assert int(renamed[uid].sequence.value) > int(before[uid].sequence.value), uid
        assert "Northbridge Educators' Circle" in renamed[uid].summary.value
        if uid in held:
            assert int(after[uid].sequence.value) > int(renamed[uid].sequence.value), uid
            assert member.name in after[uid].description.value
        else:
            assert after[uid].sequence.value == renamed[uid].sequence.value
    past = set(before) - upcoming
    assert past and all(after[u].sequence.value == before[u].sequence.value for u in past)
