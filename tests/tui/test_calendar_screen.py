"""Step 4 by keyboard: logistics, generate with preview, move, cancel, roles, export."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import Group, Meeting, RoleAssignment
from peergroup.services import groups, membership

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
        await pilot.press("l")
        await pilot.pause()
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
        assert ms[-1].on <= dt.date.today() + dt.timedelta(days=186)
        # roles were rotated over the new meetings
        assert len(s.exec(select(RoleAssignment)).all()) == 2 * len(ms)


async def test_bad_logistics_are_refused_with_the_field_named(db):
    _group_with_members(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
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
        await pilot.pause()
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
        await pilot.press("c")
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
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        text = screen_text(app)
        assert "Roles: who does what" in text and "Scribe" in text and "Discussion lead" in text
        upcoming = app.screen.query_one("#upcoming")
        mid = int(upcoming.coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        options = [v for _label, v in dialog._fields[1].options if v]
        dialog.query_one("#field-member_id").value = options[-1]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("r")
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
        await pilot.press("i")
        await pilot.pause()
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
        await pilot.press("t")
        await pilot.pause()
        await type_text(pilot, "Negotiating salary")
        app.screen.query_one("#field-agenda_note").text = "Bring your offer letters"
        app.screen.query_one("#field-prompt_key").value = prompt["key"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Negotiating" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Topic: Negotiating salary" in text and "Bring your offer letters" in text
        assert prompt["text"][:30] in text
    with demo_db.write() as s:
        m = s.get(Meeting, mid)
        assert (m.title, m.prompt_key, m.sequence) == ("Negotiating salary", prompt["key"], 1)
        data, _ = calendar_export.group_calendar(s, groups_svc.list_groups(s)[0])
    assert b"Negotiating salary" in data
