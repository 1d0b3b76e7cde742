"""The one-on-one rotation: everyone meets everyone once per cycle, never the same partner
twice in a row, people who are away are skipped, and with an odd count everyone sits out
once per cycle."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from peergroup.services.pair_rotation import Round, circle_round, next_round, rounds_per_cycle

ids = st.lists(st.integers(1, 500), min_size=2, max_size=14, unique=True)


def _run(members: list[int], count: int) -> list[Round]:
    rounds: list[Round] = []
    previous = None
    for _ in range(count):
        previous = next_round(members, previous)
        rounds.append(previous)
    return rounds


@settings(max_examples=80, deadline=None)
@given(members=ids, cycles=st.integers(1, 3))
def test_every_pair_meets_once_per_cycle_and_odd_counts_sit_out_once(members, cycles):
    total = rounds_per_cycle(len(members))
    rounds = _run(members, total * cycles)
    everyone = set(combinations(sorted(members), 2))
    for c in range(cycles):
        cycle = rounds[c * total : (c + 1) * total]
        assert cycle[0].new_cycle and not any(r.new_cycle for r in cycle[1:])
        met = Counter(p for r in cycle for p in r.pairs)
        assert set(met) == everyone and set(met.values()) == {1}
        sat_out = Counter(r.sitting_out for r in cycle if r.sitting_out is not None)
        if len(members) % 2:
            assert sat_out == Counter(set(members))  # each exactly once: fair
        else:
            assert not sat_out
        for r in cycle:  # everyone is in exactly one pair, or sitting out
            seen = [m for p in r.pairs for m in p] + [r.sitting_out] * (r.sitting_out is not None)
            assert sorted(seen) == sorted(members)


@settings(max_examples=80, deadline=None)
@given(
    pool=st.lists(st.integers(1, 60), min_size=3, max_size=12, unique=True),
    away=st.lists(st.sets(st.integers(0, 11), max_size=4), min_size=2, max_size=12),
)
def test_people_away_are_skipped_and_no_one_meets_the_same_partner_twice_in_a_row(pool, away):
    previous: Round | None = None
    for gone in away:
        available = [m for i, m in enumerate(pool) if i not in gone]
        if len(available) < 3:
            continue
        r = next_round(available, previous)
        people = {m for p in r.pairs for m in p} | ({r.sitting_out} - {None})
        assert people == set(available)  # nobody away is paired; nobody available left out
        if previous is not None:
            assert not set(r.pairs) & set(previous.pairs), (previous, r)
        previous = r


def test_odd_count_no_one_sits_out_twice_in_a_row_across_cycles():
    members = [3, 8, 11, 20, 41]
    rounds = _run(members, rounds_per_cycle(5) * 4)
    outs = [r.sitting_out for r in rounds]
    assert all(a != b for a, b in zip(outs, outs[1:], strict=False))


def test_two_people_can_only_meet_each_other_and_one_person_has_no_pair():
    assert next_round([5, 9], None).pairs == ((5, 9),)
    alone = next_round([5], None)
    assert alone.pairs == () and alone.sitting_out == 5


def test_the_circle_is_the_same_whatever_order_the_members_come_in():
    assert next_round([4, 1, 3, 2], None) == next_round([1, 2, 3, 4], None)
    assert circle_round([1, 2, 3, 4], 0) == (((1, 4), (2, 3)), None)
