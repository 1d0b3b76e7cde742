"""Step 10: running list, search from the TUI, my action items, Markdown export."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from peergroup.models import ActionItem, Meeting, Member
from peergroup.services import actions as actions_svc
from peergroup.services import decisions as decisions_svc
from peergroup.services import groups
from peergroup.services import minutes as minutes_svc
from peergroup.services import tracking as tracking_svc

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


def _meeting_id(db, on: dt.date = dt.date(2026, 12, 8)) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(Meeting).where(Meeting.on == on)).one().id


def _seed(db) -> tuple[int, int]:  # noqa: ANN001
    with db.write() as s:
        # the demo holds records up to November; December is the next meeting
        dec = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        member = s.exec(select(Member).where(Member.name == "Diego Alvarez")).one()
        minutes_svc.open_meeting(s, dec)
        minutes_svc.save_minutes(
            s, dec.id, "We compared reflective essays and promotion timelines.", 0
        )
        decisions_svc.add_decision(s, dec, "Adopt the shared essay template")
        actions_svc.add_action_item(s, dec, "Send essay examples", member.id, "2026-12-20")
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


def _hit_lines(app) -> list[str]:  # noqa: ANN001
    """The rows of the search results as the user sees them (date first)."""
    return [
        line.strip()
        for line in screen_text(app).splitlines()
        if re.match(r"\s*\d{4}-\d{2}-\d{2} ", line)
    ]


async def _search(pilot, query: str) -> None:  # noqa: ANN001
    pilot.app.screen.query_one("#query").value = query
    pilot.app.screen.query_one("#query").focus()
    await pilot.press("enter")
    await settle(pilot)


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
        hits = _hit_lines(app)
        # the minutes, the decision and the action item of 8 December, nothing else
        assert len(hits) == 3, screen_text(app)
        assert all(h.startswith("2026-12-08") and "«essay" in h for h in hits), hits
        assert "3 match(es)" in flat(screen_text(app))
        # Focus stays in the query: refine and search again with enter.
        assert app.screen.focused is app.screen.query_one("#query")
        await type_text(pilot, " zzzz")
        await pilot.press("enter")
        await settle(pilot)
        assert _hit_lines(app) == [] and "No matches." in screen_text(app)
        for _ in range(5):
            await pilot.press("backspace")
        await pilot.press("enter")
        await settle(pilot)
        assert len(_hit_lines(app)) == 3
        await pilot.press("tab")  # to the hits; enter there opens one
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"
        assert "Meeting Tue 08 Dec 2026" in screen_text(app).splitlines()[0]


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
        assert type(app.screen).__name__ == "SearchScreen"
        await _search(pilot, '"unbalanced AND (NOT')
        assert "No matches." in screen_text(app) and _hit_lines(app) == []
        await _search(pilot, '(reflective* "essays')  # syntax around words that are there
        hits = _hit_lines(app)
        assert hits and hits[0].startswith("2026-12-08") and "«reflective»" in hits[0], hits
        await _search(pilot, "   ")
        assert "search: is empty; type one or more words to look for." in screen_text(app)
        assert _hit_lines(app) == []


async def test_my_items_lists_and_closes_a_members_open_items(demo_db):
    _nov, member_id = _seed(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        # members are listed by name: step to Diego with ], at most once round the group
        with demo_db.read() as s:
            members = s.exec(select(Member).where(Member.status.in_(("active", "alumni")))).all()
        for _ in range(len(members)):
            if "Diego Alvarez" in screen_text(app).splitlines()[0]:
                break
            await pilot.press("right_square_bracket")
            await settle(pilot)
        head, *rows = screen_text(app).splitlines()
        assert "Open action items of Diego Alvarez" in head, screen_text(app)
        item = next(line for line in rows if "Send essay examples" in line)
        # due 20 December; the app's clock says 25 November: open, not overdue
        assert "2026-12-08" in item and "2026-12-20" in item and "open" in item
        assert "OVERDUE" not in item.upper()
        await pilot.press("t")
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


@pytest.fixture
def ui_thread_units(monkeypatch):
    """Every unit of work opened on the UI thread (the main thread under Pilot)."""
    import threading

    from peergroup.db import Database

    seen: list[str] = []
    original = Database._unit

    def unit(self, write):  # noqa: ANN001, ANN202
        if threading.current_thread() is threading.main_thread():
            seen.append("write" if write else "read")
        return original(self, write)

    monkeypatch.setattr(Database, "_unit", unit)
    return seen


async def test_the_step_10_screens_never_use_the_database_on_the_ui_thread(
    demo_db, tmp_path, ui_thread_units
):
    """Running list, search, my items, export, and the meeting screen with its dialogs
    and autosave: everything goes through workers (only the final flush may not)."""
    _seed(demo_db)
    with demo_db.read() as s:
        diego = s.exec(select(Member).where(Member.name == "Diego Alvarez")).one().id
    december = _meeting_id(demo_db)
    out = tmp_path / "december.md"
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ui_thread_units.clear()  # the test's own set-up above ran here too
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "essay")
        await pilot.press("enter")
        await settle(pilot)
        assert "match(es)" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#field-start").value = "2026-12-01"
        app.screen.query_one("#field-end").value = "2026-12-31"
        app.screen.query_one("#field-path").value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "reflective essays" in out.read_text(encoding="utf-8")
        table = app.screen.query_one("#running")
        table.move_cursor(row=table.get_row_index(str(december)))
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"
        await type_text(pilot, " More notes.")
        await pilot.pause(1.3)  # the autosave runs
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one(f"#field-m{diego}").value = "present"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        app.screen.query_one("#field-member_id").value = diego
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "Scribe: Diego Alvarez" in screen_text(app)
        assert ui_thread_units == []
    with demo_db.read() as s:
        assert actions_svc.member_action_items(s, diego)  # still there: nothing was closed
        assert tracking_svc.running_list(s, groups.list_groups(s)[0])[-1].on  # sanity
