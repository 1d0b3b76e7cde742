"""The scribe's screen, driven by keys: minutes, attendance, decisions, actions."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import ActionItem, Attendance, Decision, Meeting, Minutes, MinutesConflict
from peergroup.services import minutes as minutes_svc

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

DAY = "2026-12-08"


def _meeting(db, on: str = DAY) -> Meeting:  # noqa: ANN001
    with db.write() as s:
        return s.exec(select(Meeting).where(Meeting.on == dt.date.fromisoformat(on))).one()


async def _open(pilot, app) -> None:  # noqa: ANN001
    await settle(pilot)
    assert type(app.screen).__name__ == "MeetingScreen"


async def test_scribe_types_minutes_and_they_are_saved_while_typing(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        assert "Meeting Tue 08 Dec 2026 07:30" in screen_text(app)
        await type_text(pilot, "Dana shared her promotion dossier; group gave feedback.")
        await pilot.pause(1.3)  # autosave runs without any key press
        with demo_db.write() as s:
            saved = (
                s.exec(select(Minutes).where(Minutes.meeting_id == _meeting(demo_db).id)).one().text
            )
        assert saved == "Dana shared her promotion dossier; group gave feedback."
        assert "Saved (revision " in screen_text(app)


async def test_markup_typed_in_minutes_shows_literally(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await type_text(pilot, "[bold]not bold[/] and [link=x]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "[bold]not bold[/] and [link=x]" in screen_text(app)


async def test_attendance_decision_and_action_item_by_keyboard(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("f2")
        await pilot.pause()
        first = app.screen._fields[0].name
        app.screen.query_one(f"#field-{first}").value = "apologies"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await type_text(pilot, "Meet in person in March")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        await type_text(pilot, "Book the room")
        owner = app.screen._fields[1].options[0][1]
        app.screen.query_one("#field-owner_id").value = owner
        app.screen.query_one("#field-due").value = "2026-12-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the meeting" in flat(screen_text(app))  # due before the meeting: refused
        app.screen.query_one("#field-due").value = "2027-01-05"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Meet in person in March" in text and "Book the room" in text
    with demo_db.write() as s:
        mid = _meeting(demo_db).id
        assert s.exec(
            select(Attendance).where(Attendance.meeting_id == mid, Attendance.status == "apologies")
        ).all()
        assert [d.text for d in s.exec(select(Decision).where(Decision.meeting_id == mid))] == [
            "Meet in person in March"
        ]
        item = s.exec(select(ActionItem).where(ActionItem.text == "Book the room")).one()
        assert item.owner_id == owner and item.due == dt.date(2027, 1, 5) and item.status == "open"


async def test_open_item_from_earlier_meeting_is_on_the_agenda_and_can_be_closed(demo_db):
    from peergroup.models import Member

    earlier = _meeting(demo_db, "2026-11-10")
    today = _meeting(demo_db)
    with demo_db.write() as s:
        member = s.exec(select(Member).where(Member.status == "active")).first()
        minutes_svc.add_action_item(
            s, s.get(Meeting, earlier.id), "Circulate the CV template", member.id
        )
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        assert "Circulate the CV template" in screen_text(app)
        await pilot.press("f5")
        await pilot.pause()
        dialog = app.screen
        wanted = next(
            v for label, v in dialog._fields[0].options if label.startswith("Circulate the CV")
        )
        dialog.query_one("#field-item_id").value = wanted
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_db.write() as s:
        item = s.exec(
            select(ActionItem).where(ActionItem.text == "Circulate the CV template")
        ).one()
        assert item.status == "done" and item.closed_meeting_id == today.id


async def test_finalised_minutes_are_read_only_and_take_amendments(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await type_text(pilot, "Short meeting.")
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one("#field-member_id").value = app.screen._fields[0].options[0][1]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Scribe: nobody yet" not in screen_text(app)
        await pilot.press("f7")
        await pilot.pause()
        assert "Finalise the minutes?" in flat(screen_text(app))
        await pilot.press("y")
        await settle(pilot)
        assert "FINALISED" in screen_text(app)
        await type_text(pilot, "more")
        await pilot.pause()
        assert app.screen.editor.text == "Short meeting."
        await pilot.press("f8")
        await pilot.pause()
        app.screen.query_one("#field-author_id").value = app.screen._fields[0].options[0][1]
        app.screen.query_one("#field-text").text = "Correction: the meeting ran long."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Correction: the meeting ran long." in flat(screen_text(app))


async def test_a_save_from_another_copy_is_not_overwritten(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        mid = _meeting(demo_db).id
        # Another copy of the app saves first, from the same starting revision.
        with demo_db.write() as s:
            result = minutes_svc.save_minutes(s, mid, "Other laptop's notes", 0)
            assert result.saved
        await type_text(pilot, "My notes")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "Saved by two copies at once" in text and "Other laptop's notes" in text
        await pilot.press("m")
        await settle(pilot)
    with demo_db.write() as s:
        assert s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one().text == "My notes"
        kept = [c.text for c in s.exec(select(MinutesConflict))]
        assert "My notes" in kept
        assert "Other laptop's notes" in kept  # overwritten by choice, but kept


async def test_escape_during_a_conflict_stays_and_loses_nothing(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        mid = _meeting(demo_db).id
        with demo_db.write() as s:
            minutes_svc.save_minutes(s, mid, "OTHER COPY TEXT", 0)
        await type_text(pilot, "mine")
        await pilot.press("escape")  # flushes, meets the conflict: the dialog opens, we stay
        await pilot.pause()
        assert "Saved by two copies at once" in flat(screen_text(app))
        await pilot.press("escape")  # the dialog has no escape: still there
        await pilot.pause()
        assert type(app.screen).__name__ == "ConflictDialog"
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"
        await type_text(pilot, " more")
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ != "MeetingScreen"
    with demo_db.write() as s:
        assert s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one().text == "mine more"
        kept = {c.text for c in s.exec(select(MinutesConflict))}
        assert {"mine", "OTHER COPY TEXT"} <= kept


async def test_text_typed_after_another_copy_finalised_is_kept_as_a_copy(demo_db):
    from peergroup.models import Member

    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        mid = _meeting(demo_db).id
        with demo_db.write() as s:
            someone = s.exec(select(Member).where(Member.status == "active")).first()
            minutes_svc.finalise(s, mid, someone.id)
        await type_text(pilot, "late paragraph")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "FINALISED" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    with demo_db.write() as s:
        assert "late paragraph" in {c.text for c in s.exec(select(MinutesConflict))}


async def test_apologies_sent_ahead_move_the_scribe_role_to_someone_else(demo_db):
    from peergroup.models import Member
    from peergroup.services import groups, meetings, roles

    with demo_db.write() as s:
        g = groups.list_groups(s)[0]
        meetings.generate_meetings(s, g)  # six months from the real today
        roles.rotate(s, g)
        meeting = meetings.list_meetings(s, g, include_cancelled=False)[-1]
        day = meeting.on
        scribe_before = roles.holder_name(s, meeting, "Scribe")
        scribe_id = s.exec(select(Member.id).where(Member.name == scribe_before)).one()
    app = app_for(demo_db.path, start_meeting=day.isoformat())
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one(f"#field-m{scribe_id}").value = "apologies"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_db.write() as s:
        meeting = s.exec(select(Meeting).where(Meeting.on == day)).one()
        assert scribe_before and roles.holder_name(s, meeting, "Scribe") not in ("", scribe_before)


async def test_f9_exports_this_meetings_minutes_as_markdown(demo_db, tmp_path):
    out = tmp_path / "one.md"
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await type_text(pilot, "Agreed # not a heading | nor a table")
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen.query_one("#field-start").value == DAY
        app.screen.query_one("#field-path").value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
    text = out.read_text()
    assert "2026-12-08" in text and "Agreed" in text and "2026-11-10" not in text
    assert "\n# not a heading" not in text


async def test_kept_copies_can_be_read_from_the_palette(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        mid = _meeting(demo_db).id
        with demo_db.write() as s:
            minutes_svc.keep_copy(s, mid, "A paragraph from the other laptop", 0)
        app.screen.refresh_data(reload_text=False)
        await pilot.pause()
        assert "1 kept copy" in flat(screen_text(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Kept copies")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert "A paragraph from the other laptop" in flat(screen_text(app))
