"""Anonymous answers stay hidden until at least three people have answered."""

from __future__ import annotations

from peergroup.services.anonymity import MIN_RESPONDENTS, summarise


def test_two_answers_show_nothing_but_say_why():
    s = summarise(2, {"worth_time": [5, 1]})
    assert not s.shown and s.items[0].mean is None and s.items[0].low is None
    assert "without identifying anyone" in s.message
    assert s.mean_of(["worth_time"]) is None


def test_three_answers_show_means_and_ranges():
    s = summarise(MIN_RESPONDENTS, {"a": [5, 4, 3], "b": [1, 2, 2]})
    assert s.shown
    assert [(i.key, i.mean, i.low, i.high) for i in s.items] == [
        ("a", 4.0, 3, 5),
        ("b", 1.67, 1, 2),
    ]
    assert s.mean_of(["a", "b"]) == 2.83
