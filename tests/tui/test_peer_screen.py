"""Step 1 by keyboard: the group's definition of 'peer'."""

from __future__ import annotations

from sqlmodel import select

from peergroup.models import PeerTrait
from peergroup.services import groups, peer

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


async def test_defining_peers_is_saved_and_shown_on_home(db):
    with db.write() as s:
        groups.create_group(s, "G", timezone="UTC")
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "○ to do" in screen_text(app)
        await pilot.press("1")
        await settle(pilot)
        await pilot.click("#trait-institution")
        await type_text(pilot, "Brown; Lifespan")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "institution: Brown; Lifespan" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "Peers here share: institution: Brown; Lifespan" in text
    with db.write() as s:
        assert [t.value for t in s.exec(select(PeerTrait).order_by(PeerTrait.position))] == [
            "Brown",
            "Lifespan",
        ]


async def test_leaving_with_unsaved_changes_asks_first(db):
    with db.write() as s:
        groups.create_group(s, "G", timezone="UTC")
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.click("#trait-track")
        await type_text(pilot, "Clinician educator")
        await pilot.press("escape")
        await pilot.pause()
        assert "unsaved changes" in screen_text(app)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen.query_one("#trait-track").value == "Clinician educator"


async def test_what_is_typed_survives_a_dialog_opening_and_closing_above(db):
    """The screen reloads when a dialog above it closes; unsaved typing must stay."""
    with db.write() as s:
        g = groups.create_group(s, "G", timezone="UTC")
        peer.set_definition(s, g, {"institution": "Brown"}, "")
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.query_one("#trait-institution").value == "Brown"
        await pilot.click("#trait-track")
        await type_text(pilot, "Clinician educator")
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#trait-track").value == "Clinician educator"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "track or rank: Clinician educator" in flat(screen_text(app))
    with db.read() as s:
        assert [(t.kind, t.value) for t in s.exec(select(PeerTrait).order_by(PeerTrait.id))] == [
            ("institution", "Brown"),
            ("track", "Clinician educator"),
        ]
