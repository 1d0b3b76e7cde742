"""Steps 6 and 7 in group files, the demo's curriculum, the roadmap's step 6,
the Markdown export and older databases.

Stories: the demo opens with a finished needs assessment, a plan to June with
a three-part series and two experts; what a group holds goes out through
``dump`` and comes back identical; a file with a bad reference names the
field; importing on two different days gives the same calendar; the CLI writes
the plan and the ranking; ratings an older version stored get a round.
"""

from __future__ import annotations

import copy
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from curriculum_helpers import TODAY, build_group
from sqlmodel import select

from peergroup import content, groupfile, steps
from peergroup.cli import run
from peergroup.errors import InputError
from peergroup.groupfile.curriculum_dump import dump
from peergroup.models import Expert, NeedsAnswer, PlanEntry, Topic, TopicRating
from peergroup.services import (
    calendar_export,
    curriculum,
    experts,
    groups,
    needs,
    topic_views,
)

DEMO_TODAY = dt.date(2026, 11, 25)


def _doc() -> dict:
    return groupfile.read(content.demo_group_file())


def test_the_demo_has_a_finished_assessment_a_plan_with_a_series_and_two_experts(demo_db):
    with demo_db.read() as s:
        g = groups.find_group(s, None)
        view = topic_views.topics_view(s, g.id, DEMO_TODAY)
        assert view.round.state == "closed" and view.round.missing == ()
        assert view.round.answered == 7 and len(view.rows) == 15
        assert all(r.count == 7 for r in view.rows)  # every member rated every topic
        plan = topic_views.plan_view(s, g.id, DEMO_TODAY)
        assert plan.unplanned == 0 and len(plan.rows) == 6
        series = [r.line for r in plan.rows if "part" in r.line]
        assert series == [f"Critiquing a member's manuscript (part {k} of 3)" for k in (1, 2, 3)]
        assert plan.rows[1].guests == (
            "Dr. Renee Castillo (Northbridge Department of Medicine, Appointments and "
            "Promotions Committee)",
        )
        statuses = {i.status for i in topic_views_experts(s, g.id).invitations}
        assert statuses == {"confirmed", "declined"}
        assert curriculum.plan_proposal(s, g.id, DEMO_TODAY).changes == ()  # as proposed
        assert plan.flagged == ("IRB basics for education research (4.1)",)


def topic_views_experts(s, gid):  # noqa: ANN001, ANN202
    from peergroup.services import expert_views

    return expert_views.experts_view(s, gid, DEMO_TODAY)


def test_a_group_file_round_trip_keeps_topics_ratings_plan_and_experts(demo_db, make_db):
    with demo_db.read() as s:
        first = dump(s, groups.find_group(s, None).id)
    doc = {k: v for k, v in _doc().items() if k not in first}
    doc.update(copy.deepcopy(first))
    doc["curriculum"]["through"] = dt.date(2027, 6, 8)
    other = make_db()
    with other.write() as s:
        g = groupfile.import_group(s, doc)
        again = dump(s, g.id)
    assert again == first
    assert len(first["topics"]) == 15 and len(first["plan"]) == 8
    assert sum(len(a["ratings"]) for a in first["needs_rounds"][0]["answers"]) == 7 * 15
    assert [e["name"] for e in first["experts"]] == ["Dr. Renee Castillo", "Dr. Samuel Adeyemi"]


def test_a_round_trip_keeps_renamed_and_retired_topics_a_second_round_and_open_slots(
    demo_db, make_db
):
    from peergroup.services import topics

    day = dt.date(2027, 9, 20)
    with demo_db.write() as s:
        gid = groups.find_group(s, None).id
        tid = next(t.id for t in topics.active_topics(s, gid) if t.catalog_key == "career-leave")
        form = topics.topic_form(s, tid)
        topics.edit_topic(
            s, tid, topics.TopicInput("Leave and coming back", form.family, "Our own words.")
        )
        spanish = next(t.id for t in topics.active_topics(s, gid) if not t.catalog_key)
        topics.retire(s, spanish, DEMO_TODAY)
        rid = needs.open_round(s, gid, day, day + dt.timedelta(days=10), day)
        people = needs.round_view(s, rid, day).respondents
        needs.save_ratings(s, rid, people[0].member_id, {tid: 5}, "Night shifts", day)
        june = curriculum.upcoming(s, gid, DEMO_TODAY)[-1]
        curriculum.set_meeting_plan(s, june.id, "open", today=DEMO_TODAY)
        first = dump(s, gid)
    doc = {k: v for k, v in _doc().items() if k not in first}
    doc.update(copy.deepcopy(first))
    doc["curriculum"]["through"] = dt.date(2027, 6, 8)
    other = make_db()
    with other.write() as s:
        again = dump(s, groupfile.import_group(s, doc).id)
    assert again == first
    leave = next(t for t in first["topics"] if t.get("catalog") == "career-leave")
    assert (leave["title"], leave["description"]) == ("Leave and coming back", "Our own words.")
    assert "family" not in leave  # unchanged from the catalog
    assert next(t for t in first["topics"] if "catalog" not in t)["retired"] == DEMO_TODAY
    assert first["needs_rounds"][1]["answers"][0]["ratings"] == {"career-leave": 5}
    assert first["plan"][-1] == {"on": dt.date(2027, 6, 8), "open": True, "manual": True}


def test_importing_on_different_days_gives_the_same_curriculum_and_calendar(make_db, monkeypatch):
    from peergroup.clock import FixedClock

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    results = []
    for day in (dt.date(2026, 8, 3), dt.date(2027, 8, 20)):
        db = make_db(clock=FixedClock(day))
        with db.write() as s:
            g = groupfile.import_group(s, _doc())
            results.append((dump(s, g.id), calendar_export.group_calendar(s, g)[0]))
    assert results[0] == results[1]
    assert b"Guest expert: Dr. Renee Castillo" in results[0][1].replace(b"\r\n ", b"")


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (lambda d: d["topics"][0].__setitem__("catalog", "no-such-topic"), "topics[1].catalog"),
        (lambda d: d["topics"][14].__setitem__("family", "hobbies"), "topics[15].family"),
        (
            lambda d: d["needs_rounds"][0]["answers"][0]["ratings"].__setitem__("career-leave", 6),
            "needs_rounds[1].answers[1].ratings.career-leave",
        ),
        (
            lambda d: d["needs_rounds"][0]["answers"][1].__setitem__("member", "Nobody"),
            "needs_rounds[1].answers[2].member",
        ),
        (lambda d: d["plan"][2].__setitem__("on", dt.date(2027, 1, 12)), "plan[3].on"),
        (lambda d: d["plan"][4].__setitem__("topic", "Knitting"), "plan[5].topic"),
        (
            lambda d: d["experts"][0].__setitem__("email", "renee at northbridge"),
            "experts[1].email",
        ),
        (
            lambda d: d["experts"][0]["invitations"][0].__setitem__("status", "maybe"),
            "experts[1].invitations[1].status",
        ),
        (lambda d: d["needs_rounds"][0].pop("opens"), "needs_rounds[1].opens"),
    ],
)
def test_a_bad_curriculum_entry_names_its_field_and_imports_nothing(db, patch, field):
    doc = _doc()
    patch(doc)
    with pytest.raises(InputError) as err, db.write() as s:
        groupfile.import_group(s, doc)
    assert err.value.field == field, err.value
    with db.read() as s:
        assert s.exec(select(Topic)).all() == [] and s.exec(select(Expert)).all() == []


def test_step_six_on_the_roadmap_follows_the_data(db):
    with db.write() as s:
        gid, people, t = build_group(s)
        group = groups.get_group(s, gid)

        def step6(today=TODAY):  # noqa: ANN001, ANN202
            return next(x for x in steps.roadmap(s, group, today) if x.key == "topics")

        assert "needs assessment" in step6().next_action
        rid = needs.open_round(s, gid, TODAY, TODAY + dt.timedelta(days=7), TODAY)
        needs.save_ratings(s, rid, people["Ada Byron"], {t["career-saying-no"]: 5}, "", TODAY)
        open_now = step6()
        assert "3 member(s) have not rated yet" in open_now.next_action
        assert "Ben Osei" in open_now.next_action and open_now.state == "partial"
        after = TODAY + dt.timedelta(days=8)
        assert "5 upcoming meeting(s) have no topic" in step6(after).next_action
        curriculum.apply_plan(s, gid, after)
        assert step6(after).state == "done"


def test_export_curriculum_writes_the_plan_and_the_ranking(
    demo_db, tmp_path: Path, capsys, monkeypatch
):
    from peergroup.clock import FixedClock

    monkeypatch.setattr("peergroup.db.SYSTEM", FixedClock(TODAY))  # the CLI's "today"
    out = tmp_path / "curriculum.md"
    assert run(["--db", demo_db.target, "export", "curriculum", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| Tue 09 Mar 2027 | Critiquing a member's manuscript (part 1 of 3) |" in text
    assert "| 1 | Critiquing a member's manuscript | Scholarly productivity | 4.6 | 7 |" in text
    assert "Dr. Renee Castillo" in text and "IRB basics for education research (4.1)" in text
    assert "Priya" not in text.split("## Needs assessment")[1].split("Topics members")[0]
    assert "Wrote the curriculum to" in capsys.readouterr().out
    assert run(["--db", demo_db.target, "export", "curriculum", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_ratings_from_before_rounds_existed_get_a_closed_round(tmp_path: Path):
    from test_migrations import _build_at

    from peergroup.db import open_database

    path = tmp_path / "old.db"
    _build_at(path, "0003")
    con = sqlite3.connect(path)
    con.execute(
        'insert into "group" (name, name_key, uuid, created_at, membership, interval,'
        " duration_minutes, timezone, place, video_link, peer_note, end_condition,"
        " expect_attendance, expect_communication, expect_agenda)"
        " values ('Old', 'old', 'u1', '2025-03-04 10:00:00', 'ongoing', 1, 60, 'UTC',"
        " '', '', '', '', '', '', '')"
    )
    con.execute(
        "insert into member (group_id, name, email, status, notes, created_at)"
        " values (1, 'Ada', '', 'active', '', '2025-03-04 10:00:00')"
    )
    con.execute(
        "insert into topic (group_id, family, title, title_key, description, catalog_key)"
        " values (1, 'growth', 'Awards', 'awards', '', '')"
    )
    con.execute("insert into topicrating (topic_id, member_id, score) values (1, 1, 4)")
    con.commit()
    con.close()
    database = open_database(path)
    try:
        with database.read() as s:
            rating = s.exec(select(TopicRating)).one()
            r = needs.get_round(s, rating.round_id)
            assert (r.opens_on, r.closes_on, r.closed) == (dt.date(2025, 3, 4),) * 2 + (True,)
            assert s.exec(select(NeedsAnswer)).one().member_id == 1
            assert s.exec(select(PlanEntry)).all() == []
            assert experts.guests(s, 1) == {}
    finally:
        database.close()
