"""Competency tags (CanMEDS roles plus a group's own) on topics and goals, and coverage.

Coverage story: the Beacon group tags "Grant writing" scholar + collaborator and
"Feedback" communicator. Held meetings: 6 Jan (Grant writing), 3 Feb (Feedback),
3 Mar (Grant writing), 7 Apr (no topic). Not counted: 5 May (Feedback, cancelled),
2 Dec (Feedback, after today), 4 Dec 2025 (Grant writing, the year before).
So in 2026: scholar 2, collaborator 2, communicator 1; the other five untouched.
"""

from __future__ import annotations

import copy
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select

from peergroup import content, groupfile
from peergroup.errors import InputError
from peergroup.groupfile.curriculum_dump import dump
from peergroup.models import Goal, GoalCompetency, Meeting, Topic, TopicCompetency
from peergroup.services import competencies as comp
from peergroup.services import goals as goals_svc
from peergroup.services import groups as groups_svc
from peergroup.services import topics as topics_svc

TODAY = dt.date(2026, 11, 25)
CANMEDS = [
    "medical-expert",
    "communicator",
    "collaborator",
    "leader",
    "health-advocate",
    "scholar",
    "professional",
]


@pytest.fixture
def gid(db) -> int:  # noqa: ANN001
    with db.write() as s:
        return groups_svc.create_group(s, "Beacon", timezone="UTC").id


def test_the_bundled_framework_is_canmeds_and_every_catalog_topic_has_one_to_three_tags():
    assert [c.key for c in comp.bundled()] == CANMEDS
    assert comp.framework_name() == "CanMEDS"
    for entry in content.topics():
        tags = entry.get("competencies", [])
        assert 1 <= len(tags) <= 3, entry["key"]
        assert set(tags) <= set(CANMEDS), entry["key"]


def test_tags_are_typed_as_keys_or_labels_and_an_unknown_one_is_named(db, gid):  # noqa: ANN001
    with db.write() as s:
        assert comp.parse(s, gid, "Scholar,  health ADVOCATE , medical expert,") == [
            "medical-expert",
            "health-advocate",
            "scholar",
        ]
        with pytest.raises(InputError) as err:
            comp.parse(s, gid, "scholar, wizardry")
        assert err.value.field == "competencies"
        assert "'wizardry' is not a competency" in err.value.message
        assert "medical-expert" in err.value.message and "professional" in err.value.message
        # A group's own tag becomes valid, by label or key.
        assert comp.add_own(s, gid, "Quality improvement") == "quality-improvement"
        assert comp.parse(s, gid, "quality improvement, leader") == [
            "leader",
            "quality-improvement",
        ]
        with pytest.raises(InputError, match="already a competency"):
            comp.add_own(s, gid, "SCHOLAR")


def test_a_bad_tag_in_the_topic_or_goal_form_saves_nothing(db, gid):  # noqa: ANN001
    with db.write() as s:
        tid = topics_svc.add_topic(
            s, gid, topics_svc.TopicInput("Grant writing", "scholarly", competencies="scholar")
        )
    with pytest.raises(InputError) as err, db.write() as s:
        topics_svc.edit_topic(
            s, tid, topics_svc.TopicInput("Renamed", "scholarly", competencies="scholar, nope")
        )
    assert err.value.field == "competencies" and "'nope'" in err.value.message
    with pytest.raises(InputError), db.write() as s:
        group = groups_svc.get_group(s, gid)
        goals_svc.add_goal(s, group, goals_svc.GoalInput("Write", competencies="bogus"))
    with db.read() as s:
        assert s.get(Topic, tid).title == "Grant writing"
        assert comp.topic_tags(s, tid) == ["scholar"]
        assert s.exec(select(Goal)).all() == []
    with db.write() as s:
        group = groups_svc.get_group(s, gid)
        goal = goals_svc.add_goal(
            s, group, goals_svc.GoalInput("Write", competencies="Leader, scholar")
        )
        goals_svc.update_goal(s, goal, goals_svc.GoalInput("Write more"))  # None: tags kept
        assert comp.goal_tags(s, goal.id) == ["leader", "scholar"]
        goals_svc.update_goal(s, goal, goals_svc.GoalInput("Write more", competencies=""))
        assert s.exec(select(GoalCompetency)).all() == []


def test_adopting_a_catalog_topic_brings_its_tags(db, gid):  # noqa: ANN001
    with db.write() as s:
        tid = topics_svc.adopt(s, gid, "scholarly-manuscript-critique")
        assert comp.topic_tags(s, tid) == ["collaborator", "scholar"]


def test_coverage_counts_held_meetings_per_competency_and_names_the_untouched(db, gid):  # noqa: ANN001
    with db.write() as s:
        grants = topics_svc.add_topic(
            s,
            gid,
            topics_svc.TopicInput(
                "Grant writing", "scholarly", competencies="scholar, collaborator"
            ),
        )
        feedback = topics_svc.add_topic(
            s, gid, topics_svc.TopicInput("Feedback", "growth", competencies="communicator")
        )
        for day, topic, status in (
            (dt.date(2025, 12, 4), grants, "scheduled"),
            (dt.date(2026, 1, 6), grants, "scheduled"),
            (dt.date(2026, 2, 3), feedback, "scheduled"),
            (dt.date(2026, 3, 3), grants, "scheduled"),
            (dt.date(2026, 4, 7), None, "scheduled"),
            (dt.date(2026, 5, 5), feedback, "cancelled"),
            (dt.date(2026, 12, 2), feedback, "scheduled"),
        ):
            s.add(
                Meeting(group_id=gid, on=day, start_time=dt.time(8), topic_id=topic, status=status)
            )
    with db.read() as s:
        cov = comp.coverage(s, gid, dt.date(2026, 1, 1), dt.date(2026, 12, 31), today=TODAY)
    counts = {r.key: r.meetings for r in cov.rows}
    assert (cov.held, cov.tagged) == (4, 3)
    assert counts == {
        "medical-expert": 0,
        "communicator": 1,
        "collaborator": 2,
        "leader": 0,
        "health-advocate": 0,
        "scholar": 2,
        "professional": 0,
    }
    assert cov.untouched == ("Medical expert", "Leader", "Health advocate", "Professional")
    line = comp.summary_line(cov)
    assert "4 meeting(s) held" in line and "Not touched: Medical expert, Leader" in line
    # ... and the annual report of a review of 2026 has the same section
    from peergroup.models import Evaluation
    from peergroup.services import annual_report

    with db.write() as s:
        ev = Evaluation(group_id=gid, year=2026, period_start=dt.date(2026, 1, 1), started_on=TODAY)
        s.add(ev)
        s.flush()
        text, _label = annual_report.review_report(s, ev.id, "md", TODAY)
    section = text.split("### Competencies covered (CanMEDS)")[1]
    assert "Of 4 meeting(s) held, 3 had a topic tagged" in section
    assert "| Scholar | 2 |" in section and "| Leader | 0 |" in section
    assert "No meeting touched: Medical expert, Leader, Health advocate, Professional." in section


def test_the_curriculum_and_review_views_carry_coverage(demo_db):  # noqa: ANN001
    from peergroup.services import review_views, topic_views

    with demo_db.read() as s:
        group = groups_svc.find_group(s, None)
        plan = topic_views.plan_view(s, group.id, TODAY)
        hub = review_views.hub_view(s, group.id, None, TODAY)
    assert plan.coverage is not None and plan.coverage.held == 3
    # Sep: no topic; Oct: the dossier (scholar, professional); Nov: salary (communicator, leader)
    touched = {r.key: r.meetings for r in plan.coverage.rows if r.meetings}
    assert touched == {"scholar": 1, "professional": 1, "communicator": 1, "leader": 1}
    assert any(n.startswith("CanMEDS: ") for n in hub.notes)


def _small_file() -> dict:
    doc = groupfile.read(content.demo_group_file())
    doc["competencies"] = {"own": ["Quality improvement"]}
    doc["topics"][0]["competencies"] = ["leader"]  # a catalog topic, changed
    doc["topics"][-1]["competencies"] = ["Quality improvement", "Communicator"]  # own topic
    doc["goals"][0]["competencies"] = ["scholar", "collaborator"]
    return doc


def test_group_file_tags_import_and_the_writer_round_trips_them(make_db):  # noqa: ANN001
    doc = _small_file()
    first_db = make_db()
    with first_db.write() as s:
        g = groupfile.import_group(s, copy.deepcopy(doc))
        first = dump(s, g.id)
        by_title = {t.title: t.id for t in s.exec(select(Topic).where(Topic.group_id == g.id))}
        assert comp.topic_tags(s, by_title["Preparing a promotion dossier"]) == ["leader"]
        # a catalog topic without the field keeps the catalog's tags
        assert comp.topic_tags(s, by_title["Negotiating salary and compensation"]) == [
            "communicator",
            "leader",
        ]
        assert comp.topic_tags(s, by_title["Teaching medical Spanish in clinic"]) == [
            "communicator",
            "quality-improvement",
        ]
        goal = s.exec(select(Goal).where(Goal.title == doc["goals"][0]["title"])).one()
        assert comp.goal_tags(s, goal.id) == ["collaborator", "scholar"]
    assert first["competencies"] == {"own": ["Quality improvement"]}
    assert first["topics"][0]["competencies"] == ["leader"]
    assert "competencies" not in first["topics"][1]  # as the catalog has it: not written
    assert first["topics"][-1]["competencies"] == ["communicator", "quality-improvement"]
    again_doc = {k: v for k, v in doc.items() if k not in first}
    again_doc.update(copy.deepcopy(first))
    again_doc["curriculum"]["through"] = dt.date(2027, 6, 8)
    other = make_db()
    with other.write() as s:
        assert dump(s, groupfile.import_group(s, again_doc).id) == first


def test_an_old_group_file_without_tags_still_imports(make_db):  # noqa: ANN001
    doc = groupfile.read(content.demo_group_file())
    doc.pop("competencies", None)
    for section in ("topics", "goals"):
        for item in doc[section]:
            item.pop("competencies", None)
    db = make_db()
    with db.write() as s:
        g = groupfile.import_group(s, doc)
        spanish = s.exec(select(Topic).where(Topic.group_id == g.id, Topic.catalog_key == "")).one()
        assert comp.topic_tags(s, spanish.id) == []
        assert s.exec(select(GoalCompetency)).all() == []


@pytest.mark.parametrize(
    ("patch", "field", "said"),
    [
        (
            lambda d: d["topics"][2].update(competencies=["wizard"]),
            "topics[3].competencies",
            "wizard",
        ),
        (lambda d: d["goals"][1].update(competencies="scholar"), "goals[2].competencies", "list"),
        (lambda d: d["goals"][1].update(competencies=[3]), "goals[2].competencies[1]", "text"),
        (lambda d: d.update(competencies={"own": ["Scholar"]}), "competencies.own[1]", "already"),
    ],
)
def test_a_bad_tag_in_a_group_file_names_its_field(make_db, patch, field, said):  # noqa: ANN001
    doc = groupfile.read(content.demo_group_file())
    patch(doc)
    db = make_db()
    with pytest.raises(InputError) as err, db.write() as s:
        groupfile.import_group(s, doc)
    assert err.value.field == field and said in err.value.message


def test_migration_tags_catalog_topics_adopted_before_it(tmp_path: Path):
    from test_migrations import _build_at

    from peergroup.db import open_database

    path = tmp_path / "old.db"
    _build_at(path, "0006")
    con = sqlite3.connect(path)
    con.execute(
        'INSERT INTO "group" (id, name, name_key, uuid, created_at, membership, interval, '
        "duration_minutes, timezone, end_condition, peer_note, place, video_link, "
        "expect_attendance, expect_communication, expect_agenda, check_interval_months) "
        "VALUES (1, 'Old', 'old', 'u1', '2026-01-01 00:00:00', 'ongoing', 1, 60, 'UTC', "
        "'', '', '', '', '', '', '', 6)"
    )
    for tid, key, title in ((1, "growth-leadership-skills", "Lead"), (2, "", "Own")):
        con.execute(
            "INSERT INTO topic (id, group_id, family, title, title_key, description, "
            "catalog_key, parts, needs_expert) VALUES (?, 1, 'growth', ?, ?, '', ?, 1, 0)",
            (tid, title, title.lower(), key),
        )
    con.commit()
    con.close()
    db = open_database(path)
    try:
        with db.read() as s:
            rows = s.exec(select(TopicCompetency.topic_id, TopicCompetency.key)).all()
        assert sorted(rows) == [(1, "leader")]
    finally:
        db.close()
