"""Anonymous answers: shown only as aggregates, and only when enough people answered.

The needs assessment is named (a facilitator plans around who wants what),
but the consequences check, the yearly survey and meeting pulses are
anonymous. Their tables keep *who answered* (so nobody answers twice) apart
from *what was answered* (rows with no member id), and every view goes
through ``summarise``, which shows nothing until ``MIN_RESPONDENTS`` people
have answered.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_RESPONDENTS = 3
TOO_FEW = "Not enough answers to show without identifying anyone (at least {n} are needed)."


@dataclass(frozen=True)
class ItemSummary:
    key: str
    answers: int
    mean: float | None  # None when hidden
    low: int | None  # the lowest and highest score given, when shown
    high: int | None


@dataclass(frozen=True)
class Summary:
    respondents: int
    shown: bool  # False: fewer than MIN_RESPONDENTS answered; nothing below is filled in
    items: tuple[ItemSummary, ...]
    message: str = ""

    def mean_of(self, keys: Iterable[str]) -> float | None:
        """The mean over several items (e.g. one survey area), when shown."""
        wanted = set(keys)
        values = [i.mean for i in self.items if i.key in wanted and i.mean is not None]
        return round(statistics.fmean(values), 2) if values and self.shown else None


def summarise(
    respondents: int, scores: Mapping[str, list[int]], minimum: int = MIN_RESPONDENTS
) -> Summary:
    """``scores``: item key -> every score given for it (no names)."""
    if respondents < minimum:
        return Summary(
            respondents,
            False,
            tuple(ItemSummary(k, len(v), None, None, None) for k, v in scores.items()),
            TOO_FEW.format(n=minimum),
        )
    items = tuple(
        ItemSummary(
            key,
            len(values),
            round(statistics.fmean(values), 2) if values else None,
            min(values) if values else None,
            max(values) if values else None,
        )
        for key, values in scores.items()
    )
    return Summary(respondents, True, items)
