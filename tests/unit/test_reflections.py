"""Step 8's prompts, and the group-file sections of steps 5, 8 and 9.

Stories: the group writes a prompt of its own and picks it for the next
meeting; it shows on the agenda and in the calendar like a bundled one. The
library says which prompts were used and when. The demo group file carries
prompts used, reflections, support requests and two anonymous checks, and
gives the same group on any day; a bad entry names its field and imports
nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import func, select

from peergroup import content, groupfile
from peergroup.clock import FixedClock
from peergroup.errors import InputError
from peergroup.models import (
    ConsequenceAnswer,
    ConsequenceCheck,
    ConsequenceRespondent,
    Group,
    GroupPrompt,
    Meeting,
    Reflection,
    SupportRequest,
)
from peergroup.services import calendar_export
from peergroup.services import consequences as checks_svc
from peergroup.services import groups as groups_svc
from peergroup.services import meetings as meetings_svc
from peergroup.services import minutes as minutes_svc
from peergroup.services import reflections as reflections_svc

TODAY = dt.date(2026, 11, 25)
DEMO = "Northbridge GIM Clinician-Educator Peer Group"


def _demo(db):  # noqa: ANN001, ANN202
    with db.read() as s:
        return groups_svc.find_group(s, DEMO)


def test_the_library_has_every_theme_and_the_six_compassion_attributes(demo_db):
    group = _demo(demo_db)
    with demo_db.read() as s:
        lib = reflections_svc.library(s, group.id, TODAY)
    assert set(lib.themes) == {r.theme for r in lib.rows}
    assert lib.themes == reflections_svc.THEMES
    attributes = {r.attribute for r in lib.rows if r.theme == "compassion"}
    assert attributes == {
        "motivation",
        "distress tolerance",
        "non-judgement",
        "empathy",
        "sympathy",
        "sensitivity",
    }
    used = {r.key: r.used_on for r in lib.rows if r.used_on}
    assert used["values-core-three"] == (dt.date(2026, 10, 13),)
    own = next(r for r in lib.rows if r.own)
    assert (own.key, own.theme, own.used_on) == (
        "own-protected-hour",
        "balance",
        (dt.date(2027, 2, 9),),
    )
    assert [m.on for m in lib.upcoming][:2] == [dt.date(2026, 12, 8), dt.date(2027, 2, 9)]


def test_an_own_prompt_shows_on_the_agenda_and_in_the_calendar(demo_db):
    group = _demo(demo_db)
    with demo_db.write() as s:
        key = reflections_svc.add_own_prompt(
            s, group.id, "gratitude", "Who quietly made your term easier?"
        )
        assert key == "own-2"
        dec = next(m for m in meetings_svc.list_meetings(s, group) if m.on == dt.date(2026, 12, 8))
        before = dec.sequence
        assert reflections_svc.use_prompt(s, dec.id, key) == dt.date(2026, 12, 8)
        assert dec.sequence == before + 1  # the calendar event changed
    with demo_db.read() as s:
        day = minutes_svc.open_meeting(s, dec.id, today=TODAY)
        assert day.prompt_text == "Who quietly made your term easier?"
        data, _count = calendar_export.group_calendar(s, s.get(Group, group.id))
    assert b"Who quietly made your term easier?" in data.replace(b"\r\n ", b"")
    with demo_db.write() as s:
        reflections_svc.retire_own_prompt(s, group.id, key)
        # A retired prompt stays where it was used, but cannot be picked again.
        assert reflections_svc.prompt_text(s, group.id, key).startswith("Who quietly")
        with pytest.raises(InputError):
            reflections_svc.check_prompt_key(s, group.id, key)
        # Setting a meeting's agenda keeps its (retired) prompt as it is.
        meetings_svc.set_agenda(s, dec, title="Role-play", prompt_key=key)


def test_own_prompts_need_a_theme_text_and_no_twin(demo_db):
    group = _demo(demo_db)
    for theme, text, field in (
        ("hobbies", "What do you do on weekends?", "theme"),
        ("balance", "   ", "text"),
        (
            "balance",
            "If the division gave you back one protected hour a week, what would you do "
            "with it, and what would your learners notice?",
            "text",
        ),
    ):
        with pytest.raises(InputError) as err, demo_db.write() as s:
            reflections_svc.add_own_prompt(s, group.id, theme, text)
        assert err.value.field == field
    with demo_db.read() as s:
        assert s.exec(select(func.count()).select_from(GroupPrompt)).one() == 1
    with pytest.raises(InputError), demo_db.write() as s:
        reflections_svc.use_prompt(s, 1, "no-such-prompt")


def test_the_step_wants_a_prompt_for_the_next_meeting(db):
    with db.write() as s:
        group = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        m1 = Meeting(group_id=group.id, on=dt.date(2026, 11, 10), start_time=dt.time(8))
        m2 = Meeting(group_id=group.id, on=dt.date(2026, 12, 8), start_time=dt.time(8))
        s.add_all([m1, m2])
        s.flush()
        step = reflections_svc.step_status(s, group, TODAY)
        assert step.state == "todo" and "Pick a reflection prompt" in step.next_action
        reflections_svc.use_prompt(s, m1.id, "meaning-recent-moment")
        step = reflections_svc.step_status(s, group, TODAY)
        assert step.state == "partial" and "Tue 8 Dec has no reflection prompt" in step.next_action
        reflections_svc.use_prompt(s, m2.id, "growth-one-skill")
        assert reflections_svc.step_status(s, group, TODAY).state == "done"


# --- group files ---------------------------------------------------------------------------


def test_the_demo_file_carries_prompts_reflections_support_and_checks(demo_db):
    group = _demo(demo_db)
    with demo_db.read() as s:
        meetings = {m.on: m.prompt_key for m in meetings_svc.list_meetings(s, group)}
        assert meetings[dt.date(2026, 11, 10)] == "balance-time-share"
        assert meetings[dt.date(2027, 2, 9)] == "own-protected-hour"
        reflections = s.exec(select(Reflection)).all()
        assert sorted(r.shared for r in reflections) == [False, False, False, True, True]
        free = next(r for r in reflections if r.meeting_id is None)
        assert (free.prompt_key, free.created_at.date()) == (
            "balance-self-compassion",
            dt.date(2026, 11, 18),
        )
        statuses = [r.status for r in s.exec(select(SupportRequest).order_by(SupportRequest.id))]
        assert statuses == ["granted", "asked", "planned"]
        checks = checks_svc.list_checks(s, group.id)
        assert [c.on for c in checks] == [dt.date(2025, 12, 9), dt.date(2026, 6, 9)]
        assert s.exec(select(func.count()).select_from(ConsequenceRespondent)).one() == 11
        assert s.exec(select(func.count()).select_from(ConsequenceAnswer)).one() == 66
        assert s.get(Group, group.id).check_interval_months == 6
        trend = checks_svc.trend(s, group.id)
        assert next(r for r in trend.rows if r.key == "worth_time").means == (4.0, 2.8)


def _rows(db) -> dict[str, list]:  # noqa: ANN001
    with db.read() as s:
        return {
            "prompts": sorted((m.on, m.prompt_key, m.sequence) for m in s.exec(select(Meeting))),
            "reflections": sorted(
                (r.member_id, r.meeting_id, r.prompt_key, r.text, r.shared, r.created_at)
                for r in s.exec(select(Reflection))
            ),
            "support": sorted(
                (r.to_whom, r.kind, r.status, r.asked_on, r.answered_on)
                for r in s.exec(select(SupportRequest))
            ),
            "checks": sorted((c.on, c.notes) for c in s.exec(select(ConsequenceCheck))),
            "answers": sorted(
                (a.check_id, a.question_key, a.score) for a in s.exec(select(ConsequenceAnswer))
            ),
        }


def test_the_import_gives_the_same_group_on_any_day(make_db, tmp_path: Path):
    results = []
    for day in (dt.date(2026, 8, 3), dt.date(2027, 5, 20)):
        db = make_db(tmp_path / f"{day}.db", clock=FixedClock(day))
        with db.write() as s:
            groupfile.import_group(s, groupfile.read(content.demo_group_file()))
        results.append(_rows(db))
    assert results[0] == results[1]


SMALL = """\
[group]
name = "Harbour Lights Peer Group"

[[members]]
name = "Ada Byron"
joined = 2026-01-13

[[members]]
name = "Ben Okri"
joined = 2026-01-13

[[members]]
name = "Cy Prospect"
status = "prospective"

[logistics]
frequency = "monthly-nth-weekday"
weekday = "tuesday"
nth = 2
start_time = "07:30"
first_meeting = 2026-09-08
"""


@pytest.mark.parametrize(
    ("extra", "field", "says"),
    [
        (
            '[[prompts_used]]\non = 2026-09-09\nprompt = "values-core-three"\n',
            "prompts_used[1].on",
            "there is no meeting on 2026-09-09",
        ),
        (
            '[[prompts_used]]\non = 2026-09-08\nprompt = "nope"\n',
            "prompts_used[1].prompt",
            "is not a prompt",
        ),
        (
            '[[reflections]]\nauthor = "Ada Byron"\ntext = "x"\n',
            "reflections[1].written",
            "is missing",
        ),
        (
            '[[reflections]]\nauthor = "Cy Prospect"\nwritten = 2026-09-09\ntext = "x"\n',
            "reflections[1].author",
            "has not joined yet",
        ),
        (
            '[[reflections]]\nauthor = "Ada Byron"\nwritten = 2026-09-09\nshared = "yes"\ntext = "x"\n',
            "reflections[1].shared",
            "true or false",
        ),
        ('[[support]]\nto = "Chair"\nask = ""\n', "support[1].ask", "is empty"),
        (
            '[[support]]\nto = "Chair"\nask = "Breakfast"\nstatus = "granted"\nasked = 2026-10-10\n'
            "answered = 2026-10-01\n",
            "support[1].answered",
            "is before the date asked",
        ),
        ("[consequences]\ninterval_months = 40\n", "consequences.interval_months", "out of range"),
        (
            '[[consequences.checks]]\non = 2026-05-12\nrespondents = ["Ada Byron", "Ada Byron"]\n',
            "consequences.checks[1].respondents",
            "names a member twice",
        ),
        (
            '[[consequences.checks]]\non = 2026-05-12\nrespondents = ["Ada Byron"]\n'
            "[consequences.checks.answers]\nworth_time = [9]\n",
            "consequences.checks[1].answers.worth_time",
            "out of range",
        ),
        (
            '[[consequences.checks]]\non = 2026-05-12\nrespondents = ["Ada Byron"]\n'
            "[consequences.checks.answers]\nworth_time = [4, 5]\n",
            "consequences.checks[1].answers.worth_time",
            "only 1 members answered",
        ),
        (
            "[[consequences.checks]]\non = 2026-05-12\nwho = 3\n",
            "consequences.checks[1].who",
            "is not a field here",
        ),
    ],
    ids=[
        "prompt-date",
        "prompt-key",
        "reflection-date",
        "reflection-prospect",
        "reflection-shared",
        "empty-ask",
        "answered-before-asked",
        "interval",
        "twice",
        "score",
        "more-scores-than-people",
        "unknown-field",
    ],
)
def test_a_bad_entry_names_its_field_and_imports_nothing(db, tmp_path: Path, extra, field, says):
    path = tmp_path / "g.toml"
    path.write_text(SMALL + "\n" + extra, encoding="utf-8")
    with pytest.raises(InputError) as err, db.write() as s:
        groupfile.import_group(s, groupfile.read(path))
    assert err.value.field == field, err.value
    assert says in err.value.message
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Group)).one() == 0
