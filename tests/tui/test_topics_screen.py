"""Steps 6 and 7 by keyboard at 80x24: rate, plan, override, invite.

Story: a round is open and nobody has rated. The facilitator hands the
keyboard to two members in turn; then accepts the planner's proposal, makes
one meeting an open slot by hand, adds an outside expert and invites her to
the next meeting. Home shows each step's status change as the data does.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import ExpertInvitation, Meeting, PlanEntry, TopicRating
from peergroup.services import groups, meetings, membership, needs, roles, topics

from ..conftest import TODAY
from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

TOPICS = (
    "scholarly-manuscript-critique",
    "career-saying-no",
    "growth-award-nominations",
    "navigating-burnout",
)


def _group(db) -> dict[str, int]:  # noqa: ANN001
    """Three members, monthly meetings from December, four topics, a round open today."""
    with db.write() as s:
        g = groups.create_group(s, "Topic crew", timezone="America/New_York")
        for name in ("Ada Byron", "Ben Osei", "Cleo Park"):
            membership.add_member(s, g, membership.MemberInput(name=name, joined_on="2025-01-01"))
        meetings.set_logistics(
            s,
            g,
            meetings.LogisticsInput(
                frequency="monthly-nth-weekday",
                weekday="tuesday",
                nth=2,
                start_time="07:30",
                first_meeting=dt.date(2026, 12, 8),
            ),
        )
        meetings.generate_meetings(s, g, today=TODAY)
        roles.rotate(s, g, today=TODAY)
        ids = {key: topics.adopt(s, g.id, key) for key in TOPICS}
        needs.open_round(s, g.id, TODAY, TODAY + dt.timedelta(days=14), TODAY)
        return ids


def _home_row(text: str, title: str) -> str:
    return next(line for line in text.splitlines() if title in line)


async def _rate(pilot, scores: list[str]) -> None:  # noqa: ANN001
    """In the ratings form: one score per topic (in title order), tab between."""
    for score in scores:
        await type_text(pilot, score)
        await pilot.press("tab")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_rate_plan_override_invite_and_watch_home(db):
    ids = _group(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = screen_text(app)
        assert "◐ started" in _home_row(home, "Generate topics")
        assert "· optional" in _home_row(home, "Bring in outside expertise")

        # --- two members rate, one after the other ------------------------------
        await pilot.press("6")
        await settle(pilot)
        assert "0/3 answered" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert "0 of 3 answered" in flat(screen_text(app))
        await pilot.press("enter")  # the first who has not answered: Ada
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Ratings by Ada Byron" in text
        # by title: manuscript critique, award nominations, burnout, saying no
        await _rate(pilot, ["5", "4", "2", "3"])
        assert "1 of 3 answered" in flat(screen_text(app))
        await pilot.press("enter")  # the cursor moved on to Ben
        await settle(pilot)
        assert "Ratings by Ben Osei" in flat(screen_text(app))
        await _rate(pilot, ["5", "3", "1", "4"])
        assert "2 of 3 answered" in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "2/3 answered" in text and "Cleo Park" in text
        first_row = next(line for line in text.splitlines() if "Critiquing" in line)
        assert "5.0" in first_row and " 2 " in first_row

        # --- accept the proposal, then set one meeting by hand ---------------------
        await pilot.press("g")
        await settle(pilot)
        assert "Curriculum plan" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        preview = flat(screen_text(app))
        assert "meeting(s) change" in preview and "(part 1 of 3)" in preview
        await pilot.press("y")
        await settle(pilot)
        plan = screen_text(app)
        assert "Critiquing a member's manuscript (part 1 of 3)" in plan
        assert "Critiquing a member's manuscript (part 3 of 3)" in plan
        await pilot.press("down", "down", "down")  # the fourth meeting
        await pilot.press("e")
        await settle(pilot)
        assert "Topic for the meeting of Tue 09 Mar 2027" in flat(screen_text(app))
        await pilot.press("enter", "down", "enter")  # "an open / ad hoc slot"
        await pilot.press("ctrl+s")
        await settle(pilot)
        plan = screen_text(app)
        march = next(line for line in plan.splitlines() if "09 Mar 27" in line)
        assert "✎" in march and topics.OPEN_SLOT in march

        # --- an outside expert, invited to the next meeting ------------------------
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Dr Lena Ortiz")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "lena at example")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "E-mail:" in flat(screen_text(app)) and "not an e-mail" in flat(screen_text(app))
        app.screen.query_one("#field-email").value = "lena@example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Dr Lena Ortiz" in screen_text(app)
        await pilot.press("tab")  # to the invitations
        await pilot.press("a")
        await settle(pilot)
        assert "Invite an outside expert" in flat(screen_text(app))
        await pilot.press("tab", "enter", "down", "enter")  # To: Tue 8 Dec 2026
        app.screen.query_one("#field-status").value = "invited"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "invited" in screen_text(app)

        # --- home: the round still waits for Cleo; the invitation needs a follow-up --
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        home = screen_text(app)
        assert type(app.screen).__name__ == "HomeScreen"
        assert "◐ started" in _home_row(home, "Generate topics")
        assert "! overdue" in _home_row(home, "Bring in outside expertise")
        assert "Next: Step 7: Dr Lena Ortiz has not confirmed" in flat(home)

    with db.read() as s:
        rated = s.exec(select(TopicRating)).all()
        assert len(rated) == 8 and {r.score for r in rated} == {1, 2, 3, 4, 5}
        ms = s.exec(select(Meeting).order_by(Meeting.on)).all()
        assert ms[0].topic_id == ids["scholarly-manuscript-critique"]
        entry = s.exec(select(PlanEntry).where(PlanEntry.meeting_id == ms[3].id)).one()
        assert (entry.kind, entry.manual, ms[3].topic_id) == ("open", True, None)
        invitation = s.exec(select(ExpertInvitation)).one()
        assert (invitation.meeting_id, invitation.status) == (ms[0].id, "invited")
        assert invitation.invited_on == TODAY


async def test_a_bad_rating_keeps_what_was_typed_and_saves_nothing(db):
    _group(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6", "r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for score in ("9", "4", "2", "3"):
            await type_text(pilot, score)
            await pilot.press("tab")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Critiquing a member's manuscript: '9' is not a rating" in text
        inputs = [w.value for w in app.screen.query("#form-fields Input")]
        assert inputs[:4] == ["9", "4", "2", "3"]
    with db.read() as s:
        assert s.exec(select(TopicRating)).all() == []


async def test_the_catalog_adopts_by_family_and_the_topic_can_be_retired(db):
    _group(db)
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6", "a")
        await settle(pilot)
        text = screen_text(app)
        assert "Topic catalog: General career (1 of 4)" in text
        assert "Preparing a promotion dossier" in text
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Scholarly productivity (2 of 4)" in screen_text(app)
        await pilot.press("down")  # 2nd of the family: the conference workshop
        await pilot.press("enter")
        await settle(pilot)
        assert "✔ adopted" in next(
            line for line in screen_text(app).splitlines() if "conference workshop" in line
        )
        await pilot.press("escape")
        await settle(pilot)
        assert "Proposing a conference workshop" in screen_text(app)
        table = app.screen.query_one("#topics")
        row = next(i for i in range(table.row_count) if "conference" in str(table.get_row_at(i)[0]))
        table.move_cursor(row=row)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        workshop = next(
            line for line in screen_text(app).splitlines() if "conference workshop" in line
        )
        assert "retired" in workshop
    with db.read() as s:
        from peergroup.models import Topic

        row = s.exec(select(Topic).where(Topic.catalog_key.like("%workshop"))).one()
        assert row.retired_on == TODAY
