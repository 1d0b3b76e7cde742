"""User text is data: markup and escape codes show exactly as typed."""

from __future__ import annotations

from peergroup.services import goals, groups, membership

from .helpers import SIZE, app_for, screen_text, settle

NASTY = [
    "[bold]Dana[/]",
    "[link=x]click[/link]",
    "Red \x1b[31mAlert",
    "[/]",
]


async def test_markup_and_escape_codes_in_names_goals_and_mission_render_literally(db):
    with db.scope() as s:
        g = groups.create_group(s, "[red]Group[/red] \x1b[2J", timezone="UTC")
        for i, name in enumerate(NASTY):
            membership.add_member(s, g, membership.MemberInput(name=name, email=f"m{i}@example.org"))
        goals.add_goal(s, g, goals.GoalInput(title="[b]Goal[/b] \x1b[31m"))
        goals.adopt_mission(s, g, "Our [i]mission[/i] \x1b]8;;http://x\x07link")
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = screen_text(app)
        assert "[red]Group[/red] \\x1b[2J" in home
        await pilot.press("2")
        await settle(pilot)
        members = screen_text(app)
        assert "[bold]Dana[/]" in members
        assert "[link=x]click[/link]" in members
        assert "Red \\x1b[31mAlert" in members
        assert "[/]" in members
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "[b]Goal[/b] \\x1b[31m" in text
        assert "Our [i]mission[/i] \\x1b]8;;http://x\\x07link" in text
