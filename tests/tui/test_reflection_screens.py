"""Steps 5, 8 and 9 at 80x24, keyboard only, on the demo group.

Stories: on first use of the journal Priya says this copy is hers, writes a
private reflection that saves as she types; Ben, writing on the same laptop,
does not see it, nor do the minutes or search. Priya sets a passphrase and
her reflection is stored encrypted. Three members answer a new check and the
aggregate appears; a score of 7 is refused. The facilitator adds a support
request and exports the brief.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Select

from peergroup import config
from peergroup.models import (
    ConsequenceAnswer,
    ConsequenceRespondent,
    Group,
    Member,
    Reflection,
    SupportRequest,
)

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

SECRET = "lighthousekeeper"


def _members(db) -> dict[str, int]:  # noqa: ANN001
    with db.read() as s:
        return {m.name: m.id for m in s.exec(select(Member))}


def _reflections(db) -> list[Reflection]:  # noqa: ANN001
    with db.read() as s:
        return list(s.exec(select(Reflection).order_by(Reflection.id)))


async def _choose(pilot, field: str, value) -> None:  # noqa: ANN001
    """Pick ``value`` in a form's select (as the keyboard would, by its value)."""
    pilot.app.screen.query_one(f"#field-{field}", Select).value = value
    await pilot.pause()


async def _first_use_as(pilot, db, name: str) -> None:  # noqa: ANN001
    """Open step 8; the first-use dialog asks whose copy this is."""
    await pilot.press("8")
    await settle(pilot)
    assert "Whose copy of Peergroup is this?" in screen_text(pilot.app)
    await _choose(pilot, "member", _members(db)[name])
    await pilot.press("ctrl+s")
    await settle(pilot)


async def _write(pilot, text: str) -> None:  # noqa: ANN001
    await pilot.press("a")
    await settle(pilot)
    await pilot.press("ctrl+s")  # the new-reflection dialog: the latest meeting's prompt
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "JournalScreen"
    await type_text(pilot, text)
    await pilot.press("ctrl+s")
    screen = pilot.app.screen
    # Saved once the whole text is stored (a timed save of part of it may still
    # run when ctrl+s comes; the full one follows at the next tick).
    deadline = time.monotonic() + 15
    while not (screen.saver.is_safe(screen.editor.text) and not screen._saving):
        assert time.monotonic() < deadline, "the reflection was not saved"
        await pilot.pause(0.1)
    await settle(pilot)


async def test_a_private_reflection_stays_with_its_author(demo_db, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _first_use_as(pilot, demo_db, "Priya Raman")
        text = screen_text(app)
        assert "Writing as Priya Raman (this copy's owner)" in text
        assert "anyone who opens this database file could read them" in flat(text)

        await _write(pilot, f"my {SECRET} worry")
        text = screen_text(app)
        assert "Priya Raman · meeting of Tue 10 Nov 2026 · private" in text
        assert "Saved" in text
        mine = [r for r in _reflections(demo_db) if SECRET in r.text]
        assert len(mine) == 1 and not mine[0].shared and mine[0].prompt_key == "balance-time-share"
        await pilot.press("escape")
        await settle(pilot)
        assert f"my {SECRET} worry" in screen_text(app)

        # Ben writes on the same laptop, just for now: Priya's reflection is not his to see.
        await pilot.press("z")
        await settle(pilot)
        await _choose(pilot, "member", _members(demo_db)["Marcus Bell"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Writing as Marcus Bell · this copy belongs to Priya Raman" in text
        assert SECRET not in text
        assert "The most meaningful part" in text  # Priya's shared one is there

        # The minutes of that meeting, and search, do not show it either.
        app.open_meeting(on=dt.date(2026, 11, 10))
        await settle(pilot)
        assert SECRET not in screen_text(app) + app.screen.query_one("#minutes-editor").text
        await pilot.press("escape")
        await settle(pilot)
        app.action_search()  # as from the palette
        await settle(pilot)
        await type_text(pilot, SECRET)
        await pilot.press("enter")
        await settle(pilot)
        assert "No matches." in screen_text(app)
    owner = config.get(config.owner_key(demo_db.path, _group_uuid(demo_db)))
    assert owner["name"] == "Priya Raman"  # kept in the config folder
    assert b"owner:" not in demo_db.path.read_bytes()  # and not in the database


def _group_uuid(db) -> str:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(Group)).one().uuid


async def test_sharing_from_the_journal_puts_it_in_the_minutes_export(
    demo_db, tmp_path: Path, monkeypatch
):
    from screens.tracking import ExportMinutesDialog

    monkeypatch.chdir(tmp_path)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _first_use_as(pilot, demo_db, "Jamal Okafor")
        await _write(pilot, "for all of you")
        await pilot.press("f10")
        await settle(pilot)
        assert "SHARED with the group" in screen_text(app)
        await pilot.press("f10")  # and back
        await settle(pilot)
        assert "private" in screen_text(app)
        await pilot.press("f10")
        await settle(pilot)
        app.push_screen(ExportMinutesDialog())
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    text = (tmp_path / "minutes.md").read_text(encoding="utf-8")
    nov = text.split("## 2026-11-10")[1]
    assert "**Shared by:** Jamal Okafor" in nov and "for all of you" in nov
    # Jamal's private reflection of the demo stays out.
    assert "Taking the minutes meant I said less" not in text


async def test_a_passphrase_set_in_the_journal_encrypts_it(demo_db, monkeypatch):
    from peergroup.services import journal_crypto

    monkeypatch.setattr(journal_crypto, "SCRYPT_N", 2**14)  # fast here; the unit tests check 2**17
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _first_use_as(pilot, demo_db, "Marcus Bell")  # his demo reflection is private
        await pilot.press("u")
        await settle(pilot)
        assert "Nobody can recover a forgotten passphrase" in flat(screen_text(app))
        await type_text(pilot, "short")
        await pilot.press("tab")
        await type_text(pilot, "short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "at least 8" in flat(screen_text(app))
        for field in ("passphrase", "confirm"):
            app.screen.query_one(f"#field-{field}").value = "candour when tired"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "encrypted with your journal passphrase. Unlocked." in flat(text)
        assert "encrypted" in text and "Three values" in text
    marcus = [r for r in _reflections(demo_db) if r.member_id == _members(demo_db)["Marcus Bell"]]
    assert marcus and all(r.text == "" and r.cipher for r in marcus)


async def _answer(pilot, member_id: int, scores: dict[str, str]) -> str:  # noqa: ANN001
    await pilot.press("r")
    await settle(pilot)
    await _choose(pilot, "member", member_id)
    for key, value in scores.items():
        app = pilot.app
        app.screen.query_one(f"#field-{key}").focus()
        await type_text(pilot, value)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return screen_text(pilot.app)


async def test_three_members_answer_a_check_and_the_aggregate_appears(demo_db):
    people = _members(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert "Check of 9 Jun 2026" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Check of 25 Nov 2026" in text and "0 of 7 active members answered" in text
        assert "Not enough answers to show without identifying anyone" in flat(text)

        # A score of 7 is refused next to its field; nothing is saved.
        text = await _answer(pilot, people["Priya Raman"], {"worth_time": "7"})
        assert "Worth my time     7" in text
        assert "7 is out of range; type a whole number from 1 to 5." in flat(text)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard what was typed
        await settle(pilot)
        with demo_db.read() as s:
            assert len(s.exec(select(ConsequenceRespondent)).all()) == 11  # the demo's only

        for name, worth in (("Priya Raman", "2"), ("Marcus Bell", "3"), ("Hannah Whitfield", "2")):
            await _answer(pilot, people[name], {"worth_time": worth, "enmeshment": "4"})
            text = screen_text(app)
        assert "3 of 7 active members answered" in text
        lines = {line.split("  ")[0].strip(): " ".join(line.split()) for line in text.splitlines()}
        assert lines["Worth my time"] == "Worth my time 2.3 2–3 ! a concern"
        assert lines["Soft on feedback"] == "Soft on feedback 4.0 4–4 ! a concern"
        assert lines["Niche overlap"] == "Niche overlap –"  # nobody scored it
        results = text.split("Signals from")[0]  # the signals name people, from other data
        assert not any(n in results for n in ("Priya", "Marcus", "Hannah"))

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Check of 9 Jun 2026" in screen_text(app)
    with demo_db.read() as s:
        assert "member_id" not in ConsequenceAnswer.model_fields
        assert len(s.exec(select(ConsequenceRespondent)).all()) == 14


async def test_a_support_request_then_the_brief(demo_db, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert "1 planned, 1 asked, 1 granted" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Division chief")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "The ask is empty; say what the group asks for" in flat(screen_text(app))
        app.screen.query_one("#field-ask").load_text("A teaching half-day each quarter")
        await _choose(pilot, "kind", "financial-indirect")
        await _choose(pilot, "status", "asked")
        app.screen.query_one("#field-asked_on").value = "2026-11-20"
        app.screen.query_one("#field-answered_on").value = "2026-11-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "an answer date needs the status granted or declined" in flat(screen_text(app))
        app.screen.query_one("#field-answered_on").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "2 asked, 1 planned, 1 granted" in text or "1 planned, 2 asked, 1 granted" in text
        assert "A teaching half-day" in text
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    brief = (tmp_path / "support-brief.md").read_text(encoding="utf-8")
    assert "### A teaching half-day each quarter" in brief
    assert "- **Kind:** Financial, indirect" in brief
    with demo_db.read() as s:
        assert len(s.exec(select(SupportRequest)).all()) == 4


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2027, 1, 20), "Step 5: The support request to Vice chair for faculty affairs"),
        (dt.date(2026, 12, 20), "Step 9: The consequences check is due"),
    ],
)
async def test_home_names_the_one_next_thing_for_steps_5_and_9(demo_db, today, expected):
    from peergroup.clock import FixedClock

    app = app_for(demo_db.path, clock=FixedClock(today))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert expected in flat(screen_text(app))


async def test_a_locked_journal_opens_with_the_right_passphrase_only(demo_db, monkeypatch):
    from peergroup.services import journal as journal_svc
    from peergroup.services import journal_crypto

    monkeypatch.setattr(journal_crypto, "SCRYPT_N", 2**14)
    people = _members(demo_db)
    with demo_db.write() as s:
        group = s.exec(select(Group)).one()
        journal_svc.set_passphrase(
            s, group.id, people["Hannah Whitfield"], "quiet mornings", "quiet mornings"
        )
        journal_svc.set_owner(s, group.id, demo_db.path, people["Hannah Whitfield"])
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        text = screen_text(app)
        assert "Locked: u or enter to unlock." in flat(text) and "(locked)" in text
        assert "After the difficult feedback" not in text
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "quiet morning")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "does not open this journal" in flat(screen_text(app))
        app.screen.query_one("#field-passphrase").value = "quiet mornings"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "JournalScreen"
        text = screen_text(app)
        assert "private, encrypted" in text and "After the difficult feedback" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "Unlocked." in flat(screen_text(app))
