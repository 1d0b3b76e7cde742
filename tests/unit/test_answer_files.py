"""Answer files: forms exported for members away from the app, filled in with a text
editor and imported back (needs, survey, check, apologies).

Each kind goes the whole way through the command line: ``export form KIND --all``,
the test edits the text as a member would, ``import answers`` saves it, and the
database is checked. Every refusal names the field and saves nothing from that file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from sqlmodel import func, select

from peergroup.cli import run
from peergroup.clock import FixedClock
from peergroup.models import (
    AnswerFormKey,
    Attendance,
    ConsequenceAnswer,
    ConsequenceRespondent,
    Meeting,
    Member,
    NeedsAnswer,
    SurveyAnswer,
    SurveyRespondent,
    Topic,
    TopicRating,
)
from peergroup.services import answer_files
from peergroup.services import consequences as checks_svc
from peergroup.services import groups as groups_svc
from peergroup.services import needs as needs_svc
from peergroup.services import review as review_svc

TODAY = dt.date(2026, 11, 25)
DEMO = "Northbridge GIM Clinician-Educator Peer Group"
PRIYA = "Priya Raman"


@pytest.fixture
def world(demo_db, monkeypatch: pytest.MonkeyPatch):
    """The demo group with a needs assessment open, a new check and a yearly review open."""
    monkeypatch.setattr("peergroup.db.SYSTEM", FixedClock(TODAY))
    with demo_db.write() as s:
        group = groups_svc.find_group(s, DEMO)
        needs_svc.open_round(s, group.id, "2026-11-20", "2026-12-10", today=TODAY)
        checks_svc.open_check(s, group.id, "2026-11-20", today=TODAY)
        review_svc.start_review(s, group.id, today=TODAY)
        ids = {m.name: m.id for m in s.exec(select(Member).where(Member.group_id == group.id))}
    return demo_db, ids


def cli(db, *args: str) -> int:  # noqa: ANN001
    return run(["--db", db.target, *args])


def export(db, tmp_path: Path, kind: str, capsys) -> Path:  # noqa: ANN001
    out = tmp_path / "forms" / "new"  # made if missing
    assert cli(db, "export", "form", kind, "--all", "-o", str(out)) == 0, capsys.readouterr().err
    capsys.readouterr()
    return out


def fill(path: Path, score: str = "4") -> Path:
    """Give every score in the form (as a member does), keeping the rest as it was."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('score = ""', f"score = {score}"), encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in the form:\n{text}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def count(db, model, **where) -> int:  # noqa: ANN001
    with db.read() as s:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.exec(query).one()


def import_answers(db, capsys, *files: Path) -> tuple[int, str, str]:  # noqa: ANN001
    code = cli(db, "import", "answers", *map(str, files))
    printed = capsys.readouterr()
    return code, printed.out, printed.err


# --- each kind, the whole way -------------------------------------------------------------


def test_needs_every_member_gets_a_form_and_a_filled_one_is_saved(world, tmp_path, capsys):
    db, ids = world
    out = export(db, tmp_path, "needs", capsys)
    with db.read() as s:
        r = needs_svc.rounds(s, groups_svc.find_group(s, DEMO).id)[-1]
        asked = needs_svc.expected_members(s, r)
        topics = needs_svc.round_view(s, r.id, TODAY).topics
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"needs-{answer_files.slug(m.name)}.toml" for m in asked
    )
    form = out / "needs-priya-raman.toml"
    text = form.read_text(encoding="utf-8")
    assert 'kind = "needs"' in text and f'member = "{PRIYA}"' in text
    assert text.count("[[rating]]") == topics > 1
    edit(fill(form, "5"), 'suggestion = ""', 'suggestion = "Writing a promotion letter"')
    code, said, err = import_answers(db, capsys, form)
    assert (code, err) == (0, "")
    assert said == f"{form}: {topics} ratings saved for {PRIYA}.\n"
    assert count(db, TopicRating, round_id=r.id, member_id=ids[PRIYA], score=5) == topics
    with db.read() as s:
        answer = s.exec(
            select(NeedsAnswer).where(
                NeedsAnswer.round_id == r.id, NeedsAnswer.member_id == ids[PRIYA]
            )
        ).one()
    assert (answer.answered_on, answer.suggestion) == (TODAY, "Writing a promotion letter")


def test_check_answers_are_saved_and_stay_anonymous(world, tmp_path, capsys):
    db, ids = world
    out = export(db, tmp_path, "check", capsys)
    with db.read() as s:
        check_id = checks_svc.list_checks(s, groups_svc.find_group(s, DEMO).id)[-1].id
    questions = len(checks_svc.questions())
    names = [PRIYA, "Marcus Bell", "Elena Sokolova"]
    files = [
        fill(out / f"check-{answer_files.slug(n)}.toml", str(k + 2)) for k, n in enumerate(names)
    ]
    code, said, _ = import_answers(db, capsys, *files)
    assert code == 0
    assert said.splitlines()[0].endswith(f"{questions} anonymous answers saved for {PRIYA}.")
    for name in names:
        assert count(db, ConsequenceRespondent, check_id=check_id, member_id=ids[name]) == 1
    assert count(db, ConsequenceAnswer, check_id=check_id) == 3 * questions
    # As in the service's own anonymity test: no member on an answer row, random ids.
    assert "member_id" not in ConsequenceAnswer.model_fields
    with db.read() as s:
        rows = list(s.exec(select(ConsequenceAnswer).where(ConsequenceAnswer.check_id == check_id)))
        summary = checks_svc.summary(s, check_id)
    assert set(ConsequenceAnswer.model_fields) == {"id", "check_id", "question_key", "score"}
    assert {r.score for r in rows} == {2, 3, 4}
    ids_sorted = sorted(r.id for r in rows)
    assert ids_sorted != list(range(ids_sorted[0], ids_sorted[0] + len(ids_sorted)))
    assert summary.shown and summary.respondents == 3


def test_survey_answers_are_saved_anonymously(world, tmp_path, capsys):
    db, ids = world
    out = export(db, tmp_path, "survey", capsys)
    form = out / "survey-priya-raman.toml"
    said_in_form = form.read_text(encoding="utf-8")
    assert "saved without your" in said_in_form and "whoever collects" in said_in_form
    code, said, err = import_answers(db, capsys, fill(form, "3"))
    assert code == 0, err
    assert f"anonymous answers saved for {PRIYA}." in said
    with db.read() as s:
        ev = review_svc.list_reviews(s, groups_svc.find_group(s, DEMO))[-1]
        items = form.read_text(encoding="utf-8").count("[[answer]]")
    assert count(db, SurveyRespondent, evaluation_id=ev.id, member_id=ids[PRIYA]) == 1
    assert count(db, SurveyAnswer, evaluation_id=ev.id, score=3) == items > 5
    assert "member_id" not in SurveyAnswer.model_fields


def test_apologies_for_an_upcoming_meeting_are_recorded(world, tmp_path, capsys):
    db, ids = world
    out = export(db, tmp_path, "apologies", capsys)
    form = out / "apologies-priya-raman.toml"
    text = form.read_text(encoding="utf-8")
    first = re.search(r"date = (\d{4}-\d\d-\d\d)\ntime = (\S+)\napologies = false", text)
    assert first is not None
    day = dt.date.fromisoformat(first.group(1))
    assert day >= TODAY
    edit(form, first.group(0), f"date = {day}\ntime = {first.group(2)}\napologies = true")
    code, said, _ = import_answers(db, capsys, form)
    assert code == 0
    assert said.startswith(f"{form}: apologies saved for {PRIYA} for ")
    with db.read() as s:
        meeting = s.exec(select(Meeting).where(Meeting.on == day)).one()
        row = s.exec(
            select(Attendance).where(
                Attendance.meeting_id == meeting.id, Attendance.member_id == ids[PRIYA]
            )
        ).one()
    assert row.status == "apologies"


def test_two_meetings_on_one_day_are_told_apart_and_a_passed_one_left_false_is_skipped(
    world, tmp_path, capsys
):
    from peergroup.services import meetings as meetings_svc

    db, ids = world
    with db.write() as s:
        group = groups_svc.find_group(s, DEMO)
        later = [m for m in meetings_svc.list_meetings(s, group) if m.on > TODAY]
        first, second = later[0], later[1]
        meetings_svc.move_meeting(s, second, first.on.isoformat(), "12:00")
        day = first.on
    out = export(db, tmp_path, "apologies", capsys)
    form = out / "apologies-priya-raman.toml"
    text = form.read_text(encoding="utf-8")
    assert text.count(f"date = {day}") == 2
    edit(
        form,
        f"date = {day}\ntime = 12:00:00\napologies = false",
        f"date = {day}\ntime = 12:00:00\napologies = true",
    )
    # A row for a meeting that has since passed, left false, asks nothing.
    edit(form, "[[meeting]]", "[[meeting]]\ndate = 2020-01-07\napologies = false\n\n[[meeting]]", 1)
    code, said, err = import_answers(db, capsys, form)
    assert code == 0, err
    with db.read() as s:
        noon = s.exec(
            select(Meeting).where(Meeting.on == day, Meeting.start_time == dt.time(12, 0))
        ).one()
        rows = s.exec(
            select(Attendance).where(
                Attendance.member_id == ids[PRIYA], Attendance.status == "apologies"
            )
        ).all()
    assert [r.meeting_id for r in rows if r.meeting_id in (noon.id, first.id)] == [noon.id]


# --- refusals: each names the field, and nothing of the file is saved ---------------------


def _new_round(db) -> int:  # noqa: ANN001
    with db.read() as s:
        return needs_svc.rounds(s, groups_svc.find_group(s, DEMO).id)[-1].id


def _needs_form(world, tmp_path, capsys) -> Path:  # noqa: ANN001
    db, _ = world
    return fill(export(db, tmp_path, "needs", capsys) / "needs-priya-raman.toml")


BAD_EDITS = {
    "score 0": ("\nscore = 4", "\nscore = 0", "score", "0 is out of range"),
    "score 6": ("\nscore = 4", "\nscore = 6", "score", "6 is out of range"),
    "score in quotes": ("\nscore = 4", '\nscore = "3"', "score", "is text in quotes"),
    "score a fraction": ("\nscore = 4", "\nscore = 3.5", "score", "not a whole number"),
    "score a boolean": ("\nscore = 4", "\nscore = true", "score", "not a whole number"),
    "unknown topic": ('topic = "', 'topic = "Underwater basket weaving', "topic", "is not one"),
    "edited token": ('token = "', 'token = "0', "token", "does not match"),
    "edited member": (f'member = "{PRIYA}"', 'member = "Marcus Bell"', "token", "does not match"),
    "made-up member": (f'member = "{PRIYA}"', 'member = "Nobody Here"', "member", "not a member"),
    "edited round": ('round = "needs-', 'round = "needs-9', "token", "does not match"),
    "edited kind": ('kind = "needs"', 'kind = "check"', "token", "does not match"),
    "wrong group": (f'group = "{DEMO}"', 'group = "Another Group"', "group", "no group called"),
    "unknown field": ('suggestion = ""', 'suggestion = ""\nextra = 1', "extra", "not a field"),
}


@pytest.mark.parametrize("name", list(BAD_EDITS))
def test_a_wrong_value_is_refused_naming_the_field_and_nothing_is_saved(
    world, tmp_path, capsys, name
):
    db, ids = world
    old, new, field, says = BAD_EDITS[name]
    form = edit(_needs_form(world, tmp_path, capsys), old, new)
    code, said, err = import_answers(db, capsys, form)
    assert (code, said) == (2, "")
    assert err.startswith(f"peergroup: {form}: ") and f"{field}" in err and says in err, err
    assert "Nothing from it was saved." in err
    assert count(db, TopicRating, round_id=_new_round(db), member_id=ids[PRIYA]) == 0
    assert count(db, NeedsAnswer, round_id=_new_round(db), member_id=ids[PRIYA]) == 0


def test_one_bad_rating_saves_none_of_the_file(world, tmp_path, capsys):
    db, ids = world
    form = _needs_form(world, tmp_path, capsys)
    text = form.read_text(encoding="utf-8")
    assert text.count("score = 4") > 3
    # the last rating is out of range; every other one is fine
    form.write_text(text[: text.rindex("score = 4")] + "score = 9\n", encoding="utf-8")
    code, _, err = import_answers(db, capsys, form)
    assert code == 2 and "score: 9 is out of range" in err
    assert count(db, TopicRating, round_id=_new_round(db)) == 0
    assert count(db, NeedsAnswer, round_id=_new_round(db)) == 0


def test_a_file_of_a_group_in_another_database_is_refused(world, tmp_path, capsys, make_db):
    """Same group name and member, another database: its secret differs, so the token does."""
    db, ids = world
    form = _needs_form(world, tmp_path, capsys)
    other = make_db(tmp_path / "other.db")
    with other.write() as s:
        g = groups_svc.create_group(s, DEMO, timezone="UTC")
        s.add(Member(group_id=g.id, name=PRIYA, status="active"))
        s.add(AnswerFormKey(group_id=g.id, secret="00" * 32))
        needs_svc.open_round(s, g.id, "2026-11-20", "2026-12-10", today=TODAY)
    code, _, err = import_answers(other, capsys, form)
    assert code == 2 and "token: does not match" in err
    assert count(other, TopicRating) == 0


def test_a_closed_round_refuses_the_file(world, tmp_path, capsys):
    db, ids = world
    form = _needs_form(world, tmp_path, capsys)
    with db.write() as s:
        r = needs_svc.rounds(s, groups_svc.find_group(s, DEMO).id)[-1]
        needs_svc.change_round(s, r.id, r.opens_on, r.closes_on, close_now=True, today=TODAY)
    code, _, err = import_answers(db, capsys, form)
    assert code == 2 and "round: the needs assessment closed" in err
    assert count(db, TopicRating, round_id=_new_round(db), member_id=ids[PRIYA]) == 0


def test_a_newer_check_refuses_a_form_for_the_old_one(world, tmp_path, capsys):
    db, ids = world
    form = fill(export(db, tmp_path, "check", capsys) / "check-priya-raman.toml")
    with db.write() as s:
        checks_svc.open_check(s, groups_svc.find_group(s, DEMO).id, "2026-12-20", today=TODAY)
    code, _, err = import_answers(db, capsys, form)
    assert code == 2 and "check: a newer check was opened" in err
    with db.read() as s:
        formed = checks_svc.list_checks(s, groups_svc.find_group(s, DEMO).id)[-2].id
    assert count(db, ConsequenceRespondent, check_id=formed) == 0
    assert count(db, ConsequenceAnswer, check_id=formed) == 0


@pytest.mark.parametrize("kind", ["needs", "check", "survey"])
def test_someone_who_already_answered_is_refused(world, tmp_path, capsys, kind):
    db, ids = world
    form = fill(export(db, tmp_path, kind, capsys) / f"{kind}-priya-raman.toml")
    assert import_answers(db, capsys, form)[0] == 0
    model = {"needs": TopicRating, "check": ConsequenceAnswer, "survey": SurveyAnswer}[kind]
    before = count(db, model)
    code, _, err = import_answers(db, capsys, form)
    assert code == 2 and f"member: {PRIYA} has already answered" in err
    assert count(db, model) == before


def test_not_toml_too_big_a_fifo_and_a_device_are_refused(world, tmp_path, capsys):
    db, _ = world
    good = _needs_form(world, tmp_path, capsys)
    broken = tmp_path / "broken.toml"
    broken.write_text('group = "unclosed\n', encoding="utf-8")
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:
        fh.truncate(answer_files.MAX_BYTES + 1)
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code, said, err = import_answers(db, capsys, broken, big, fifo, Path("/dev/null"), good)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"peergroup: {broken}: is not valid TOML")
    assert "an answer file is at most" in lines[1]
    assert "is not a regular file" in lines[2] and "is not a regular file" in lines[3]
    # the good file among them is still taken: all or nothing is per file
    assert said == f"{good}: {said.split(': ', 1)[1]}" and "saved for Priya Raman" in said


# --- the export ------------------------------------------------------------------------------


def test_export_refuses_an_existing_file_unless_forced(world, tmp_path, capsys):
    db, _ = world
    out = tmp_path / "forms"
    args = ["export", "form", "check", "--member", "priya raman", "-o", str(out)]
    assert cli(db, *args) == 0
    form = out / "check-priya-raman.toml"
    first = form.read_text(encoding="utf-8")
    form.write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert cli(db, *args) == 2
    assert "already exists" in capsys.readouterr().err
    assert form.read_text(encoding="utf-8") == "mine"
    assert cli(db, *args, "--force") == 0
    assert form.read_text(encoding="utf-8") == first  # the same token again: derived, not random


def test_export_needs_a_member_or_all_and_a_known_kind(world, tmp_path, capsys):
    db, _ = world
    with pytest.raises(SystemExit):
        cli(db, "export", "form", "needs", "-o", str(tmp_path / "f"))
    with pytest.raises(SystemExit):
        cli(db, "export", "form", "gossip", "--all", "-o", str(tmp_path / "f"))
    capsys.readouterr()
    assert cli(db, "export", "form", "needs", "--member", "Nobody", "-o", str(tmp_path / "f")) == 2
    assert "--member: nobody called 'Nobody'" in capsys.readouterr().err
    assert not (tmp_path / "f").exists()


def test_import_of_a_group_file_still_works_and_takes_one_file(tmp_path, capsys):
    from peergroup import content

    path = tmp_path / "new.db"
    assert run(["--db", str(path), "import", str(content.demo_group_file())]) == 0
    assert "Imported" in capsys.readouterr().out
    code = run(["--db", str(path), "import", "a.toml", "b.toml"])
    assert code == 2 and "import answers FILE" in capsys.readouterr().err


def test_quotes_and_backslashes_in_a_topic_cannot_break_the_form(world, tmp_path, capsys):
    """User text goes into TOML strings escaped, and into comments on one line."""
    from peergroup.services import topics as topics_svc

    db, ids = world
    title = 'Saying "no" \\ and [[rating]] = 5'
    with db.write() as s:
        group_id = groups_svc.find_group(s, DEMO).id
        topics_svc.add_topic(s, group_id, topics_svc.TopicInput(title=title, family="career"))
    form = fill(export(db, tmp_path, "needs", capsys) / "needs-priya-raman.toml", "2")
    code, said, err = import_answers(db, capsys, form)
    assert code == 0, err
    with db.read() as s:
        topic = s.exec(select(Topic).where(Topic.title == title)).one()
    rated = count(db, TopicRating, round_id=_new_round(db), member_id=ids[PRIYA], topic_id=topic.id)
    assert rated == 1
    assert count(db, TopicRating, round_id=_new_round(db), score=5) == 0


def test_a_finished_review_refuses_a_survey_form(world, tmp_path, capsys):
    db, ids = world
    form = fill(export(db, tmp_path, "survey", capsys) / "survey-priya-raman.toml")
    with db.write() as s:
        ev = review_svc.list_reviews(s, groups_svc.find_group(s, DEMO))[-1]
        ev.completed_on = TODAY  # finished (the review screen does more; this is the rule)
        s.add(ev)
        ev_id = ev.id
    code, _, err = import_answers(db, capsys, form)
    assert code == 2 and "review: the review of" in err and "read-only" in err
    assert count(db, SurveyRespondent, evaluation_id=ev_id) == 0
    assert count(db, SurveyAnswer, evaluation_id=ev_id) == 0


def test_apologies_for_a_meeting_that_has_passed_are_refused(world, tmp_path, capsys):
    db, ids = world
    form = export(db, tmp_path, "apologies", capsys) / "apologies-priya-raman.toml"
    edit(form, "\napologies = false", "\napologies = true")
    edit(form, "\ndate = ", "\ndate = 2026-11-10\n# was ")
    code, _, err = import_answers(db, capsys, form)
    assert code == 2 and "meeting 1: date: 2026-11-10 has already taken place" in err
    assert count(db, Attendance, member_id=ids[PRIYA], status="apologies") == 0
