"""One-on-ones by keyboard: members (2), pairs (.), plan a round (g, ctrl+s), set a date (e),
mark it held (t), and the notes dialog says whose they are."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import PairCheckin, PairRound

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


async def test_schedule_a_pair_check_in_by_keyboard(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("full_stop")
        await settle(pilot)
        assert "No round yet" in flat(screen_text(app))
        await pilot.press("g")
        await settle(pilot)
        preview = flat(screen_text(app))
        assert "Round 1 of one-on-ones" in preview and "Sitting out this round" in preview
        with demo_db.read() as s:
            assert s.exec(select(PairRound)).first() is None  # a preview saves nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Round 1" in text and "no date yet" in text
        with demo_db.read() as s:
            r = s.exec(select(PairRound)).one()
            first = s.exec(select(PairCheckin).order_by(PairCheckin.id)).first()
        day = r.after_on + dt.timedelta(days=4)
        await pilot.press("e")
        await settle(pilot)
        assert "meet one-on-one" in flat(screen_text(app))
        await type_text(pilot, day.isoformat())
        await pilot.press("tab")
        await type_text(pilot, "12:15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"{day:%a %d %b} 12:15" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert "done" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "private to" in flat(screen_text(app))  # this copy has no owner: nothing shown
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert "No earlier rounds yet" in flat(screen_text(app))
    with demo_db.read() as s:
        c = s.get(PairCheckin, first.id)
        assert (c.on, c.at, c.status) == (day, dt.time(12, 15), "done")


async def test_one_of_the_pair_writes_private_notes(demo_db):
    from peergroup import config
    from peergroup.models import Group, PairNote
    from peergroup.services import pairs

    with demo_db.write() as s:
        group = s.exec(select(Group)).one()
        shown = pairs.propose(s, group.id, dt.date(2026, 11, 25))
        pairs.accept(s, group.id, shown, dt.date(2026, 11, 25))
        first = s.exec(select(PairCheckin).order_by(PairCheckin.id)).first()
        me, uuid = first.first_id, group.uuid
    config.put(config.owner_key(demo_db.path, uuid), {"member_id": me, "name": "me"})
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("full_stop")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Only the two of you can read these" in flat(screen_text(app))
        await type_text(pilot, "Talked about the K award")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Round 1" in screen_text(app)  # the dialog closed
    with demo_db.read() as s:
        note = s.exec(select(PairNote)).one()
        assert (note.checkin_id, note.text) == (first.id, "Talked about the K award")


async def test_names_with_markup_are_shown_literally_and_the_footer_fits_60_columns(demo_db):
    from peergroup.services import groups, membership

    with demo_db.write() as s:
        g = groups.list_groups(s)[0]
        for name in ("[/]", "[b]Bo[/b]", "Red \x1b[31mAlert"):
            membership.add_member(s, g, membership.MemberInput(name=name, joined_on="2026-01-01"))
    app = app_for(demo_db.path)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("full_stop")
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert footer.rstrip().endswith("^p palette") and "esc Back" in footer, footer
        await pilot.press("g")
        await settle(pilot)
        preview = screen_text(app)
        assert "[b]Bo[/b]" in preview and "[/]" in preview and "\\x1b[31m" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "[b]Bo[/b]" in screen_text(app)
    assert app.return_code in (None, 0)


async def test_with_a_passphrase_the_journal_is_unlocked_before_the_notes_open(demo_db):
    from peergroup import config
    from peergroup.models import Group, PairNote
    from peergroup.services import journal, pairs

    phrase = "the tide comes in twice"
    with demo_db.write() as s:
        group = s.exec(select(Group)).one()
        shown = pairs.propose(s, group.id, dt.date(2026, 11, 25))
        pairs.accept(s, group.id, shown, dt.date(2026, 11, 25))
        first = s.exec(select(PairCheckin).order_by(PairCheckin.id)).first()
        me, uuid = first.first_id, group.uuid
        journal.set_passphrase(s, group.id, me, phrase, phrase)
    config.put(config.owner_key(demo_db.path, uuid), {"member_id": me, "name": "me"})
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_pairs()  # as from the palette
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Unlock the journal" in flat(screen_text(app))
        await type_text(pilot, phrase)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Kept encrypted with your journal passphrase" in flat(screen_text(app))
        await type_text(pilot, "sealed words")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_db.read() as s:
        note = s.exec(select(PairNote)).one()
        assert note.text == "" and note.cipher and note.sealed_by_id == me


async def test_a_round_saved_by_mistake_is_taken_back_after_a_question(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_pairs()
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "Take back round 1" in flat(screen_text(app))
        await pilot.press("y")
        await settle(pilot)
        assert "No round yet" in flat(screen_text(app))
    with demo_db.read() as s:
        assert s.exec(select(PairRound)).first() is None
