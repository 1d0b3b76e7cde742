"""What the step 9 screen shows: one check's results, the trend, the signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from . import consequences as checks_svc
from . import signals as signals_svc
from .groups import get_group


@dataclass(frozen=True)
class ConsequencesView:
    interval_months: int
    checks: tuple[dt.date, ...]  # every check, oldest first
    index: int  # which check ``summary`` is (-1: none yet)
    summary: checks_svc.CheckSummary | None
    due_on: dt.date | None  # None: no check yet, one is due now
    overdue: bool
    trend: checks_svc.Trend
    signals: tuple[signals_svc.Signal, ...]


def consequences_view(
    session: Session, group_id: int, today: dt.date, index: int | None = None
) -> ConsequencesView:
    """``index``: which check to show (default: the newest; out of range is clamped)."""
    group = get_group(session, group_id)
    checks = checks_svc.list_checks(session, group_id)
    if checks:
        at = len(checks) - 1 if index is None else max(0, min(index, len(checks) - 1))
        summary = checks_svc.summary(session, checks[at].id or 0)
    else:
        at, summary = -1, None
    due = checks_svc.due_on(group, checks[-1].on) if checks else None
    return ConsequencesView(
        interval_months=group.check_interval_months,
        checks=tuple(c.on for c in checks),
        index=at,
        summary=summary,
        due_on=due,
        overdue=not checks or (due is not None and due < today),
        trend=checks_svc.trend(session, group_id),
        signals=tuple(signals_svc.signals(session, group, today)),
    )
