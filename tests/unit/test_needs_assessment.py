"""The needs assessment: rounds with dates, members' ratings, the ranking.

Stories: the facilitator opens a round and hands the keyboard round; a rating
of 7 is refused and nothing of that member's form is saved; ratings change
until the round closes, then not; the ranking shows mean, how many rated and
the spread ("two love it, four don't care"), ties broken the same way every
time; a second round a year later is compared with the first.
"""

from __future__ import annotations

import datetime as dt

import pytest
from curriculum_helpers import TODAY, build_group
from sqlmodel import select

from peergroup.errors import InputError
from peergroup.models import NeedsAnswer, TopicRating
from peergroup.services import needs, ranking, topic_views


def test_the_ranking_orders_by_mean_and_shows_count_spread_and_split():
    ratings = [(1, 5), (1, 5), (1, 1), (1, 1), (1, 1), (1, 1)]  # two love it, four don't care
    ratings += [(2, 3), (2, 3), (2, 3)]
    ratings += [(3, 4)]
    ranked = ranking.rank(ratings, [(1, "Burnout"), (2, "Grants"), (3, "Awards"), (4, "Leave")])
    assert [r.topic_id for r in ranked] == [3, 2, 1, 4]  # unrated last
    split = ranked[2]
    assert (split.mean, split.count, split.dist) == (2.33, 6, (4, 0, 0, 0, 2))
    assert split.split == "2 high, 0 mid, 4 low"
    assert split.spread == pytest.approx(1.89, abs=0.01)
    assert ranked[1].spread == 0.0 and ranked[0].spread == 0.0  # one rating: no spread
    assert ranked[3].mean is None and ranked[3].count == 0 and ranked[3].split == ""


def test_ties_go_to_more_raters_then_title_then_id_whatever_the_input_order():
    topics = [(7, "zebra"), (3, "Apple"), (5, "apple"), (9, "Mango")]
    ratings = [(7, 4), (7, 4), (3, 4), (5, 4), (9, 4)]
    first = [r.topic_id for r in ranking.rank(ratings, topics)]
    again = [r.topic_id for r in ranking.rank(list(reversed(ratings)), list(reversed(topics)))]
    # zebra has two ratings; Apple/apple fold to the same title, so id decides.
    assert first == again == [7, 3, 5, 9]


def _round(s, gid, opens=TODAY, closes=TODAY + dt.timedelta(days=14)):  # noqa: ANN001, ANN202
    return needs.open_round(s, gid, opens, closes, TODAY)


def test_a_member_rates_every_topic_and_can_change_it_until_the_round_closes(db):
    with db.write() as s:
        gid, people, topics = build_group(s)
        rid = _round(s, gid)
        ada = people["Ada Byron"]
        scores = {tid: "4" for tid in topics.values()}
        scores[topics["navigating-burnout"]] = ""  # no opinion
        assert needs.save_ratings(s, rid, ada, scores, "Mentoring up", TODAY) == 7
        scores[topics["career-saying-no"]] = 2
        needs.save_ratings(s, rid, ada, scores, "", TODAY + dt.timedelta(days=3))
        form = needs.rating_form(s, rid, ada)
        mine = {line.topic_id: line.score for line in form.lines}
        assert mine[topics["career-saying-no"]] == 2 and mine[topics["navigating-burnout"]] is None
        answer = s.exec(select(NeedsAnswer).where(NeedsAnswer.member_id == ada)).one()
        assert answer.answered_on == TODAY + dt.timedelta(days=3) and answer.suggestion == ""
        with pytest.raises(InputError) as err:
            needs.save_ratings(s, rid, ada, scores, "", TODAY + dt.timedelta(days=15))
        assert err.value.field == "round" and "closed" in err.value.message


def test_a_rating_outside_one_to_five_names_the_topic_and_saves_nothing(db):
    with db.write() as s:
        gid, people, topics = build_group(s)
        rid = _round(s, gid)
        ada = people["Ada Byron"]
        needs.save_ratings(s, rid, ada, {topics["growth-award-nominations"]: 3}, "", TODAY)
        bad = {tid: "5" for tid in topics.values()}
        bad[topics["navigating-burnout"]] = "7"
        for wrong in ("7", "0", "4.5", "five"):
            bad[topics["navigating-burnout"]] = wrong
            with pytest.raises(InputError) as err:
                needs.save_ratings(s, rid, ada, bad, "x", TODAY)
            assert err.value.field == f"topic_{topics['navigating-burnout']}"
            assert "1 (not interested) to 5" in err.value.message
        rows = s.exec(select(TopicRating).where(TopicRating.member_id == ada)).all()
        assert [(r.topic_id, r.score) for r in rows] == [(topics["growth-award-nominations"], 3)]


def test_who_has_not_answered_is_listed_and_the_results_show_only_figures(db):
    with db.write() as s:
        gid, people, topics = build_group(s)
        rid = _round(s, gid)
        for name in ("Ada Byron", "Cleo Park"):
            needs.save_ratings(s, rid, people[name], {topics["navigating-burnout"]: 5}, "", TODAY)
        view = needs.round_view(s, rid, TODAY)
        assert view.state == "open" and view.answered == 2
        assert view.missing == ("Ben Osei", "Dev Rao")
        page = topic_views.topics_view(s, gid, TODAY)
        burnout = next(r for r in page.rows if r.topic_id == topics["navigating-burnout"])
        assert (burnout.mean, burnout.count) == (5.0, 2)
        assert "Ada" not in repr(page.rows)  # per-topic figures, no names


def test_rounds_do_not_overlap_and_close_by_hand(db):
    with db.write() as s:
        gid, _people, _topics = build_group(s)
        rid = _round(s, gid)
        with pytest.raises(InputError) as err:
            needs.open_round(s, gid, TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(40))
        assert err.value.field == "opens_on" and "not closed yet" in err.value.message
        with pytest.raises(InputError) as err:
            needs.open_round(s, gid, TODAY, TODAY - dt.timedelta(days=1), TODAY)
        assert err.value.field == "closes_on"
        needs.change_round(s, rid, TODAY, TODAY + dt.timedelta(days=14), True, TODAY)
        r = needs.get_round(s, rid)
        assert (r.closed, r.closes_on) == (True, TODAY)
        assert needs.round_state(r, TODAY) == "closed"


def test_a_second_round_a_year_later_is_compared_with_the_first(db):
    with db.write() as s:
        gid, people, topics = build_group(s)
        first = _round(s, gid)
        for name in people:
            needs.save_ratings(
                s,
                first,
                people[name],
                {topics["navigating-burnout"]: 2, topics["career-saying-no"]: 5},
                "",
                TODAY,
            )
        year = TODAY + dt.timedelta(days=365)
        second = needs.open_round(s, gid, year, year + dt.timedelta(days=14), year)
        for name in list(people)[:3]:
            needs.save_ratings(
                s,
                second,
                people[name],
                {topics["navigating-burnout"]: 5, topics["career-saying-no"]: 4},
                "",
                year,
            )
        c = ranking.compare_latest(s, gid, year)
        by_topic = {row.topic_id: row for row in c.rows}
        burnout = by_topic[topics["navigating-burnout"]]
        assert (burnout.before.mean, burnout.after.mean, burnout.delta) == (2.0, 5.0, 3.0)
        assert (burnout.before.count, burnout.after.count) == (4, 3)
        assert by_topic[topics["career-saying-no"]].delta == -1.0
        assert c.rows[0].topic_id == topics["navigating-burnout"]  # in the later round's order
        assert ranking.compare_latest(s, gid, TODAY) is None  # only one round had opened then
