"""Who takes which rotating role at one meeting: the choice, with no database.

``roles.rotate`` walks the upcoming meetings in order and asks
``choose_holders`` for each; the rules are written there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Someone who can take a role: a member's id and name, nothing else."""

    id: int
    name: str


class Turns:
    """How many turns each member has had (or will have) at each rotating role."""

    def __init__(self, role_ids: set[int]) -> None:
        self.count: dict[int, Counter[int]] = {r: Counter() for r in role_ids}
        self.last: dict[int, dict[int, int]] = {r: {} for r in role_ids}

    def took(self, role_id: int, member_id: int, position: int) -> None:
        self.count[role_id][member_id] += 1
        self.last[role_id][member_id] = position


def choose_holders(
    role_ids: list[int], eligible: list[Person], busy: set[int], turns: Turns
) -> dict[int, int | None]:
    """Who takes each of ``role_ids`` at one meeting: role id -> member id.

    In order of importance: different people for different roles (and not
    those in ``busy``, who already hold a role there by hand) whenever there are
    enough; within each role, someone with the fewest turns so far; then the
    people who are due in the most roles, which keeps every role's turns within
    one of each other over a full round (a Latin-rectangle argument: a member
    due in as many roles as there are meetings left in the round must be chosen
    now); then whoever's last turn is longest ago; then by name.
    """
    if not eligible:
        return dict.fromkeys(role_ids)
    people = sorted(eligible, key=lambda p: (p.name.casefold(), p.id))
    k, n = len(role_ids), len(people)
    least = {r: min(turns.count[r][p.id] for p in people) for r in role_ids}
    due = {p.id: sum(turns.count[r][p.id] == least[r] for r in role_ids) for p in people}
    if n < k:  # too few people: some must take two roles; spread them
        return _greedy(role_ids, people, busy, turns, least)
    base = k + 1  # a member due in one more role outweighs any number due in fewer
    top_rank = base**k
    top_excess = max(turns.count[r][p.id] - least[r] for r in role_ids for p in people)
    top_last = 1 + max((max(v.values(), default=-1) for v in turns.last.values()), default=-1)
    # One integer per (role, member) that sorts like the tuple of priorities above;
    # each level's weight exceeds k times the largest sum of the levels below.
    w_name = 1
    w_last = w_name * (k * n + 1)
    w_rank = w_last * (k * (top_last + 1) + 1)
    w_excess = w_rank * (k * top_rank + 1)
    w_busy = w_excess * (k * top_excess + 1)
    cost = [
        [
            w_busy * (p.id in busy)
            + w_excess * (turns.count[r][p.id] - least[r])
            + w_rank * (top_rank - base ** due[p.id])
            + w_last * (turns.last[r].get(p.id, -1) + 1)
            + w_name * i
            for i, p in enumerate(people)
        ]
        for r in role_ids
    ]
    chosen = _assignment(cost)
    return {r: people[j].id for r, j in zip(role_ids, chosen, strict=True)}


def _greedy(
    role_ids: list[int],
    people: list[Person],
    busy: set[int],
    turns: Turns,
    least: dict[int, int],
) -> dict[int, int | None]:
    held: Counter[int] = Counter(busy)
    picks: dict[int, int | None] = {}
    for r in role_ids:
        pick = min(
            people,
            key=lambda p: (
                turns.count[r][p.id] - least[r],
                held[p.id],
                turns.last[r].get(p.id, -1),
            ),
        )
        held[pick.id] += 1
        picks[r] = pick.id
    return picks


def _assignment(cost: list[list[int]]) -> list[int]:
    """Column chosen for each row, all different, with the least total cost.

    The Hungarian method for a k x n matrix with k <= n (O(k^2 n)).
    """
    k, n = len(cost), len(cost[0])
    # Every cost is an int and so is every potential and slack the loop
    # computes; only the "not reached yet" mark is the float infinity.
    inf = float("inf")
    u: list[float] = [0] * (k + 1)
    v: list[float] = [0] * (n + 1)
    owner = [0] * (n + 1)  # owner[j]: the row (1-based) holding column j; 0 = free
    way = [0] * (n + 1)
    for i in range(1, k + 1):
        owner[0] = i
        j0 = 0
        minv: list[float] = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, j1 = owner[j0], 0
            delta: float = inf
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    result = [0] * k
    for j in range(1, n + 1):
        if owner[j]:
            result[owner[j] - 1] = j - 1
    return result
