"""The yearly review's member survey (anonymous) and outcome tallies.

Stories: members answer at the keyboard one after another; until three have
answered nobody sees anything; a statement the group added later is hidden
until three people have answered it; a second answer from the same member, a
score of 7 and a negative tally are refused with nothing saved.
"""

from __future__ import annotations

import datetime as dt

import pytest
from review_group import build
from sqlmodel import func, select

from peergroup import content
from peergroup.errors import InputError
from peergroup.models import OutcomeTally, SurveyAnswer, SurveyRespondent
from peergroup.services import review, survey, tallies

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def ev(db):  # noqa: ANN001, ANN201
    built = build(db, with_goals=False)
    with db.write() as s:
        ev_id = review.start_review(s, built.group_id, "2025-09", TODAY).id
    return built, ev_id


def _answer(db, ev_id, member_id, scores):  # noqa: ANN001, ANN202
    with db.write() as s:
        return survey.answer(s, ev_id, member_id, scores)


def _count(db, table) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(func.count()).select_from(table)).one()


ALL_FOURS = {i["key"]: 4 for i in content.survey_items()}


def test_nothing_is_shown_until_three_members_have_answered(db, ev):
    built, ev_id = ev
    _answer(db, ev_id, built.members["Ada"], {**ALL_FOURS, "worth_time": 5})
    _answer(db, ev_id, built.members["Ben"], {**ALL_FOURS, "worth_time": 1})
    with db.read() as s:
        res = survey.results(s, ev_id)
    assert (res.respondents, res.members, res.shown) == (2, 5, False)  # Finn is prospective
    assert "at least 3 are needed" in res.message
    assert all(i.mean is None for i in res.items) and all(a.mean is None for a in res.areas)
    _answer(db, ev_id, built.members["Cleo"], {**ALL_FOURS, "worth_time": 3})
    with db.read() as s:
        res = survey.results(s, ev_id)
    assert res.shown and res.respondents == 3
    worth = {i.key: i for i in res.items}
    assert (worth["worth_time"].answers, worth["worth_time"].mean) == (3, 3.0)
    areas = {a.area: a.mean for a in res.areas}
    assert areas["worth"] == 3.5  # mean of worth_time (3.0) and would_recommend (4.0)
    assert areas["goals"] == 4.0


def test_a_statement_with_fewer_than_three_answers_stays_hidden(db, ev):
    built, ev_id = ev
    for name in ("Ada", "Ben"):
        _answer(db, ev_id, built.members[name], ALL_FOURS)
    with db.write() as s:
        own = survey.add_own_item(s, built.group_id, "Breakfast works for me.", "own")
    key = f"own-{own}"
    _answer(db, ev_id, built.members["Cleo"], {**ALL_FOURS, key: 2})
    _answer(db, ev_id, built.members["Dev"], {**ALL_FOURS, key: 5})
    with db.read() as s:
        res = survey.results(s, ev_id)
    item = next(i for i in res.items if i.key == key)
    assert res.shown and (item.answers, item.mean) == (2, None)
    assert next(a for a in res.areas if a.area == "own").mean is None


def test_a_score_outside_one_to_five_is_refused_and_nothing_is_saved(db, ev):
    built, ev_id = ev
    for bad in ("7", "0", "three", "-2"):
        with pytest.raises(InputError) as err:
            _answer(db, ev_id, built.members["Ada"], {**ALL_FOURS, "values_clarified": bad})
        assert err.value.field == "values_clarified"
    assert _count(db, SurveyRespondent) == 0 and _count(db, SurveyAnswer) == 0


def test_a_member_answers_once(db, ev):
    built, ev_id = ev
    assert _answer(db, ev_id, built.members["Ada"], {"worth_time": "5", "collaborated": ""}) == 1
    with pytest.raises(InputError) as err:
        _answer(db, ev_id, built.members["Ada"], ALL_FOURS)
    assert err.value.field == "member" and "Ada has already answered" in err.value.message
    assert (_count(db, SurveyRespondent), _count(db, SurveyAnswer)) == (1, 1)


def test_all_blank_someone_outside_the_group_and_no_one_are_refused(db, ev):
    built, ev_id = ev
    with pytest.raises(InputError, match="are all blank"):
        _answer(db, ev_id, built.members["Ada"], {"worth_time": " "})
    with pytest.raises(InputError, match="not a member of this group"):
        _answer(db, ev_id, built.members["Finn"], ALL_FOURS)  # prospective
    with pytest.raises(InputError, match="choose who is answering"):
        _answer(db, ev_id, None, ALL_FOURS)
    assert _count(db, SurveyRespondent) == 0


def test_who_answered_is_kept_apart_from_what_was_answered(db, ev):
    built, ev_id = ev
    for name in ("Ada", "Ben", "Cleo"):
        _answer(db, ev_id, built.members[name], ALL_FOURS)
    assert "member_id" not in SurveyAnswer.__table__.columns
    with db.read() as s:
        ids = sorted(a.id for a in s.exec(select(SurveyAnswer)))
        people = survey.respondents(s, ev_id)
    # random ids: the order they were written in says nothing about who wrote them
    assert ids[-1] - ids[0] > 10 * len(ids)
    assert {p.name for p in people if p.answered} == {"Ada", "Ben", "Cleo"}
    assert {p.name for p in people if not p.answered} == {"Dev", "Eve"}


def test_a_retired_own_statement_is_no_longer_asked(db, ev):
    built, ev_id = ev
    with db.write() as s:
        own = survey.add_own_item(s, built.group_id, "Breakfast works for me.", "time")
        assert f"own-{own}" in {i.key for i in survey.items(s, built.group_id)}
        survey.retire_own_item(s, built.group_id, f"own-{own}")
        assert f"own-{own}" not in {i.key for i in survey.items(s, built.group_id)}
        with pytest.raises(InputError, match="only the group's own"):
            survey.retire_own_item(s, built.group_id, "worth_time")


# --- tallies -------------------------------------------------------------------------------


def test_a_negative_or_unreadable_tally_is_refused_and_nothing_is_saved(db, ev):
    built, ev_id = ev
    for bad, message in (("-1", "is negative"), ("two", "is not a whole number"), ("", "is empty")):
        with pytest.raises(InputError) as err, db.write() as s:
            tallies.save_tally(s, ev_id, built.members["Ada"], "publications", bad)
        assert err.value.field == "count" and message in err.value.message
    with pytest.raises(InputError, match="name the kind"), db.write() as s:
        tallies.save_tally(s, ev_id, built.members["Ada"], "other", 1)
    assert _count(db, OutcomeTally) == 0


def test_tallies_per_member_and_kind_with_totals(db, ev):
    built, ev_id = ev
    with db.write() as s:
        tallies.save_tally(s, ev_id, built.members["Ada"], "publications", 2)
        tallies.save_tally(s, ev_id, built.members["Ben"], "publications", "3", "one in press")
        tallies.save_tally(s, ev_id, built.members["Ada"], "other", 1, "R01 submitted", "Grants")
        # the same member and kind again replaces the count
        again = tallies.save_tally(s, ev_id, built.members["Ada"], "publications", 4)
    assert again.count == 4
    with db.read() as s:
        rows = tallies.tally_rows(s, ev_id)
    assert [(r.member, r.label, r.count, r.note) for r in rows] == [
        ("Ada", "Publications", 4, ""),
        ("Ada", "Grants", 1, "R01 submitted"),
        ("Ben", "Publications", 3, "one in press"),
    ]
    totals = {t.label: t.total for t in tallies.totals(rows)}
    assert totals["Publications"] == 7 and totals["Grants"] == 1 and totals["Teaching awards"] == 0


def test_changing_a_tally_into_one_the_member_already_has_is_refused(db, ev):
    built, ev_id = ev
    with db.write() as s:
        tallies.save_tally(s, ev_id, built.members["Ada"], "publications", 2)
        awards = tallies.save_tally(s, ev_id, built.members["Ada"], "teaching_awards", 1)
    with pytest.raises(InputError, match="already has a tally of Publications"), db.write() as s:
        tallies.save_tally(s, ev_id, built.members["Ada"], "publications", 5, tally_id=awards.id)
    with db.read() as s:
        assert {r.label: r.count for r in tallies.tally_rows(s, ev_id)} == {
            "Publications": 2,
            "Teaching awards": 1,
        }
