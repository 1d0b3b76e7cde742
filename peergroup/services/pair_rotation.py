"""Who meets whom one-on-one between group meetings: the circle method, no database.

With ``n`` members (an odd count gets an empty seat, and whoever draws it sits
the round out) the circle method gives ``R`` rounds (``n - 1`` for even ``n``,
``n`` for odd ``n``) in which every pair meets exactly once and, for an odd
count, every member sits out exactly once. That is one *cycle*.

The members are taken in a fixed order (their ids, sorted), so the schedule is
the same on any machine. A round is identified by the cycle's ``offset`` (the
schedule round it started with) and its ``position`` within the cycle; the
next round continues the cycle while the same people are available. When
someone leaves, goes on leave or joins, a new cycle starts over the new list,
at the offset whose first round repeats no pair of the round just held (always
possible with three or more people) and, when it can, does not make the same
person sit out twice in a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Pair = tuple[int, int]  # (smaller id, larger id)


@dataclass(frozen=True)
class Round:
    pairs: tuple[Pair, ...]
    sitting_out: int | None  # with an odd count, who has no partner this round
    offset: int  # which schedule round the cycle started with
    position: int  # 0 .. rounds_per_cycle - 1 within the cycle
    new_cycle: bool  # True when this round starts a cycle

    @property
    def roster(self) -> frozenset[int]:
        people = {m for pair in self.pairs for m in pair}
        if self.sitting_out is not None:
            people.add(self.sitting_out)
        return frozenset(people)


def rounds_per_cycle(count: int) -> int:
    """How many rounds it takes for ``count`` people to all meet each other once."""
    if count < 2:
        return 0
    return count - 1 if count % 2 == 0 else count


def circle_round(members: Sequence[int], index: int) -> tuple[tuple[Pair, ...], int | None]:
    """Round ``index`` of the circle schedule over ``members`` (in this order).

    The first seat stays put and the others turn one place per round; seat ``i``
    meets seat ``N - 1 - i``.
    """
    seats: list[int | None] = list(members)
    if len(seats) % 2:
        seats.append(None)  # the empty seat: whoever faces it sits out
    count = len(seats)
    if count < 2:
        return (), (seats[0] if seats else None)
    turn = index % (count - 1)
    rest = seats[1:]
    rest = rest[-turn:] + rest[:-turn] if turn else rest
    ring = [seats[0], *rest]
    pairs: list[Pair] = []
    sitting_out: int | None = None
    for i in range(count // 2):
        a, b = ring[i], ring[count - 1 - i]
        if a is None or b is None:
            sitting_out = b if a is None else a
            continue
        pairs.append((a, b) if a < b else (b, a))
    return tuple(sorted(pairs)), sitting_out


def next_round(available: Iterable[int], previous: Round | None) -> Round:
    """The round after ``previous`` for the members ``available`` now."""
    members = sorted(set(available))
    total = rounds_per_cycle(len(members))
    if total == 0:
        return Round((), members[0] if members else None, 0, 0, True)
    if (
        previous is not None
        and previous.roster == frozenset(members)
        and previous.position + 1 < total
    ):
        position = previous.position + 1
        pairs, out = circle_round(members, previous.offset + position)
        return Round(pairs, out, previous.offset, position, False)
    last_pairs = set(previous.pairs) if previous is not None else set()
    last_out = previous.sitting_out if previous is not None else None
    best: tuple[tuple[int, int, int], Round] | None = None
    for offset in range(total):
        pairs, out = circle_round(members, offset)
        repeats = len(last_pairs & set(pairs))
        again = int(out is not None and out == last_out)
        score = (repeats, again, offset)
        if best is None or score < best[0]:
            best = (score, Round(pairs, out, offset, 0, True))
    assert best is not None
    return best[1]
