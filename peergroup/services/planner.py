"""The curriculum planner's proposal, as a pure function (no database).

``propose`` takes the upcoming meetings (with what each must keep), the
topics in order of interest and what was covered before, and says what to
plan at every other meeting:

* highest interest first;
* no topic again within the repeat window (months, counted both ways, so a
  meeting kept by hand later on also blocks the months before it);
* no family takes more than its share of the plan's runs while another family
  still has a topic that fits (then the share is relaxed rather than leave a
  meeting empty);
* a series (a topic that takes several meetings) goes on consecutive
  meetings, part 1 first, and only where all its parts fit;
* every Nth meeting stays open if the group asked for open slots;
* a series begun at a meeting already held continues first.

Cancelled meetings are never slots: the caller leaves them out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Placement:
    kind: str  # "topic" | "open"
    topic_id: int | None = None
    part: int = 1
    parts: int = 1


@dataclass(frozen=True)
class Slot:
    """An upcoming scheduled meeting; ``fixed`` is what it keeps (set by hand, ad hoc)."""

    meeting_id: int
    on: dt.date
    fixed: Placement | None = None
    fixed_family: str = ""


@dataclass(frozen=True)
class Candidate:
    topic_id: int
    family: str
    parts: int = 1


@dataclass(frozen=True)
class Carry:
    """A series begun at a meeting already held: the parts still to come."""

    topic_id: int
    next_part: int
    parts: int


@dataclass
class _State:
    dates: dict[int, list[dt.date]] = field(default_factory=dict)  # topic -> days covered
    runs: dict[str, int] = field(default_factory=dict)  # family -> runs in this plan


def propose(
    slots: Sequence[Slot],
    candidates: Sequence[Candidate],
    covered: dict[int, list[dt.date]],
    *,
    repeat_months: int = 12,
    open_every: int = 0,
    carry: Carry | None = None,
) -> dict[int, Placement | None]:
    """meeting id -> what to plan there (None: nothing fits), for every slot not fixed.

    ``candidates`` come in order of interest (best first); ``covered`` gives the
    days each topic was covered before the first slot.
    """
    state = _State({t: list(d) for t, d in covered.items()})
    out: dict[int, Placement | None] = {}
    families = {c.family for c in candidates}
    cap = max(1, math.ceil(len(slots) / max(1, len(families))))
    for s in slots:
        if s.fixed is not None and s.fixed.kind == "topic" and s.fixed.topic_id is not None:
            state.dates.setdefault(s.fixed.topic_id, []).append(s.on)
            if s.fixed.part == 1 and s.fixed_family:
                state.runs[s.fixed_family] = state.runs.get(s.fixed_family, 0) + 1
    free = [s.fixed is None for s in slots]
    if open_every > 0:
        for i, s in enumerate(slots):
            if free[i] and (i + 1) % open_every == 0:
                out[s.meeting_id], free[i] = Placement("open"), False
    if carry is not None:
        part = carry.next_part
        for i, s in enumerate(slots):
            if part > carry.parts or not free[i]:
                break
            out[s.meeting_id] = Placement("topic", carry.topic_id, part, carry.parts)
            state.dates.setdefault(carry.topic_id, []).append(s.on)
            free[i], part = False, part + 1
    window = relativedelta(months=max(1, repeat_months))
    for i, s in enumerate(slots):
        if not free[i]:
            continue
        pick = None
        for strict in (True, False):
            pick = next(
                (c for c in candidates if _fits(c, i, slots, free, state, window, strict, cap)),
                None,
            )
            if pick is not None:
                break
        if pick is None:
            out[s.meeting_id], free[i] = None, False
            continue
        state.runs[pick.family] = state.runs.get(pick.family, 0) + 1
        for k in range(pick.parts):
            slot = slots[i + k]
            out[slot.meeting_id] = Placement("topic", pick.topic_id, k + 1, pick.parts)
            state.dates.setdefault(pick.topic_id, []).append(slot.on)
            free[i + k] = False
    return out


def _fits(
    c: Candidate,
    i: int,
    slots: Sequence[Slot],
    free: list[bool],
    state: _State,
    window: relativedelta,
    strict: bool,
    cap: int,
) -> bool:
    if strict and state.runs.get(c.family, 0) >= cap:
        return False
    run = slots[i : i + c.parts]
    if len(run) < c.parts or not all(free[i : i + c.parts]):
        return False  # a series needs that many consecutive open meetings
    for day in state.dates.get(c.topic_id, []):
        if any(day < s.on + window and s.on < day + window for s in run):
            return False
    return True
