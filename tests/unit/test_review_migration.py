"""Migration 0006 on a database an older Peergroup left with a review in it.

Story: last year's copy stored survey answers with the member who gave them, a
goal verdict "in-progress" and the same tally twice. After the upgrade the
answers are anonymous (who answered is kept apart), the placeholder verdict is
gone, the real one keeps its goal's title, the tallies are added together, and
the review starts in the month of the group's first meeting.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import select

from peergroup.db import MIGRATIONS_DIR, create_empty_file, make_engine, open_database
from peergroup.models import Evaluation, GoalReview, OutcomeTally, SurveyAnswer, SurveyRespondent


def _at_0003(path: Path) -> None:
    create_empty_file(path)
    engine = make_engine(path)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0003")
    finally:
        engine.dispose()


def _old_rows(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.executescript(
            """
            insert into "group" (id, name, name_key, uuid, created_at, membership, peer_note,
                end_condition, interval, duration_minutes, place, video_link, timezone,
                first_meeting, expect_attendance, expect_communication, expect_agenda)
            values (1, 'Harbour Lights', 'harbour lights', 'u1', '2025-01-01 00:00:00',
                'ongoing', '', '', 1, 60, '', '', 'UTC', '2025-09-09', '', '', '');
            insert into member (id, group_id, name, email, status, notes, created_at)
            values (1, 1, 'Ada', '', 'active', '', '2025-01-01 00:00:00'),
                   (2, 1, 'Ben', '', 'active', '', '2025-01-01 00:00:00');
            insert into goal (id, group_id, member_id, title, horizon, specific, measure,
                achievable, relevant, status, created_at)
            values (1, 1, 1, 'Submit a paper', 'short', '', '', '', '', 'open', '2025-01-01'),
                   (2, 1, NULL, 'Meet monthly', 'short', '', '', '', '', 'open', '2025-01-01');
            insert into evaluation (id, group_id, year, started_on, summary)
            values (1, 1, 2025, '2026-09-10', 'Fine year');
            insert into goalreview (evaluation_id, goal_id, verdict, note)
            values (1, 1, 'met', 'Accepted'), (1, 2, 'in-progress', '');
            insert into surveyanswer (evaluation_id, member_id, item_key, score)
            values (1, 1, 'worth_time', 5), (1, 1, 'collaborated', 4),
                   (1, 2, 'worth_time', 3);
            insert into outcometally (evaluation_id, member_id, kind, count, note)
            values (1, 1, 'publications', 2, 'one'), (1, 1, 'publications', 1, 'two'),
                   (1, 2, 'publications', 4, '');
            """
        )
        con.commit()
    finally:
        con.close()


def test_an_older_review_is_upgraded_without_losing_what_it_recorded(tmp_path: Path):
    path = tmp_path / "old.db"
    _at_0003(path)
    _old_rows(path)
    db = open_database(path)
    try:
        assert db.backup is not None
        with db.read() as s:
            ev = s.exec(select(Evaluation)).one()
            assert (ev.year, str(ev.period_start), ev.summary, ev.decision) == (
                2025,
                "2025-09-01",
                "Fine year",
                "",
            )
            verdicts = list(s.exec(select(GoalReview)))
            assert [(v.goal_id, v.title, v.owner, v.verdict) for v in verdicts] == [
                (1, "Submit a paper", "Ada", "met")
            ]
            assert sorted(r.member_id for r in s.exec(select(SurveyRespondent))) == [1, 2]
            assert sorted((a.item_key, a.score) for a in s.exec(select(SurveyAnswer))) == [
                ("collaborated", 4),
                ("worth_time", 3),
                ("worth_time", 5),
            ]
            assert "member_id" not in SurveyAnswer.__table__.columns
            assert sorted((t.member_id, t.count, t.note) for t in s.exec(select(OutcomeTally))) == [
                (1, 3, "one; two"),
                (2, 4, ""),
            ]
    finally:
        db.close()
    con = sqlite3.connect(path)
    try:
        columns = [row[1] for row in con.execute('pragma table_info("surveyanswer")')]
        assert "member_id" not in columns
    finally:
        con.close()
