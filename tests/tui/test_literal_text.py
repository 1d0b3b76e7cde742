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
    with db.write() as s:
        g = groups.create_group(s, "[red]Group[/red] \x1b[2J", timezone="UTC")
        for i, name in enumerate(NASTY):
            membership.add_member(
                s, g, membership.MemberInput(name=name, email=f"m{i}@example.org")
            )
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
        assert "[link=x]click[/lin" in members  # cut to the column width, still literal
        assert "Red \\x1b[31mAlert" in members
        assert "[/]" in members
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "[b]Goal[/b] \\x1b[31m" in text
        assert "Our [i]mission[/i] \\x1b]8;;http://x\\x07link" in text


async def test_markup_in_names_is_safe_in_dialog_labels_and_role_columns(demo_db):
    """Found in review: '[/]' as a form label or a table header ended the app."""
    from peergroup.services import roles

    with demo_db.write() as s:
        g = groups.list_groups(s)[0]
        membership.add_member(s, g, membership.MemberInput(name="[/]", joined_on="2026-01-01"))
        membership.add_member(
            s, g, membership.MemberInput(name="Red \x1b[31mAlert", joined_on="2026-01-01")
        )
        roles.add_role(s, g, "[/] [bold]keeper", rotates=True)
        roles.add_role(s, g, "[b]Host[/b]", rotates=False)
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        text = screen_text(app)
        assert "[/]" in text and "Red \\x1b[31mAlert" in text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        app.action_roles()
        await settle(pilot)
        text = screen_text(app)
        assert "[/] [bold]keeper" in text and "[b]Host[/b]" in text
        await pilot.press("e")
        await pilot.pause()
        assert "[b]Host[/b]" in screen_text(app)
    assert app.return_code in (None, 0)
