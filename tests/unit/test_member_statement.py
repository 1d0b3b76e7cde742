"""A member's statement for a dossier: only facts from the records, escaped, never private.

Tamsin joined the Lantern group on 1 Feb 2025. Meetings on the first Tuesday:
    4 Mar 2025  present, discussion lead on "Writing <b>grants</b>"
    1 Apr 2025  apologies, scribe
    6 May 2025  cancelled (she was to be scribe: never counts)
    3 Jun 2025  present, facilitator
    3 Feb 2026  present, discussion lead (no topic, title "Open floor")
    1 Dec 2026  after today (2026-11-25): not held
A meeting on 7 Jan 2025 was before she joined (never expected of her); at 2 Sep 2025
nobody took attendance (not counted either way).
Goals: "Submit R01" met (100% check-in 10 Jun 2025), "Teaching award" achieved with a due
date in 2026, "Open goal" still open, a goal of Kai's achieved (not hers).
Tallies: review 2025 publications 2 and an "other" kind; review 2026 teaching awards 1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from peergroup.cli import run
from peergroup.export.document import to_html, to_markdown
from peergroup.models import (
    Attendance,
    Evaluation,
    Goal,
    GoalCheckin,
    GoalCompetency,
    Meeting,
    Member,
    OutcomeTally,
    Reflection,
    Role,
    RoleAssignment,
    Topic,
    TopicCompetency,
)
from peergroup.services import groups as groups_svc
from peergroup.services import member_statement as ms
from peergroup.services import roles as roles_svc

TODAY = dt.date(2026, 11, 25)
HOSTILE = "Writing <b>grants</b> *now* [x](javascript:alert(1))"
SECRET = "privatecanaryqq"


def _build(db):  # noqa: ANN001, ANN202
    with db.write() as s:
        group = groups_svc.create_group(s, "Lantern", timezone="UTC")
        gid = group.id
        tam = Member(group_id=gid, name="Tamsin", joined_on=dt.date(2025, 2, 1))
        kai = Member(group_id=gid, name="Kai", joined_on=dt.date(2024, 1, 1))
        s.add_all([tam, kai])
        s.flush()
        topic = Topic(group_id=gid, family="scholarly", title=HOSTILE)
        own = Role(group_id=gid, name="Timekeeper")
        s.add_all([topic, own])
        s.flush()
        role = {k: roles_svc.role_by_key(s, gid, k) for k in ("facilitator", "scribe", "lead")}

        def meeting(day, status="scheduled", **kw):  # noqa: ANN001, ANN003, ANN202
            m = Meeting(group_id=gid, on=day, start_time=dt.time(8), status=status, **kw)
            s.add(m)
            s.flush()
            return m.id

        jan = meeting(dt.date(2025, 1, 7))
        mar = meeting(dt.date(2025, 3, 4), topic_id=topic.id)
        apr = meeting(dt.date(2025, 4, 1))
        may = meeting(dt.date(2025, 5, 6), "cancelled")
        jun = meeting(dt.date(2025, 6, 3))
        meeting(dt.date(2025, 9, 2))  # held, but nobody took attendance: not counted
        feb = meeting(dt.date(2026, 2, 3), title="Open floor")
        dec = meeting(dt.date(2026, 12, 1))
        for mid, status in ((mar, "present"), (apr, "apologies"), (jun, "present")):
            s.add(Attendance(meeting_id=mid, member_id=tam.id, status=status))
        s.add(Attendance(meeting_id=feb, member_id=tam.id, status="present"))
        s.add(Attendance(meeting_id=jan, member_id=kai.id, status="present"))
        for mid, key in (
            (mar, "lead"),
            (apr, "scribe"),
            (may, "scribe"),
            (jun, "facilitator"),
            (feb, "lead"),
            (dec, "lead"),
        ):
            s.add(RoleAssignment(meeting_id=mid, role_id=role[key].id, member_id=tam.id))
        s.add(RoleAssignment(meeting_id=jun, role_id=own.id, member_id=tam.id))
        s.add(RoleAssignment(meeting_id=mar, role_id=role["facilitator"].id, member_id=kai.id))
        r01 = Goal(group_id=gid, member_id=tam.id, title="Submit R01", status="achieved")
        award = Goal(
            group_id=gid,
            member_id=tam.id,
            title="Teaching award",
            status="achieved",
            due=dt.date(2026, 6, 30),
        )
        s.add_all(
            [
                r01,
                award,
                Goal(group_id=gid, member_id=tam.id, title="Open goal"),
                Goal(group_id=gid, member_id=kai.id, title="Kai's goal", status="achieved"),
            ]
        )
        s.flush()
        s.add(GoalCheckin(goal_id=r01.id, on=dt.date(2025, 6, 10), progress=100))
        s.add_all(
            [
                TopicCompetency(topic_id=topic.id, key="scholar"),
                GoalCompetency(goal_id=r01.id, key="scholar"),
                GoalCompetency(goal_id=award.id, key="leader"),
            ]
        )
        ev25 = Evaluation(
            group_id=gid, year=2025, period_start=dt.date(2025, 1, 1), started_on=TODAY
        )
        ev26 = Evaluation(
            group_id=gid, year=2026, period_start=dt.date(2026, 1, 1), started_on=TODAY
        )
        s.add_all([ev25, ev26])
        s.flush()
        s.add_all(
            [
                OutcomeTally(evaluation_id=ev25.id, member_id=tam.id, kind="publications", count=2),
                OutcomeTally(
                    evaluation_id=ev25.id,
                    member_id=tam.id,
                    kind="other",
                    label="Workshops <i>led</i>",
                    count=1,
                ),
                OutcomeTally(evaluation_id=ev26.id, member_id=tam.id, kind="publications", count=1),
                OutcomeTally(evaluation_id=ev26.id, member_id=kai.id, kind="publications", count=7),
                Reflection(member_id=tam.id, meeting_id=mar, text=SECRET),
            ]
        )
        return tam.id


@pytest.fixture
def tamsin(db):  # noqa: ANN001, ANN201
    return _build(db)


def test_statement_counts_what_the_records_say(db, tamsin):  # noqa: ANN001
    with db.read() as s:
        view = ms.statement(s, tamsin, today=TODAY)
    assert view.joined_on == dt.date(2025, 2, 1)
    assert (view.attended, view.held) == (3, 4)  # Jan before joining, May cancelled, Dec ahead
    assert dict(view.roles) == {
        "Discussion lead": 2,
        "Scribe (minutes)": 1,
        "Facilitator": 1,
        "Timekeeper": 1,
    }
    assert [(x.on, x.topic) for x in view.led] == [
        (dt.date(2025, 3, 4), HOSTILE),
        (dt.date(2026, 2, 3), "Open floor"),
    ]
    assert [(g.title, g.on) for g in view.goals_met] == [
        ("Submit R01", dt.date(2025, 6, 10)),
        ("Teaching award", dt.date(2026, 6, 30)),
    ]
    assert dict(view.outcomes) == {"Publications": 3, "Workshops <i>led</i>": 1}
    # the led session's topic (scholar) and the goals met (scholar, leader)
    assert view.competencies == (("Leader", 1), ("Scholar", 2))
    assert view.records_from is None  # the records start before she joined


def test_year_restricts_everything(db, tamsin):  # noqa: ANN001
    with db.read() as s:
        y25 = ms.statement(s, tamsin, 2025, today=TODAY)
        y26 = ms.statement(s, tamsin, 2026, today=TODAY)
    assert (y25.attended, y25.held) == (2, 3)
    assert dict(y25.roles) == {
        "Discussion lead": 1,
        "Scribe (minutes)": 1,
        "Facilitator": 1,
        "Timekeeper": 1,
    }
    assert [g.title for g in y25.goals_met] == ["Submit R01"]
    assert dict(y25.outcomes) == {"Publications": 2, "Workshops <i>led</i>": 1}
    assert y25.competencies == (("Scholar", 2),)
    assert (y26.attended, y26.held) == (1, 1)
    assert [x.topic for x in y26.led] == ["Open floor"]
    assert [g.title for g in y26.goals_met] == ["Teaching award"]
    assert dict(y26.outcomes) == {"Publications": 1}


def test_hostile_text_is_escaped_and_nothing_private(db, tamsin):  # noqa: ANN001
    with db.read() as s:
        doc = ms.document(ms.statement(s, tamsin, today=TODAY))
    html = to_html(doc)
    md = to_markdown(doc)
    assert "<b>grants</b>" not in html and "&lt;b&gt;grants&lt;/b&gt;" in html
    assert "<i>led</i>" not in html
    assert 'href="javascript' not in html
    assert "\\[x\\](javascript" in md  # the brackets are escaped: no link
    assert "\\*now\\*" in md
    for text in (html, md):
        assert SECRET not in text


def test_cli_writes_the_statement(db, tamsin, tmp_path, capsys):  # noqa: ANN001
    out = tmp_path / "tamsin.html"
    code = run(["--db", db.target, "report", "member", "tamsin", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    page = out.read_text()
    assert "Tamsin" in page and "3 of 4 held" in page
    assert SECRET not in page
    out_md = tmp_path / "tamsin.md"
    code = run(
        ["--db", db.target, "report", "member", "Tamsin", "--year", "2026", "-o", str(out_md)]
    )
    assert code == 0
    assert "1 of 1 held" in out_md.read_text()
    code = run(["--db", db.target, "report", "member", "Nobody", "-o", str(out_md)])
    assert code == 2
    assert "Nobody" in capsys.readouterr().err


def test_a_member_older_than_the_records_is_told_what_is_not_counted(db, tamsin):  # noqa: ANN001
    with db.write() as s:
        group_id = s.get(Member, tamsin).group_id
        old = Member(group_id=group_id, name="Olwen", joined_on=dt.date(2023, 5, 1))
        s.add(old)
        s.flush()
        old_id = old.id
    with db.read() as s:
        whole = ms.statement(s, old_id, today=TODAY)
        later = ms.statement(s, old_id, 2026, today=TODAY)
    assert whole.records_from == dt.date(2025, 1, 7)
    assert later.records_from is None  # 2026 is fully on record
    assert "on record from 07 Jan 2025" in to_markdown(ms.document(whole))
