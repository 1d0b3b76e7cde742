"""Step 10: running list, search from the TUI, my action items, Markdown export."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import ActionItem, Meeting, Member
from peergroup.services import minutes as minutes_svc

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


def _seed(db) -> tuple[int, int]:  # noqa: ANN001
    with db.write() as s:
        # the demo holds records up to November; December is the next meeting
        dec = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        member = s.exec(select(Member).where(Member.name == "Diego Alvarez")).one()
        minutes_svc.open_meeting(s, dec)
        minutes_svc.save_minutes(
            s, dec.id, "We compared reflective essays and promotion timelines.", 0
        )
        minutes_svc.add_decision(s, dec, "Adopt the shared essay template")
        minutes_svc.add_action_item(s, dec, "Send essay examples", member.id, "2026-12-20")
        return dec.id, member.id


async def test_running_list_shows_meetings_and_minutes_state(demo_db):
    _seed(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        text = screen_text(app)
        assert "Tue 10 Nov 2026" in text and "final" in text and "draft" in text
        assert "3 meeting(s) held, 3 with minutes · 4 open action item(s)" in text
        table = app.screen.query_one("#running")
        table.move_cursor(
            row=[str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(
                "Tue 08 Dec 2026"
            )
        )
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"
        app.screen.query_one("#agenda").scroll_end(animate=False)
        await pilot.pause()
        assert "Send essay examples" in screen_text(app)


async def test_search_from_the_tui_lists_hits_with_date_and_snippet(demo_db):
    _seed(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "essay")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "match(es)" in text
        assert "2026-12-08" in text and "«essay" in text
        await type_text(pilot, "")
        await pilot.press("enter")  # open the highlighted hit
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"


async def test_search_with_fts_syntax_characters_does_not_crash(demo_db):
    _seed(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Search minutes")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#query").value = '"unbalanced AND (NOT'
        await pilot.press("enter")
        await settle(pilot)
        assert "match" in screen_text(app)  # "No matches." or a count, never a traceback


async def test_my_items_lists_and_closes_a_members_open_items(demo_db):
    _nov, member_id = _seed(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        # members are listed by name: step to Diego with ]
        while "Diego Alvarez" not in screen_text(app).splitlines()[0]:
            await pilot.press("right_square_bracket")
            await pilot.pause()
        text = screen_text(app)
        assert "Open action items of" in text and "Send essay examples" in text
        assert ("overdue" if dt.date.today() > dt.date(2026, 12, 20) else "open") in text
        await pilot.press("d")
        await settle(pilot)
    with demo_db.write() as s:
        item = s.exec(select(ActionItem).where(ActionItem.text == "Send essay examples")).one()
        assert item.status == "done" and item.owner_id == member_id


async def test_export_minutes_markdown_from_the_tui(demo_db, tmp_path):
    _seed(demo_db)
    out = tmp_path / "minutes.md"
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#field-start").value = "2026-13-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "From:" in flat(screen_text(app))
        app.screen.query_one("#field-start").value = "2026-12-01"
        app.screen.query_one("#field-end").value = "2026-12-31"
        app.screen.query_one("#field-path").value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
    text = out.read_text()
    assert "reflective essays" in text and "Adopt the shared essay template" in text
    assert "2026-11-10" not in text
