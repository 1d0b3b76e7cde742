"""The scribe's screen, driven by keys: minutes, attendance, decisions, actions."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from peergroup.models import ActionItem, Attendance, Decision, Meeting, Minutes, MinutesConflict
from peergroup.services import actions as actions_svc
from peergroup.services import minutes as minutes_svc

from ..process.terminal import WriteLock
from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

DAY = "2026-12-08"


def _meeting(db, on: str = DAY) -> Meeting:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(Meeting).where(Meeting.on == dt.date.fromisoformat(on))).one()


def _agenda(app) -> str:  # noqa: ANN001
    """The agenda column of the meeting screen, as one line."""
    return flat(" ".join(line[:33] for line in screen_text(app).splitlines()[1:-2]))


async def _open(pilot, app) -> None:  # noqa: ANN001
    await settle(pilot)
    assert type(app.screen).__name__ == "MeetingScreen"


async def test_scribe_types_minutes_and_they_are_saved_while_typing(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        assert "Meeting Tue 08 Dec 2026 07:30" in screen_text(app)
        typed = "Dana shared her promotion dossier; group gave feedback."
        mid = _meeting(demo_db).id
        await type_text(pilot, typed)

        def stored() -> str:
            with demo_db.read() as s:
                row = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).first()
            return row.text if row else ""

        # The autosave runs without any key press (waited for, not timed: a
        # loaded machine may take longer than the 0.5 s pause).
        assert await _until(pilot, lambda: stored() == typed)
        assert await _until(pilot, lambda: "Saved (revision " in screen_text(app))


async def test_markup_typed_in_minutes_shows_literally(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await type_text(pilot, "[bold]not bold[/] and [link=x]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "[bold]not bold[/] and [link=x]" in screen_text(app)


async def test_attendance_decision_and_action_item_by_keyboard(demo_db):
    from peergroup.models import Member

    with demo_db.read() as s:
        diego = s.exec(select(Member).where(Member.name == "Diego Alvarez")).one().id
        hannah = s.exec(select(Member).where(Member.name == "Hannah Whitfield")).one().id
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await pilot.press("f2")
        await settle(pilot)
        assert "Attendance at the meeting of Tue 8 Dec" in screen_text(app)
        app.screen.query_one(f"#field-m{diego}").value = "apologies"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert "Record a decision of the meeting of Tue 8 Dec" in screen_text(app)
        await type_text(pilot, "Meet in person in March")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "Book the room")
        app.screen.query_one("#field-owner_id").value = hannah
        app.screen.query_one("#field-due").value = "2026-12-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "before the meeting" in flat(screen_text(app))  # due before the meeting: refused
        app.screen.query_one("#field-due").value = "2027-01-05"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Meet in person in March" in text and "Book the room" in text
    with demo_db.write() as s:
        mid = _meeting(demo_db).id
        assert (
            s.exec(
                select(Attendance).where(
                    Attendance.meeting_id == mid, Attendance.member_id == diego
                )
            )
            .one()
            .status
            == "apologies"
        )
        assert [d.text for d in s.exec(select(Decision).where(Decision.meeting_id == mid))] == [
            "Meet in person in March"
        ]
        item = s.exec(select(ActionItem).where(ActionItem.text == "Book the room")).one()
        assert item.owner_id == hannah and item.due == dt.date(2027, 1, 5) and item.status == "open"


async def test_open_item_from_earlier_meeting_is_on_the_agenda_and_can_be_closed(demo_db):
    from peergroup.models import Member

    earlier = _meeting(demo_db, "2026-11-10")
    today = _meeting(demo_db)
    with demo_db.write() as s:
        member = s.exec(select(Member).where(Member.status == "active")).first()
        wanted = actions_svc.add_action_item(
            s, s.get(Meeting, earlier.id), "Circulate the CV template", member.id
        ).id
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        assert "Circulate the CV template" in screen_text(app)
        await pilot.press("f5")
        await pilot.pause()
        app.screen.query_one("#field-item_id").value = wanted
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_db.write() as s:
        item = s.exec(
            select(ActionItem).where(ActionItem.text == "Circulate the CV template")
        ).one()
        assert item.status == "done" and item.closed_meeting_id == today.id


async def test_finalised_minutes_are_read_only_and_take_amendments(demo_db, monkeypatch):
    import screens.meeting
    from peergroup.models import Member

    # F7's question opens only if the save before it ends within ASK_WITHIN of
    # the key; a loaded machine must not turn the question into a notice.
    monkeypatch.setattr(screens.meeting, "ASK_WITHIN", 3600.0)

    with demo_db.read() as s:
        priya = s.exec(select(Member).where(Member.name == "Priya Raman")).one().id
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await type_text(pilot, "Short meeting.")
        await pilot.press("f6")
        await settle(pilot)
        app.screen.query_one("#field-member_id").value = priya
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Scribe: Priya Raman" in screen_text(app)
        await pilot.press("f7")
        await settle(pilot)
        # 8 December is after the app's "today": the question names the date.
        assert "Finalise its minutes anyway?" in flat(screen_text(app))
        await pilot.press("y")
        await settle(pilot)
        assert "FINALISED" in screen_text(app)
        await type_text(pilot, "more")
        await pilot.pause()
        assert app.screen.query_one("#minutes-editor").text == "Short meeting."
        await pilot.press("f8")
        await settle(pilot)
        app.screen.query_one("#field-author_id").value = priya
        app.screen.query_one("#field-text").text = "Correction: the meeting ran long."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Correction: the meeting ran long." in flat(screen_text(app))


@pytest.fixture
def saves_only_on_keys(monkeypatch):  # noqa: ANN001, ANN201
    """The timed autosave waits for good, so the first save is the one a key asks for.

    For tests that name the text a conflict keeps: typed key by key on a loaded
    machine (CI under faketime), a timed save can meet the conflict mid-word.
    """
    from screens import meeting_autosave

    monkeypatch.setattr(meeting_autosave, "SAVE_AFTER_PAUSE", 3600.0)
    monkeypatch.setattr(meeting_autosave, "SAVE_AT_LEAST_EVERY", 3600.0)


async def test_a_save_from_another_copy_is_not_overwritten(demo_db, saves_only_on_keys):
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
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Another copy saved these minutes" in text and "Other laptop's notes" in text
        assert "ctrl+o" in text and "ctrl+t" in text
        await pilot.press("ctrl+o")
        await settle(pilot)
    with demo_db.write() as s:
        assert s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one().text == "My notes"
        kept = [c.text for c in s.exec(select(MinutesConflict))]
        assert "My notes" in kept
        assert "Other laptop's notes" in kept  # overwritten by choice, but kept


async def test_escape_during_a_conflict_stays_and_loses_nothing(demo_db, saves_only_on_keys):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        mid = _meeting(demo_db).id
        with demo_db.write() as s:
            minutes_svc.save_minutes(s, mid, "OTHER COPY TEXT", 0)
        await type_text(pilot, "mine")
        await pilot.press("escape")  # flushes, meets the conflict: the banner shows, we stay
        await settle(pilot)
        assert "Another copy saved these minutes" in flat(screen_text(app))
        await pilot.press("escape")  # still waiting for the choice: we stay
        await pilot.pause()
        assert type(app.screen).__name__ == "MeetingScreen"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Another copy saved these minutes" not in flat(screen_text(app))
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
        # Pasted in one go: typed key by key on a loaded machine, an autosave may
        # find the finalised minutes mid-word, and the editor turns read-only.
        app.screen.editor.insert("late paragraph")
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


async def test_f9_exports_this_meetings_minutes_as_markdown(demo_db, tmp_path, monkeypatch):
    import screens.meeting

    # F9 saves what is typed, then asks; a loaded machine must not turn the
    # question into a notice (it opens only if the save ends within ASK_WITHIN).
    monkeypatch.setattr(screens.meeting, "ASK_WITHIN", 3600.0)
    out = tmp_path / "one.md"
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        await type_text(pilot, "Agreed # not a heading | nor a table")
        await pilot.press("f9")
        await settle(pilot)
        assert await _until(pilot, lambda: "Export the minutes of Tue 8 Dec" in screen_text(app))
        assert "Export the minutes of Tue 8 Dec 2026 as Markdown" in screen_text(app)
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
        app.screen.refresh_data()
        await settle(pilot)
        assert "1 kept copy" in flat(screen_text(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Kept copies")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert "A paragraph from the other laptop" in flat(screen_text(app))


# --- the scribe, one fact ----------------------------------------------------


async def test_the_screen_shows_who_took_over_as_scribe_and_when(demo_db):
    from peergroup.models import Member
    from peergroup.services import roles as roles_svc

    mid = _meeting(demo_db).id
    with demo_db.read() as s:
        planned = roles_svc.holder(s, mid, roles_svc.SCRIBE)
        other = s.exec(
            select(Member).where(Member.status == "active", Member.id != planned.id)
        ).first()
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        assert f"Scribe: {planned.name}" in screen_text(app)
        await pilot.press("f6")
        await settle(pilot)
        assert "Who takes the minutes of the meeting of Tue 8 Dec" in flat(screen_text(app))
        app.screen.query_one("#field-member_id").value = other.id
        await pilot.press("ctrl+s")
        await settle(pilot)
        # the time of day in the demo group's time zone, by the app's (pinned) clock
        at = app.clock.now().astimezone(ZoneInfo("America/New_York"))
        handover = f"{other.name} took over from {planned.name} at {at:%H:%M}"
        assert f"Scribe: {other.name}" in screen_text(app).splitlines()[0]
        assert handover in _agenda(app)
    with demo_db.read() as s:
        assert roles_svc.holder(s, mid, roles_svc.SCRIBE).id == other.id


# --- saving while the database is locked -------------------------------------


async def _until(pilot, condition, timeout: float = 15.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def _in_conflict(pilot, app, db, theirs: str, mine: str):  # noqa: ANN001, ANN202
    """Open the meeting, let another copy save ``theirs``, type ``mine``: the banner shows.

    Returns the meeting screen and the meeting's id.
    """
    await _open(pilot, app)
    mid = _meeting(db).id
    with db.write() as s:
        assert minutes_svc.save_minutes(s, mid, theirs, 0).saved
    await type_text(pilot, mine)
    meeting = app.screen
    assert await _until(pilot, lambda: meeting._in_conflict)
    return meeting, mid


def _toasts(app) -> str:  # noqa: ANN001
    """The text of the notifications on screen (right of their '▌' edge), as one line."""
    lines = [line.rsplit("▌", 1)[1] for line in screen_text(app).splitlines() if "▌" in line]
    return flat(" ".join(lines))


def _stored(db) -> str:  # noqa: ANN001
    """The minutes in the database, read as another program would (WAL: no waiting)."""
    with db.read() as s:
        row = s.exec(select(Minutes).where(Minutes.meeting_id == _meeting(db).id)).first()
    return row.text if row else ""


async def test_a_locked_database_leaves_the_text_pending_and_it_is_saved_later(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        with WriteLock(demo_db.path):
            await type_text(pilot, "Typed while locked")
            assert await _until(pilot, lambda: "Waiting for the database" in screen_text(app))
            await type_text(pilot, ", and more")  # the editor keeps taking keys
            await pilot.pause(1.2)
            assert _stored(demo_db) == ""
            assert type(app.screen).__name__ == "MeetingScreen"
            assert app.is_running
        assert await _until(pilot, lambda: _stored(demo_db) == "Typed while locked, and more")
        assert await _until(pilot, lambda: "Saved (revision 1)" in screen_text(app))


async def test_the_meeting_opens_at_once_while_another_copy_holds_the_write_lock(demo_db):
    """Opening the scribe's screen only reads: another program writing does not delay it."""
    with WriteLock(demo_db.path):
        app = app_for(demo_db.path, start_meeting=DAY)
        async with app.run_test(size=SIZE) as pilot:
            # Shown while the lock is still held (a write would wait for it, then fail).
            assert await _until(pilot, lambda: "Scribe:" in screen_text(app), 5)
            assert type(app.screen).__name__ == "MeetingScreen"
            await type_text(pilot, "Typed while another copy writes")
            assert app.screen.editor.text == "Typed while another copy writes"


async def test_a_recovery_file_does_not_hold_up_opening_while_another_copy_writes(demo_db):
    from peergroup.services import recovery

    mid = _meeting(demo_db).id
    recovery.write_recovery(demo_db.path, mid, "Left in a recovery file last time")
    with WriteLock(demo_db.path):
        app = app_for(demo_db.path, start_meeting=DAY)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            # On screen while the lock is held; the recovered text waits for the lock.
            assert await _until(pilot, lambda: "Scribe:" in screen_text(app), 5)
            await type_text(pilot, "Typing goes on")
            assert app.screen.editor.text == "Typing goes on"
            lock_held = True
        lock_held = False
    assert not lock_held
    # Next time, with the lock gone, the recovered text becomes a kept copy.
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await _until(pilot, lambda: "kept cop" in screen_text(app).splitlines()[-2])
    with demo_db.read() as s:
        kept = {c.text for c in minutes_svc.conflicts(s, mid)}
    # Leaving with the lock still held wrote the new typing beside the old text.
    # (The first session's own attempt may also have kept the older text alone,
    # as its write went in the moment the lock went: a duplicate, nothing lost.)
    assert f"Left in a recovery file last time\n\n{recovery.LATER}\nTyping goes on" in kept


async def test_f7_during_a_locked_save_never_pops_a_question_into_the_typing(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _open(pilot, app)
        with WriteLock(demo_db.path):
            await type_text(pilot, "Before F7")
            await pilot.press("f7")  # waits for the save, which waits for the lock
            await pilot.pause(0.3)
            await type_text(pilot, " yes and more")  # 'y', space: would answer a dialog
            await pilot.pause(0.5)
        assert await _until(pilot, lambda: _stored(demo_db) == "Before F7 yes and more")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "MeetingScreen"  # no question popped up later
        assert await _until(pilot, lambda: "Press F7 again to finalise" in _toasts(app), 3)
        with demo_db.read() as s:
            mid = _meeting(demo_db).id
            row = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one()
            assert row.finalised_at is None
        # Asked again with nothing pending, the question opens at once.
        await pilot.press("f7")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"


async def test_leaving_while_the_database_stays_locked_keeps_the_text_in_a_recovery_file(
    demo_db,
):
    path = demo_db.path
    mid = _meeting(demo_db).id
    recovery_file = path.with_name(f"{path.name}.recovery-{mid}.txt")
    app = app_for(path, start_meeting=DAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _open(pilot, app)
        with WriteLock(path):
            await type_text(pilot, "Said just before the lock")
            started = time.monotonic()
            await pilot.press("escape")
            await pilot.pause()
            assert time.monotonic() - started < 5  # gives up after a short wait
            assert type(app.screen).__name__ != "MeetingScreen"
            assert recovery_file.read_text(encoding="utf-8") == "Said just before the lock"
            assert "The database stayed locked, so the minutes were written to" in _toasts(app)
    assert _stored(demo_db) == ""

    app = app_for(path, start_meeting=DAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _open(pilot, app)
        assert "could not be saved then" in _toasts(app)
        app.clear_notifications()
        assert await _until(
            pilot, lambda: "1 kept copy (ctrl+r)" in screen_text(app).splitlines()[-2]
        )
        assert recovery_file.exists()  # kept until the user has seen it
        await pilot.press("ctrl+r")
        await settle(pilot)
        seen = flat(screen_text(app))
        assert "Recovered from" in seen and "Said just before the lock" in seen
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"
    assert not recovery_file.exists()
    with demo_db.read() as s:
        assert [c.text for c in minutes_svc.conflicts(s, mid)] == ["Said just before the lock"]


async def test_typing_goes_on_during_a_conflict_and_every_character_is_kept(demo_db):
    """The conflict banner takes no typed key: what the scribe keeps typing while
    it shows goes into the minutes (mine) or is kept (theirs), never lost."""
    from peergroup.services import recovery

    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        meeting, mid = await _in_conflict(pilot, app, demo_db, "Other laptop's notes", "My notes")
        # Letters that were choices in the old dialog ("m", "t") are just text now.
        typed_during = " then more typed; mtmt done"
        await type_text(pilot, typed_during)
        await pilot.pause(1.0)  # the autosave keeps ticking: it backs up, it does not save
        assert type(app.screen).__name__ == "MeetingScreen"
        assert meeting.editor.text == "My notes" + typed_during
        backup = recovery.recovery_file(demo_db.path, mid)

        def backed_up() -> bool:
            return (
                backup.exists() and backup.read_text(encoding="utf-8") == "My notes" + typed_during
            )

        assert await _until(pilot, backed_up)  # written by a worker on the autosave's tick
        assert meeting.flush() is False  # what SIGTERM does: keeps a copy, asks nothing new
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.screen.query_one("#minutes-editor").text == "Other laptop's notes"
        await type_text(pilot, " plus mine")
        await pilot.press("escape")
        await settle(pilot)
    with demo_db.read() as s:
        stored = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one().text
        kept = [c.text for c in minutes_svc.conflicts(s, mid)]
    assert stored == "Other laptop's notes plus mine"
    assert "My notes" + typed_during in kept  # every character typed, kept
    assert not backup.exists()  # the choice was made: the backup is gone


async def test_the_backup_during_a_conflict_follows_deletions_too(demo_db):
    """The recovery file holds what the editor holds while the choice waits: text the
    scribe deleted is not joined back in (nor is an older backup written last)."""
    from peergroup.services import recovery

    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        meeting, mid = await _in_conflict(pilot, app, demo_db, "Theirs", "Mine")
        backup = recovery.recovery_file(demo_db.path, mid)

        def backup_is(text: str) -> bool:
            return backup.exists() and backup.read_text(encoding="utf-8") == text

        await type_text(pilot, " and a typo")
        assert await _until(pilot, lambda: backup_is("Mine and a typo"))
        for _ in " a typo":
            await pilot.press("backspace")
        await type_text(pilot, " the rest")
        assert await _until(pilot, lambda: backup_is("Mine and the rest"))
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert await _until(pilot, lambda: not backup.exists())


async def test_the_live_backup_is_left_alone_and_an_earlier_sessions_text_outlives_the_choice(
    demo_db,
):
    """ctrl+r during a conflict does not take the live backup for a recovered file,
    and making the choice takes back only this session's part of the file."""
    from peergroup.services import recovery

    mid = _meeting(demo_db).id
    recovery.write_recovery(demo_db.path, mid, "Left by last session")
    backup = recovery.recovery_file(demo_db.path, mid)
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        meeting, _ = await _in_conflict(pilot, app, demo_db, "Theirs", "Mine")
        both = "Left by last session" + f"\n\n{recovery.LATER}\n" + "Mine"
        assert await _until(pilot, lambda: backup.exists() and backup.read_text() == both)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Kept copies of these minutes" in screen_text(app)
        assert "file is now removed" not in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        assert backup.read_text() == both  # still the live backup
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert await _until(pilot, lambda: backup.read_text() == "Left by last session")
    with demo_db.read() as s:
        stored = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one().text
        kept = [c.text for c in minutes_svc.conflicts(s, mid)]
    assert stored == "Mine"
    assert "Left by last session" in kept and "Theirs" in kept
    assert both not in kept


async def test_keep_mine_saves_what_was_typed_during_the_conflict(demo_db):
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        meeting, mid = await _in_conflict(pilot, app, demo_db, "Theirs", "Mine")
        await type_text(pilot, " and the rest")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not meeting._in_conflict
    with demo_db.read() as s:
        stored = s.exec(select(Minutes).where(Minutes.meeting_id == mid)).one().text
        kept = [c.text for c in minutes_svc.conflicts(s, mid)]
    assert stored == "Mine and the rest"
    assert "Theirs" in kept
