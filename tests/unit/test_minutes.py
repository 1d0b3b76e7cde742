"""The meeting day: attendance, minutes, decisions and action items carried forward."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from peergroup.errors import InputError
from peergroup.models import (
    ActionItem,
    Attendance,
    Meeting,
    Member,
    Minutes,
    MinutesConflict,
    Role,
    RoleAssignment,
    ScribeChange,
    Topic,
)
from peergroup.services import actions as actions_svc
from peergroup.services import attendance as attendance_svc
from peergroup.services import decisions as decisions_svc
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc
from peergroup.services import minutes as minutes_svc
from peergroup.services import tracking as tracking_svc

TODAY = dt.date(2026, 11, 25)
DATES = [dt.date(2026, 9, 8), dt.date(2026, 10, 13), dt.date(2026, 11, 10), dt.date(2026, 12, 8)]


def build_group(
    session, name="Harbour Peers", people=("Ada Lin", "Ben Osei", "Cleo Park", "Dev Rao")
):
    """A group with four active members and four monthly meetings."""
    group = groups_svc.create_group(session, name, timezone="America/New_York")
    members = {
        p.split()[0].lower(): membership_svc.add_member(
            session, group, membership_svc.MemberInput(name=p, joined_on=dt.date(2025, 1, 1))
        )
        for p in people
    }
    meetings = []
    for d in DATES:
        m = Meeting(group_id=group.id, on=d, series_date=d, start_time=dt.time(7, 30))
        session.add(m)
        meetings.append(m)
    session.flush()
    return group, members, meetings


def assign(session, meeting, role_name, member):
    role = session.exec(
        select(Role).where(Role.group_id == meeting.group_id, Role.name == role_name)
    ).one()
    session.add(RoleAssignment(meeting_id=meeting.id, role_id=role.id, member_id=member.id))
    session.flush()


@pytest.fixture
def world(db):
    with db.write() as s:
        group, members, meetings = build_group(s)
    return db, group, members, meetings


# --- the stories ------------------------------------------------------------


def test_scribe_finalises_minutes_and_open_action_items_appear_on_the_next_agenda(world):
    db, group, people, (sep, octo, *_rest) = world
    with db.write() as s:
        assign(s, sep, "Scribe", people["ada"])
        day = minutes_svc.open_meeting(s, sep, today=sep.on)
        assert day.scribe_name == "Ada Lin"
        for p in people.values():
            attendance_svc.set_attendance(s, sep, p, "present")
        saved = minutes_svc.save_minutes(
            s, sep.id, "We discussed teaching portfolios.", day.revision
        )
        assert saved.saved and saved.revision == day.revision + 1
        decisions_svc.add_decision(s, sep, "Meet at 07:30 from now on.")
        actions_svc.add_action_item(
            s, sep, "Share a portfolio template", people["ben"].id, "2026-10-01"
        )
        actions_svc.add_action_item(s, sep, "Book the room", people["cleo"].id, None)
        minutes_svc.finalise(s, sep.id, people["ada"].id)

    with db.write() as s:
        agenda = minutes_svc.open_meeting(s, octo, today=octo.on)
    carried = {(r.text, r.owner_name, r.due) for r in agenda.carried_forward}
    assert carried == {
        ("Share a portfolio template", "Ben Osei", dt.date(2026, 10, 1)),
        ("Book the room", "Cleo Park", None),
    }
    assert all(r.raised_on == sep.on for r in agenda.carried_forward)
    overdue = {r.text for r in agenda.carried_forward if r.overdue}
    assert overdue == {"Share a portfolio template"}  # due 1 Oct, agenda opened 13 Oct
    assert agenda.action_items == []  # nothing raised at October yet

    with db.write() as s:
        again = minutes_svc.open_meeting(s, sep, today=TODAY)
    assert again.finalised and again.finalised_by == "Ada Lin"
    assert [d.text for d in again.decisions] == ["Meet at 07:30 from now on."]
    assert {r.text for r in again.action_items} == {"Share a portfolio template", "Book the room"}
    assert again.carried_forward == []  # nothing earlier than the first meeting


def test_an_action_item_is_carried_forward_until_closed(world):
    db, group, people, (m1, m2, m3, m4) = world
    with db.write() as s:
        item = actions_svc.add_action_item(
            s, m1, "Draft the support request", people["dev"].id, "2026-12-31"
        )
    with db.write() as s:
        assert [r.id for r in minutes_svc.open_meeting(s, m2).carried_forward] == [item.id]
        day3 = minutes_svc.open_meeting(s, m3)
        assert [r.id for r in day3.carried_forward] == [item.id]
        actions_svc.close_action_item(s, s.get(ActionItem, item.id), "done", at_meeting=m3)
    with db.write() as s:
        day3 = minutes_svc.open_meeting(s, m3)
        day4 = minutes_svc.open_meeting(s, m4)
        row = s.get(ActionItem, item.id)
    assert day3.carried_forward == []
    assert [r.id for r in day3.closed_here] == [
        item.id
    ]  # the scribe still sees what was closed today
    assert day4.carried_forward == [] and day4.closed_here == []
    assert row.status == "done" and row.closed_meeting_id == m3.id and row.closed_at is not None


def test_items_raised_at_a_later_meeting_are_not_on_an_earlier_agenda(world):
    db, group, people, (m1, m2, m3, _m4) = world
    with db.write() as s:
        actions_svc.add_action_item(s, m3, "Later item", people["ada"].id)
        same_day = Meeting(group_id=group.id, on=m2.on, start_time=dt.time(12, 0))
        s.add(same_day)
        s.flush()
        actions_svc.add_action_item(s, m2, "Morning item", people["ben"].id)
        assert [r.text for r in minutes_svc.open_meeting(s, m2).carried_forward] == []
        # A second meeting on the same day comes after the first one.
        assert [r.text for r in minutes_svc.open_meeting(s, same_day).carried_forward] == [
            "Morning item"
        ]
        before_m3 = actions_svc.open_action_items(s, group, before_meeting=m3)
        assert {r.text for r in before_m3} == {"Morning item"}
        assert {r.text for r in actions_svc.open_action_items(s, group)} == {
            "Morning item",
            "Later item",
        }


def test_reopened_item_is_back_on_the_agenda(world):
    db, group, people, (m1, m2, *_r) = world
    with db.write() as s:
        item = actions_svc.add_action_item(s, m1, "Ask the chair", people["ada"].id)
        actions_svc.close_action_item(s, item, "dropped")
        assert minutes_svc.open_meeting(s, m2).carried_forward == []
        actions_svc.reopen(s, item)
        assert [r.id for r in minutes_svc.open_meeting(s, m2).carried_forward] == [item.id]
        assert item.closed_at is None and item.closed_meeting_id is None


def test_two_copies_saving_a_meetings_first_minutes_lose_nothing(world):
    """No minutes row yet (opening only reads): both copies save from revision 0."""
    from peergroup.db import open_database

    db, _group, _people, (m1, *_r) = world
    other = open_database(db.target)
    try:
        with db.read() as s:
            base = minutes_svc.open_meeting(s, m1).revision
        with other.read() as s:
            assert minutes_svc.open_meeting(s, m1.id).revision == base == 0
        with db.write() as s:
            first = minutes_svc.save_minutes(s, m1.id, "Ada's notes", base)
        with other.write() as s:
            second = minutes_svc.save_minutes(s, m1.id, "Ben's notes", base)
    finally:
        other.close()
    assert first.saved and second.conflict and second.their_text == "Ada's notes"


def test_two_copies_saving_from_the_same_revision_lose_nothing(world):
    from peergroup.db import open_database

    db, _group, _people, (m1, *_r) = world
    other = open_database(db.target)  # a second copy of the app on the same file
    try:
        with db.write() as s:
            minutes_svc.minutes_row(s, m1, create=True)  # an earlier save made the row
            base = minutes_svc.open_meeting(s, m1).revision
        copy_a, copy_b = db.session(), other.session()
        try:
            # Both copies have loaded the minutes at the same revision; copy B keeps
            # its object cached after the short read transaction ends.
            assert copy_b.exec(select(Minutes)).one().revision == base
            copy_b.commit()
            first = minutes_svc.save_minutes(copy_a, m1.id, "Ada's notes", base)
            copy_a.commit()
            second = minutes_svc.save_minutes(copy_b, m1.id, "Ben's notes", base)
            copy_b.commit()
        finally:
            copy_a.close()
            copy_b.close()
    finally:
        other.close()
    assert first.saved and not first.conflict
    assert second.conflict and not second.saved
    assert second.their_text == "Ada's notes" and second.revision == first.revision
    assert "kept" in second.message
    with db.write() as s:
        assert s.exec(select(Minutes)).one().text == "Ada's notes"
        kept = minutes_svc.conflicts(s, m1.id)
        assert [(c.text, c.based_on_revision) for c in kept] == [("Ben's notes", base)]
        assert minutes_svc.open_meeting(s, m1).kept_conflicts == 1
        # The losing copy retrying the same save does not pile up copies.
        minutes_svc.save_minutes(s, m1.id, "Ben's notes", base)
        assert len(minutes_svc.conflicts(s, m1.id)) == 1


def test_saving_the_same_text_again_changes_nothing(world):
    db, _g, _p, (m1, *_r) = world
    with db.write() as s:
        r1 = minutes_svc.save_minutes(s, m1.id, "Notes", 0)
        r2 = minutes_svc.save_minutes(s, m1.id, "Notes", r1.revision)
        stale = minutes_svc.save_minutes(s, m1.id, "Notes", 0)  # same text from an old copy
        assert (r1.revision, r2.revision, stale.revision) == (1, 1, 1)
        assert not r2.saved and not stale.conflict
        assert s.exec(select(MinutesConflict)).all() == []


def test_minutes_over_a_million_characters_are_refused(world):
    db, _g, _p, (m1, *_r) = world
    with db.write() as s:
        with pytest.raises(InputError, match="1,000,001 characters.*1,000,000"):
            minutes_svc.save_minutes(s, m1.id, "x" * 1_000_001, 0)
        assert minutes_svc.save_minutes(s, m1.id, "x" * 1_000_000, 0).saved


def test_finalised_minutes_are_read_only_and_amendments_record_who_and_when(world):
    db, _g, people, (m1, *_r) = world
    with db.write() as s:
        with pytest.raises(InputError, match="not finalised yet"):
            minutes_svc.amend(s, m1.id, people["ben"].id, "Too early")
        minutes_svc.save_minutes(s, m1.id, "Final words", 0)
        minutes_svc.finalise(s, m1.id, people["ada"].id)
    with db.write() as s:
        with pytest.raises(InputError, match="amendment"):
            minutes_svc.save_minutes(s, m1.id, "Sneaky edit", 1)
        with pytest.raises(InputError, match="read-only"):
            decisions_svc.add_decision(s, m1, "Late decision")
        with pytest.raises(InputError, match="read-only"):
            attendance_svc.set_attendance(s, m1, people["ben"], "absent")
        db.clock.advance(minutes=5)
        row = minutes_svc.amend(s, m1.id, people["ben"].id, "Cleo was present, not absent.")
        assert row.created_at == db.clock.now()  # stamped by the database's clock
    with db.write() as s:
        day = minutes_svc.open_meeting(s, m1)
        again = minutes_svc.finalise(s, m1.id, people["ben"].id)  # a second click changes nothing
    assert day.text == "Final words" and day.revision == 1
    assert [(a.author_name, a.text) for a in day.amendments] == [
        ("Ben Osei", "Cleo was present, not absent.")
    ]
    assert again.finalised_by_id == people["ada"].id


def test_a_present_member_takes_over_as_scribe(world):
    db, _g, people, (m1, *_r) = world
    with db.write() as s:
        assign(s, m1, "Scribe", people["ada"])
        minutes_svc.open_meeting(s, m1)
        attendance_svc.set_attendance(s, m1, people["ada"], "present")
        attendance_svc.set_attendance(s, m1, people["ben"], "present")
        attendance_svc.set_attendance(s, m1, people["cleo"], "apologies")
        with pytest.raises(InputError, match="not marked present"):
            minutes_svc.take_over_scribe(s, m1.id, people["cleo"].id)
        change = minutes_svc.take_over_scribe(s, m1.id, people["ben"].id)
        assert minutes_svc.take_over_scribe(s, m1.id, people["ben"].id) is None
    with db.write() as s:
        rows = s.exec(select(ScribeChange)).all()
        day = minutes_svc.open_meeting(s, m1)
    assert change is not None
    assert [(r.from_member_id, r.to_member_id) for r in rows] == [
        (people["ada"].id, people["ben"].id)
    ]
    assert day.scribe_id == people["ben"].id and day.scribe_name == "Ben Osei"


def test_without_attendance_any_active_member_may_take_over(world):
    db, group, people, (m1, *_r) = world
    with db.write() as s:
        newcomer = membership_svc.add_member(
            s, group, membership_svc.MemberInput(name="Eve Prospect", status="prospective")
        )
        with pytest.raises(InputError, match="not an active member"):
            minutes_svc.take_over_scribe(s, m1.id, newcomer.id)
        assert minutes_svc.take_over_scribe(s, m1.id, people["dev"].id) is not None
        assert s.exec(select(Attendance)).all() == []


def test_action_items_are_validated(world, db):
    _db, group, people, (m1, *_r) = world
    with db.write() as s:
        other_group, others, _m = build_group(s, name="Other Group", people=("Zed Zhu",))
        with pytest.raises(InputError, match="action item: is empty"):
            actions_svc.add_action_item(s, m1, "   ", people["ada"].id)
        with pytest.raises(InputError, match="due:.*not a date"):
            actions_svc.add_action_item(s, m1, "Do it", people["ada"].id, "next week")
        with pytest.raises(InputError, match="due:.*before the meeting"):
            actions_svc.add_action_item(s, m1, "Do it", people["ada"].id, "2026-01-01")
        with pytest.raises(InputError, match="owner:.*not a member of this group"):
            actions_svc.add_action_item(s, m1, "Do it", others["zed"].id)
        with pytest.raises(InputError, match="owner: is empty"):
            actions_svc.add_action_item(s, m1, "Do it", None)
        with pytest.raises(InputError, match="attendance:"):
            attendance_svc.set_attendance(s, m1, people["ada"], "late")
        item = actions_svc.add_action_item(s, m1, "Do it", people["ada"].id, "2026-09-30")
        with pytest.raises(InputError, match="status:"):
            actions_svc.close_action_item(s, item, "finished")
        assert s.exec(select(ActionItem)).all() == [item]


def test_my_open_action_items(world):
    db, _g, people, (m1, m2, *_r) = world
    with db.write() as s:
        a = actions_svc.add_action_item(s, m1, "Read the paper", people["ada"].id, "2026-10-01")
        b = actions_svc.add_action_item(s, m2, "Write the abstract", people["ada"].id)
        c = actions_svc.add_action_item(s, m1, "Not mine", people["ben"].id)
        actions_svc.close_action_item(s, a, at_meeting=m2)
        mine = actions_svc.member_action_items(s, people["ada"])
        everything = actions_svc.member_action_items(s, people["ada"], include_closed=True)
    assert [r.id for r in mine] == [b.id]
    assert [r.id for r in everything] == [b.id, a.id]  # open first
    assert c.id not in {r.id for r in everything}


def test_open_meeting_shows_the_agenda(world):
    from peergroup import content

    db, group, people, (m1, *_r) = world
    prompt = content.prompts()[0]
    with db.write() as s:
        topic = Topic(group_id=group.id, family="career", title="Promotion dossiers")
        s.add(topic)
        s.flush()
        m1.topic_id, m1.prompt_key, m1.agenda_note = topic.id, prompt["key"], "Bring your CV"
        s.add(m1)
        assign(s, m1, "Discussion lead", people["cleo"])
        day = minutes_svc.open_meeting(s, m1)
        # Opening only reads: the minutes row comes with the first save.
        assert s.exec(select(Minutes)).first() is None
        assert (day.text, day.revision, day.minutes_id) == ("", 0, None)
    assert (day.topic_title, day.discussion_lead, day.agenda_note) == (
        "Promotion dossiers",
        "Cleo Park",
        "Bring your CV",
    )
    assert day.prompt_text == prompt["text"]
    assert [a.name for a in day.attendance] == ["Ada Lin", "Ben Osei", "Cleo Park", "Dev Rao"]
    assert all(a.status is None for a in day.attendance)


def test_a_cancelled_meeting_cannot_be_opened(world):
    db, _g, _p, (m1, *_r) = world
    with db.write() as s:
        m1.status = "cancelled"
        s.add(m1)
        with pytest.raises(InputError, match="cancelled"):
            minutes_svc.open_meeting(s, m1)


def test_running_list_of_meeting_dates_and_topics(world):
    db, group, people, (m1, m2, m3, m4) = world
    with db.write() as s:
        m2.title = "Ad hoc: budget"
        m3.status = "cancelled"
        s.add_all([m2, m3])
        assign(s, m1, "Scribe", people["ada"])
        assign(s, m4, "Scribe", people["dev"])
        minutes_svc.save_minutes(s, m1.id, "Notes", 0)
        minutes_svc.take_over_scribe(s, m1.id, people["ben"].id)
        minutes_svc.finalise(s, m1.id, people["ben"].id)
        rows = tracking_svc.running_list(s, group)
    assert [
        (r.on, r.status, r.topic_title, r.scribe_name, r.has_minutes, r.finalised) for r in rows
    ] == [
        (DATES[0], "scheduled", "", "Ben Osei", True, True),
        (DATES[1], "scheduled", "Ad hoc: budget", "", False, False),
        (DATES[2], "cancelled", "", "", False, False),
        (DATES[3], "scheduled", "", "Dev Rao", False, False),
    ]


def test_demo_group_meeting_day(demo_db):
    """The bundled demo group: its records carry open items into the next meeting."""
    from peergroup.services import groups

    with demo_db.write() as s:
        group = groups.list_groups(s)[0]
        first = s.exec(
            select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.on)
        ).first()
        day = minutes_svc.open_meeting(s, first, today=first.on)
        names = [a.name for a in day.attendance]
        assert "Priya Raman" in names and "Mei-Lin Zhou" in names
        assert "Rachel Goldberg" not in names  # left in June 2026
        assert "Tomás Herrera" not in names  # prospective
        assert day.finalised_at is not None and day.scribe_name == "Marcus Bell"
        december = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        carried = minutes_svc.open_meeting(s, december).carried_forward
        assert sorted(r.owner_name for r in carried) == [
            "Elena Sokolova",
            "Hannah Whitfield",
            "Mei-Lin Zhou",
        ]
        # Priya's template was done: closed at the October meeting, not carried
        assert "Priya Raman" not in [r.owner_name for r in carried]


def test_the_scribe_follows_the_rotation_until_someone_takes_over(demo_db):
    from peergroup.services import groups, roles

    with demo_db.write() as s:
        g = groups.list_groups(s)[0]
        m = s.exec(select(Meeting).where(Meeting.on == dt.date(2027, 2, 9))).one()
        roles.rotate(s, g, today=dt.date(2026, 12, 1))
        planned = roles.holder_name(s, m, "Scribe")
        assert minutes_svc.open_meeting(s, m).scribe_name == planned
        scribe = s.exec(select(Member).where(Member.name == planned)).one()
        attendance_svc.set_attendance(s, m, scribe, "apologies")
        roles.rotate(s, g, today=dt.date(2026, 12, 1))
        replacement = roles.holder_name(s, m, "Scribe")
        assert replacement != planned
        assert minutes_svc.open_meeting(s, m).scribe_name == replacement
        # a hand-made takeover sticks, whatever the rotation says later
        other = s.exec(select(Member).where(Member.name == "Priya Raman")).one()
        attendance_svc.set_attendance(s, m, other, "present")
        minutes_svc.take_over_scribe(s, m.id, other.id)
        roles.rotate(s, g, today=dt.date(2026, 12, 1))
        assert minutes_svc.open_meeting(s, m).scribe_name == "Priya Raman"


# --- one scribe fact (issue 7 item 6) ---------------------------------------


def test_scribe_after_takeover_in_every_output(world):
    """Ada was due to scribe; Ben took over. Every view names Ben, and the handover."""
    import icalendar

    from peergroup.export import minutes_md
    from peergroup.services import calendar_export
    from peergroup.services import roles as roles_svc

    db, group, people, (m1, *_r) = world
    with db.write() as s:
        assign(s, m1, "Scribe", people["ada"])
        attendance_svc.set_attendance(s, m1, people["ada"], "present")
        attendance_svc.set_attendance(s, m1, people["ben"], "present")
        minutes_svc.save_minutes(s, m1.id, "Ada started, Ben carried on.", 0)
        minutes_svc.take_over_scribe(s, m1.id, people["ben"].id)
    taken_at = db.clock.now().astimezone(ZoneInfo("America/New_York"))
    handover = f"Ben Osei took over from Ada Lin at {taken_at:%H:%M}"
    with db.read() as s:
        day = minutes_svc.open_meeting(s, m1.id, today=TODAY)
        markdown, _count = minutes_md.minutes_document(s, group, today=TODAY)
        running = {r.meeting_id: r for r in tracking_svc.running_list(s, group)}
        held = roles_svc.holders_by_meeting(s, group)
        ics, _n = calendar_export.group_calendar(s, group)
        uid = s.get(Meeting, m1.id).uid
    # the meeting screen's view
    assert (day.scribe_id, day.scribe_name) == (people["ben"].id, "Ben Osei")
    assert [h.sentence() for h in day.handovers] == [handover]
    # the minutes export
    september = markdown.split("## 2026-10-13")[0]
    assert "- **Scribe:** Ben Osei" in september
    assert f"  - {handover} (" in september
    assert "Ada Lin" not in september.split("- **Scribe:**")[1].split("took over from")[0]
    # the running list
    assert running[m1.id].scribe_name == "Ben Osei"
    # the calendar (its table and the roles screen read holders_by_meeting)
    scribe = roles_svc.held_by_key(held[m1.id], roles_svc.SCRIBE)
    assert (scribe.member_id, scribe.member_name) == (people["ben"].id, "Ben Osei")
    # the .ics description
    event = next(e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT") if e["UID"] == uid)
    description = str(event["DESCRIPTION"])
    assert "Scribe: Ben Osei" in description and "Ada Lin" not in description


def test_a_group_files_past_scribe_is_a_record_not_a_takeover(demo_db):
    """Imported minutes name the file's scribe; nobody "took over" on import day."""
    from peergroup.export import minutes_md
    from peergroup.services import groups

    with demo_db.read() as s:
        group = groups.list_groups(s)[0]
        text, _count = minutes_md.minutes_document(s, group, today=TODAY)
        september = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 9, 8))).one()
        day = minutes_svc.open_meeting(s, september.id)
        running = {r.on: r.scribe_name for r in tracking_svc.running_list(s, group)}
    first = text.split("## 2026-10-13")[0]
    assert "- **Scribe:** Marcus Bell" in first
    assert "took over" not in text
    assert day.scribe_name == "Marcus Bell" and day.handovers == []
    assert running[dt.date(2026, 9, 8)] == "Marcus Bell"
    assert running[dt.date(2026, 10, 13)] == "Elena Sokolova"


def test_finalising_without_naming_who_uses_the_meetings_scribe(world):
    db, _g, people, (m1, m2, *_r) = world
    with db.write() as s:
        assign(s, m1, "Scribe", people["cleo"])
        assert minutes_svc.finalise(s, m1.id).finalised_by_id == people["cleo"].id
        with pytest.raises(InputError, match="nobody is the scribe yet"):
            minutes_svc.finalise(s, m2.id)


# --- people to pick ---------------------------------------------------------


def test_meeting_people_tell_same_named_members_apart(world):
    db, group, people, (m1, *_r) = world
    with db.write() as s:
        add = membership_svc.add_member
        sam_a = add(
            s,
            group,
            membership_svc.MemberInput(
                name="Sam Lee", email="sam.lee@north.example", joined_on=dt.date(2025, 1, 1)
            ),
        )
        sam_b = add(
            s,
            group,
            membership_svc.MemberInput(
                name="Sam Lee", email="slee@south.example", joined_on=dt.date(2025, 1, 1)
            ),
        )
        add(s, group, membership_svc.MemberInput(name="Pat Prospect", status="prospective"))
        everyone = attendance_svc.meeting_people(s, m1.id)
        scribes_before = attendance_svc.meeting_people(s, m1.id, who="scribe")
        attendance_svc.set_attendance(s, m1, sam_b, "present")
        attendance_svc.set_attendance(s, m1, people["ada"], "apologies")
        present = attendance_svc.meeting_people(s, m1.id, who="present")
        scribes_after = attendance_svc.meeting_people(s, m1.id, who="scribe")
        with pytest.raises(InputError, match="who:"):
            attendance_svc.meeting_people(s, m1.id, who="everybody")
    labels = [p.label for p in everyone]
    assert labels == [
        "Ada Lin",
        "Ben Osei",
        "Cleo Park",
        "Dev Rao",
        "Sam Lee <sam.lee@north.example>",
        "Sam Lee <slee@south.example>",
    ]  # the prospective member is not a member yet
    assert {p.member_id for p in everyone} >= {sam_a.id, sam_b.id}
    assert len(scribes_before) == 6  # no attendance yet: every active member
    assert [p.label for p in present] == ["Sam Lee <slee@south.example>"]
    assert [p.member_id for p in scribes_after] == [sam_b.id]  # only those present


def test_recording_attendance_ahead_re_rotates_the_roles(world):
    from peergroup.services import roles as roles_svc

    db, group, people, (_m1, _m2, _m3, dec) = world
    with db.write() as s:
        roles_svc.rotate(s, group, today=TODAY)
        due = roles_svc.holder(s, dec.id, roles_svc.SCRIBE)
        other = next(p for p in people.values() if p.id != due.id)
        moved = attendance_svc.record_attendance(
            s, dec.id, {due.id: "apologies", other.id: None}, today=TODAY
        )
        now = roles_svc.holder(s, dec.id, roles_svc.SCRIBE)
        past = attendance_svc.record_attendance(s, _m1.id, {due.id: "absent"}, today=TODAY)
    assert moved >= 1 and now is not None and now.id != due.id
    assert past == 0  # a past meeting's roles are history
    with db.read() as s:
        recorded = {r.member_id: r.status for r in attendance_svc.attendance(s, dec.id)}
    assert recorded[due.id] == "apologies" and recorded[other.id] is None  # None: left alone


# --- recovery files ---------------------------------------------------------


def test_a_recovery_file_is_kept_as_a_copy_and_removed_once_seen(world):
    from peergroup.services import recovery

    db, _g, _p, (m1, *_r) = world
    with db.write() as s:
        minutes_svc.save_minutes(s, m1.id, "In the database", 0)
    path = recovery.write_recovery(db.path, m1.id, "Typed while the database was locked")
    assert path == db.path.with_name(f"{db.path.name}.recovery-{m1.id}.txt")
    assert path.stat().st_mode & 0o777 == 0o600
    with db.write() as s:
        assert recovery.keep_recovered(s, db.path, m1.id) == path
        assert recovery.keep_recovered(s, db.path, m1.id) == path  # still unseen: no second copy
        kept = [c.text for c in minutes_svc.conflicts(s, m1.id)]
    assert kept == ["Typed while the database was locked"]
    assert path.exists()  # kept until the user has seen it
    recovery.discard_recovery(db.path, m1.id)
    assert not path.exists() and recovery.pending_recovery(db.path, m1.id) is None


def test_recovery_files_in_both_places_are_each_kept_before_either_is_removed(world):
    from peergroup.services import recovery

    db, _g, _p, (m1, *_r) = world
    first = recovery.recovery_file(db.path, m1.id)
    fallback = recovery._fallback_file(db.path, m1.id)
    assert first != fallback
    recovery._write_private(first, "Beside the database")
    recovery._write_private(fallback, "In the fallback folder (the database's was read-only)")
    with db.write() as s:
        assert recovery.keep_recovered(s, db.path, m1.id) == first
        kept = sorted(c.text for c in minutes_svc.conflicts(s, m1.id))
    assert kept == [
        "Beside the database",
        "In the fallback folder (the database's was read-only)",
    ]
    recovery.discard_recovery(db.path, m1.id)
    assert not first.exists() and not fallback.exists()


def test_a_recovery_file_with_the_stored_text_is_simply_removed(world):
    from peergroup.services import recovery

    db, _g, _p, (m1, *_r) = world
    with db.write() as s:
        minutes_svc.save_minutes(s, m1.id, "Same words", 0)
    path = recovery.write_recovery(db.path, m1.id, "Same words")
    with db.write() as s:
        assert recovery.keep_recovered(s, db.path, m1.id) is None
        assert minutes_svc.conflicts(s, m1.id) == []
    assert not path.exists()


def test_a_backup_brought_up_to_date_replaces_its_own_text_and_keeps_an_earlier_sessions(world):
    from peergroup.services import recovery

    db, _g, _p, (m1, *_r) = world
    marker = f"\n\n{recovery.LATER}\n"
    # This session's backup alone in the file: the scribe deleted a word since.
    path = recovery.write_recovery(db.path, m1.id, "Agreed to write the chair")
    recovery.write_recovery(db.path, m1.id, "Agreed to write", replaces="Agreed to write the chair")
    assert path.read_text(encoding="utf-8") == "Agreed to write"
    recovery.discard_recovery(db.path, m1.id)
    # Behind an earlier session's text: that stays in front, this session's part is replaced.
    recovery.write_recovery(db.path, m1.id, "Left by last session")
    recovery.write_recovery(db.path, m1.id, "Mine so far")
    assert path.read_text(encoding="utf-8") == "Left by last session" + marker + "Mine so far"
    recovery.write_recovery(db.path, m1.id, "Mine", replaces="Mine so far")
    assert path.read_text(encoding="utf-8") == "Left by last session" + marker + "Mine"
    recovery.write_recovery(db.path, m1.id, "Mine, then more", replaces="Mine")
    assert path.read_text(encoding="utf-8") == "Left by last session" + marker + "Mine, then more"
    # Without ``replaces``, a text that does not go on from the file's is joined to it.
    recovery.write_recovery(db.path, m1.id, "other")
    assert path.read_text(encoding="utf-8").endswith("Mine, then more" + marker + "other")


def test_taking_back_a_sessions_backup_leaves_an_earlier_sessions_text(world):
    from peergroup.services import recovery

    db, _g, _p, (m1, *_r) = world
    path = recovery.recovery_file(db.path, m1.id)
    recovery.write_recovery(db.path, m1.id, "Only mine")
    recovery.discard_own(db.path, m1.id, "Only mine")
    assert not path.exists()
    # Behind an earlier session's text (perhaps not in the database yet): that stays.
    recovery.write_recovery(db.path, m1.id, "Left by last session")
    recovery.write_recovery(db.path, m1.id, "Mine")
    recovery.discard_own(db.path, m1.id, "Mine")
    assert path.read_text(encoding="utf-8") == "Left by last session"
    # A file that holds something else is not ours to take back; nothing given, nothing done.
    recovery.discard_own(db.path, m1.id, "Something I never wrote")
    recovery.discard_own(db.path, m1.id, "")
    assert path.read_text(encoding="utf-8") == "Left by last session"


def test_a_backup_is_matched_as_written_whatever_its_line_ends_or_odd_characters(world):
    """Text written with CRLF line ends or a lone surrogate (both reach the editor)
    is still recognised as this session's own when it is brought up to date."""
    from peergroup.services import recovery
    from peergroup.text import without_lone_surrogates

    db, _g, _p, (m1, *_r) = world
    path = recovery.recovery_file(db.path, m1.id)
    first = "Pasted from Windows\r\nsecond line \ud800 and more"
    recovery.write_recovery(db.path, m1.id, first)
    shorter = first[: -len(" and more")]
    recovery.write_recovery(db.path, m1.id, shorter, replaces=first)
    assert recovery.LATER not in path.read_bytes().decode("utf-8")
    assert path.read_bytes() == without_lone_surrogates(shorter).encode("utf-8")
    assert b"\r\n" in path.read_bytes()
    recovery.discard_own(db.path, m1.id, shorter)
    assert not path.exists()


# --- the editor's saver (the meeting screen's autosave and final flush) -----


def test_the_saver_tracks_the_revision_its_text_is_based_on(world):
    from peergroup.services.minutes_saver import MinutesSaver

    db, _g, _p, (m1, *_r) = world
    saver = MinutesSaver(db, m1.id)
    with db.write() as s:
        day = minutes_svc.open_meeting(s, m1.id)
    saver.loaded(day.revision, day.text)
    assert saver.save("First line").kind == "saved"
    assert saver.save("First line\nSecond").kind == "saved"
    assert (saver.base_revision, saver.stored_text) == (2, "First line\nSecond")
    with db.write() as s:  # another copy saves from the revision it saw
        assert minutes_svc.save_minutes(s, m1.id, "Other copy", 2).saved
    clash = saver.save("First line\nSecond\nThird")
    assert clash.kind == "conflict" and clash.result.their_text == "Other copy"
    assert saver.base_revision == 2  # unchanged until the user chooses
    outcome, _day = saver.resolve("mine", "First line\nSecond\nThird")
    assert outcome.kind == "saved" and saver.base_revision == 4
    with db.read() as s:
        assert minutes_svc.open_meeting(s, m1.id).text == "First line\nSecond\nThird"
        kept = {c.text for c in minutes_svc.conflicts(s, m1.id)}
    assert kept == {"First line\nSecond\nThird", "Other copy"}


def test_the_saver_keeps_text_the_finalised_minutes_refuse(world):
    from peergroup.services.minutes_saver import MinutesSaver

    db, _g, people, (m1, *_r) = world
    saver = MinutesSaver(db, m1.id)
    with db.write() as s:
        minutes_svc.save_minutes(s, m1.id, "Final", 0)
        minutes_svc.finalise(s, m1.id, people["ada"].id)
    saver.loaded(1, "Final")
    outcome = saver.save("Final, and a late line")
    assert outcome.kind == "kept" and outcome.finalised
    assert saver.is_safe("Final, and a late line")
    with db.read() as s:
        assert [c.text for c in minutes_svc.conflicts(s, m1.id)] == ["Final, and a late line"]


def test_a_locked_database_leaves_the_text_pending_then_the_final_flush_recovers_it(world):
    import time

    from stored import hold_write_lock

    from peergroup.db import open_database
    from peergroup.services.minutes_saver import MinutesSaver

    db, _g, _p, (m1, *_r) = world
    app_db = open_database(db.target, clock=db.clock, busy_timeout_ms=200)  # as the app opens it
    saver = MinutesSaver(app_db, m1.id)
    saver.loaded(0, "")
    # Another process holds the write lock: SQLite's file lock, or on PostgreSQL the
    # advisory lock every Peergroup writer takes (see peergroup.server).
    with hold_write_lock(db):
        busy = saver.save("Typed while locked")
        assert busy.kind == "busy" and not saver.is_safe("Typed while locked")
        started = time.monotonic()
        final = saver.save_final("Typed while locked", 0.5)
        assert time.monotonic() - started < 3
    assert final.kind == "recovered"
    assert final.recovery_file.read_text(encoding="utf-8") == "Typed while locked"
    assert saver.is_safe("Typed while locked")  # a second flush does not wait again
    with db.read() as s:
        assert minutes_svc.open_meeting(s, m1.id).revision == 0
    assert saver.save_final("Typed while locked, then more", 2.0).kind == "saved"
    app_db.close()
    with db.read() as s:
        assert minutes_svc.open_meeting(s, m1.id).text == "Typed while locked, then more"


def test_the_final_flush_waits_for_a_running_save_and_builds_on_it(world):
    import threading
    import time

    from peergroup.services.minutes_saver import MinutesSaver

    db, _g, _p, (m1, *_r) = world
    saver = MinutesSaver(db, m1.id)
    saver.loaded(0, "")
    started, finish = threading.Event(), threading.Event()
    original = saver._attempt

    def slow_attempt(text):  # noqa: ANN001, ANN202
        started.set()
        finish.wait()  # (no timeout: a timed wait hangs under CI's faked clock)
        return original(text)

    saver._attempt = slow_attempt
    worker = threading.Thread(target=saver.save, args=("one",))
    worker.start()
    started.wait(5)
    saver._attempt = original
    # A sleeping thread, not threading.Timer: its timed wait never ends under libfaketime.
    threading.Thread(target=lambda: (time.sleep(0.3), finish.set())).start()
    final = saver.save_final("one two", 5.0)  # waits for "one", then saves on top of it
    worker.join(5)
    assert final.kind == "saved" and saver.base_revision == 2
    with db.read() as s:
        assert minutes_svc.conflicts(s, m1.id) == []
        assert minutes_svc.open_meeting(s, m1.id).text == "one two"


def test_my_items_lists_same_named_members_apart_and_defaults_to_the_first(world):
    db, group, people, (m1, *_r) = world
    with db.write() as s:
        twin = membership_svc.add_member(
            s,
            group,
            membership_svc.MemberInput(
                name="Ada Lin", email="ada.lin@south.example", joined_on=dt.date(2025, 1, 1)
            ),
        )
        people["ada"].email = "ada@north.example"
        s.add(people["ada"])
        actions_svc.add_action_item(s, m1, "Twin's task", twin.id)
        first = actions_svc.my_items(s, group.id, today=TODAY)
        chosen = actions_svc.my_items(s, group.id, people["ada"].id, today=TODAY)
    assert [c.label for c in first.members][:3] == [
        "Ada Lin <ada.lin@south.example>",
        "Ada Lin <ada@north.example>",
        "Ben Osei",
    ]
    assert first.member_id == twin.id and [r.text for r in first.rows] == ["Twin's task"]
    assert chosen.member_name == "Ada Lin <ada@north.example>" and chosen.rows == []
