"""Step 4 by keyboard: logistics, generate with preview, move, cancel, roles, export."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from peergroup.models import Group, Meeting, RoleAssignment
from peergroup.services import groups, membership

from ..conftest import TODAY
from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


def _group_with_members(db, n: int = 4) -> None:  # noqa: ANN001
    with db.write() as s:
        g = groups.create_group(s, "Calendar crew", timezone="America/New_York")
        for i in range(n):
            membership.add_member(
                s, g, membership.MemberInput(name=f"Person {i}", joined_on="2025-01-01")
            )


async def test_set_logistics_preview_and_generate_six_months(db):
    _group_with_members(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "No schedule yet" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#field-frequency").value = "weekly"
        app.screen.query_one("#field-weekday").value = "wednesday"
        app.screen.query_one("#field-start_time").value = "7:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Wednesday" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        preview = screen_text(app)
        assert "Save these" in preview and "meeting dates?" in preview
        with db.write() as s:
            assert s.exec(select(Meeting)).all() == []  # preview saves nothing
        await pilot.press("y")
        await settle(pilot)
        text = screen_text(app)
        assert "upcoming meeting(s), planned to" in text
    with db.write() as s:
        ms = s.exec(select(Meeting).order_by(Meeting.on)).all()
        assert 25 <= len(ms) <= 28  # about 26 Wednesdays in six months
        assert all(m.on.weekday() == 2 and m.start_time == dt.time(7, 30) for m in ms)
        assert ms[-1].on <= TODAY + dt.timedelta(days=186)
        # roles were rotated over the new meetings
        assert len(s.exec(select(RoleAssignment)).all()) == 2 * len(ms)


async def test_bad_logistics_are_refused_with_the_field_named(db):
    _group_with_members(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#field-start_time").value = "25:99"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Start time:" in flat(screen_text(app))
        app.screen.query_one("#field-start_time").value = "07:30"
        app.screen.query_one("#field-duration_minutes").value = "600"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Minutes:" in flat(screen_text(app)) and "240" in flat(screen_text(app))
    with db.write() as s:
        assert s.exec(select(Group)).one().frequency is None


async def test_move_and_cancel_one_meeting_leaves_the_others(demo_db):
    app = app_for(demo_db.path)
    with demo_db.write() as s:
        before = {m.id: (m.on, m.status) for m in s.exec(select(Meeting))}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#meetings")
        target = int(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one("#field-on").value = "2027-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a real calendar date" in flat(screen_text(app))
        app.screen.query_one("#field-on").value = "2027-02-11"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Thu 11 Feb 27" in screen_text(app) and "↷" in screen_text(app)
        table = app.screen.query_one("#meetings")
        table.move_cursor(row=0)
        first = int(table.coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("d")
        await pilot.pause()
        assert "Cancel the meeting" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert "✘" in screen_text(app)
    with demo_db.write() as s:
        after = {m.id: m for m in s.exec(select(Meeting))}
        assert after[target].on == dt.date(2027, 2, 11) and after[target].sequence == 1
        assert after[first].status == "cancelled"
        for mid, (on, status) in before.items():
            if mid not in (target, first):
                assert (after[mid].on, after[mid].status) == (on, status)


async def test_roles_screen_shows_counts_and_keeps_a_manual_choice(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        text = screen_text(app)
        assert "Roles: who does what" in text and "Scribe" in text and "Discussion lead" in text
        upcoming = app.screen.query_one("#upcoming")
        mid = int(upcoming.coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        options = [v for _label, v in dialog._fields[1].options if v]
        dialog.query_one("#field-member_id").value = options[-1]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
    with demo_db.write() as s:
        row = s.exec(
            select(RoleAssignment).where(RoleAssignment.meeting_id == mid, RoleAssignment.manual)
        ).one()
        assert row.member_id == options[-1]


async def test_export_ics_from_the_calendar_screen(demo_db, tmp_path):
    out = tmp_path / "cal.ics"
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "Export the meeting calendar of Northbridge GIM" in flat(screen_text(app))
        app.screen.query_one("#field-path").value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
    data = out.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR") and data.count(b"BEGIN:VEVENT") >= 5


async def test_topic_agenda_and_prompt_reach_the_meeting_screen_and_the_calendar(demo_db):
    from peergroup import content
    from peergroup.services import calendar_export
    from peergroup.services import groups as groups_svc

    prompt = content.prompts()[0]
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        mid = int(
            app.screen.query_one("#meetings")
            .coordinate_to_cell_key((app.screen.query_one("#meetings").cursor_row, 0))
            .row_key.value
        )
        await pilot.press("e")
        await settle(pilot)
        assert "Topic, agenda and reflection prompt for the meeting of Tue 8 Dec 2026" in flat(
            screen_text(app)
        )
        await type_text(pilot, "Negotiating salary")
        app.screen.query_one("#field-agenda_note").text = "Bring your offer letters"
        app.screen.query_one("#field-prompt_key").value = prompt["key"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Negotiating" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = flat(screen_text(app))
        # December's planned topic (step 6) leads; the title typed here follows it
        assert "Topic: Giving difficult" in text and "Negotiating salary" in text
        assert "Bring your offer letters" in text
        assert prompt["text"][:30] in text
    with demo_db.write() as s:
        m = s.get(Meeting, mid)
        assert (m.title, m.prompt_key, m.sequence) == ("Negotiating salary", prompt["key"], 1)
        data, _ = calendar_export.group_calendar(s, groups_svc.list_groups(s)[0])
    assert b"Negotiating salary" in data


def _notices(app) -> list[str]:  # noqa: ANN001
    """What the app tells the user in notifications (toasts are not in screenshots)."""
    said: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify
    return said


# --- any day: an empty first meeting means the first day on the schedule from today ---


async def _set_schedule(pilot, app, **values) -> None:  # noqa: ANN001
    await pilot.press("u")
    await settle(pilot)
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}").value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 11, 26),  # a Thursday (the day the suite went red)
        dt.date(2027, 3, 14),  # the Sunday US clocks go forward
        dt.date(2028, 2, 29),  # a leap day
    ],
)
@pytest.mark.parametrize(
    ("schedule", "fits"),
    [
        ({"frequency": "weekly", "weekday": "thursday"}, lambda d: d.weekday() == 3),
        (
            {"frequency": "monthly-nth-weekday", "weekday": "tuesday", "nth": 2},
            lambda d: d.weekday() == 1 and 8 <= d.day <= 14,
        ),
    ],
)
async def test_planning_with_an_empty_first_meeting_works_on_any_day(db, today, schedule, fits):
    from peergroup.calendar.recurrence import horizon_end
    from peergroup.clock import FixedClock

    _group_with_members(db)
    app = app_for(db.path, clock=FixedClock(today))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        first = app.screen.query_one("#field-first_meeting")
        assert first.value == "" and "empty: the first fitting day from today" in first.placeholder
        for name, value in {**schedule, "start_time": "07:30"}.items():
            app.screen.query_one(f"#field-{name}").value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "First meeting:" not in flat(screen_text(app))  # not refused
        await pilot.press("g")
        await settle(pilot)
        assert "meeting dates?" in flat(screen_text(app))
        await pilot.press("y")
        await settle(pilot)
        assert "upcoming meeting(s), planned to" in screen_text(app)
    with db.write() as s:
        ms = s.exec(select(Meeting).order_by(Meeting.on)).all()
        group = s.exec(select(Group)).one()
        assert ms and all(fits(m.on) for m in ms)
        assert ms[0].on == group.first_meeting and today <= ms[0].on < today + dt.timedelta(36)
        assert ms[-1].on <= horizon_end(today, 6)
        assert len(s.exec(select(RoleAssignment)).all()) == 2 * len(ms)


async def test_a_first_meeting_off_the_schedule_is_refused_naming_the_nearest_dates(db):
    _group_with_members(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await _set_schedule(
            pilot, app, frequency="weekly", weekday="tuesday", first_meeting="2027-03-10"
        )
        assert (
            "First meeting: 2027-03-10 is a Wednesday; the group meets on Tuesdays: "
            "2027-03-09 or 2027-03-16?" in flat(screen_text(app))
        )
    with db.write() as s:
        assert s.exec(select(Group)).one().frequency is None


async def test_a_changed_schedule_shows_what_changes_and_replaces_the_old_dates(db):
    _group_with_members(db)
    app = app_for(db.path)  # Wednesday 25 November 2026
    said = _notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await _set_schedule(pilot, app, frequency="monthly-nth-weekday", weekday="tuesday", nth=2)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await _set_schedule(pilot, app, frequency="weekly", weekday="thursday", first_meeting="")
        assert "g: 26 to add, 6 to cancel" in flat(screen_text(app))
        await pilot.press("g")
        await settle(pilot)
        preview = flat(screen_text(app))
        assert "cancel 6, add 26, keep 0" in preview
        assert "To cancel" in preview and "Dec 2026: Tue 8" in preview
        assert "To add" in preview and "Nov 2026: Thu 26" in preview
        await pilot.press("y")
        await settle(pilot)
        assert "Cancelled 6 meetings, added 26" in said[-1]
        await pilot.press("g")  # again: nothing to change, nothing added
        await settle(pilot)
        assert said[-1].startswith("Nothing to change: the meetings up to 24 May 2027")
        assert app.screen.__class__.__name__ == "CalendarScreen"
    with db.write() as s:
        ms = s.exec(select(Meeting)).all()
        scheduled = [m for m in ms if m.status == "scheduled"]
        assert len(ms) == 32 and len(scheduled) == 26  # not 34 piled up
        assert all(m.on.weekday() == 3 for m in scheduled)
        assert all(m.on.weekday() == 1 and m.sequence >= 2 for m in ms if m.status != "scheduled")


async def test_moving_onto_another_meeting_is_refused_and_cancel_restore_work(demo_db):
    app = app_for(demo_db.path)
    said = _notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("v")  # the cursor starts on the next meeting, Tue 8 Dec 2026
        await settle(pilot)
        assert "Move the meeting of Tue 8 Dec 2026" in flat(screen_text(app))
        app.screen.query_one("#field-on").value = "2027-02-09"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "the group already meets then: the meeting of Tue 9 Feb 2027, 07:30–08:30" in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard what was typed
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Cancelled the meeting of Tue 8 Dec 2026" in said[-1]
        with demo_db.write() as s:
            dec = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
            assert dec.status == "cancelled"
        await pilot.press("d")  # on a cancelled meeting: restore it
        await settle(pilot)
        assert said[-1] == "Restored the meeting of Tue 8 Dec 2026."
    with demo_db.write() as s:
        dec = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        assert (dec.status, dec.start_time) == ("scheduled", dt.time(7, 30))


async def test_roles_screen_dialogs_name_what_they_act_on_and_save(demo_db):
    from peergroup.models import Role

    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Facilitator: nobody yet" in text and "Tue 08 Dec 2026" in text
        await pilot.press("s")
        await settle(pilot)
        assert "Assign a role for the meeting of Tue 8 Dec 2026" in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert "Standing roles of Northbridge GIM" in flat(screen_text(app))
        priya = next(v for label, v in dialog._fields[0].options if label == "Priya Raman")
        dialog.query_one(f"#field-{dialog._fields[0].name}").value = priya
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Facilitator: Priya Raman" in flat(screen_text(app))
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Timekeeper")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert "Timekeeper" in screen_text(app)
    with demo_db.write() as s:
        roles = {r.name: r for r in s.exec(select(Role))}
        assert roles["Facilitator"].holder_id == priya
        assert roles["Timekeeper"].rotates
        held = s.exec(
            select(RoleAssignment).where(RoleAssignment.role_id == roles["Timekeeper"].id)
        ).all()
        assert held  # rotated over the upcoming meetings
