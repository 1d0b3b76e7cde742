"""The one place that reads the real time.

Everything else is given a clock. The app factory takes one (``make_app(...,
clock=...)``), the database carries it (``open_database(..., clock=...)``), and
every unit of work opened with ``Database.read()``/``write()`` makes it the
*current* clock for that thread, so services and model defaults
(``created_at``) ask ``current()`` instead of the system. Tests pin "today"
with ``FixedClock``; nothing outside this module calls ``date.today()`` or
``datetime.now()``.

"Today" is the machine's local date (the ``TZ`` of the process): a facilitator
in New York at 22:00 is still on the day their wall calendar shows.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> dt.date:
        """The machine's local date at ``now()``."""
        ...


class SystemClock:
    """The real time. The only reader of the system clock in Peergroup."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return dt.datetime.now().date()

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still (tests, demos, benchmarks); ``advance`` moves it."""

    def __init__(self, when: dt.datetime | dt.date) -> None:
        if isinstance(when, dt.datetime):
            if when.tzinfo is None:
                when = when.astimezone()  # read as local wall time
            self._now = when.astimezone(dt.UTC)
        else:
            # Noon local time: the same date whatever the machine's zone.
            self._now = dt.datetime.combine(when, dt.time(12)).astimezone().astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.astimezone().date()

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"


SYSTEM: Clock = SystemClock()
_current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "peergroup_clock", default=None
)


def current() -> Clock:
    """The clock of the unit of work running in this thread (else the system's)."""
    return _current.get() or SYSTEM


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` current for the duration of the block (in this thread)."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


def today() -> dt.date:
    """Shorthand for ``current().today()``."""
    return current().today()


def utcnow() -> dt.datetime:
    """Shorthand for ``current().now()`` (aware, UTC): the default of every ``*_at`` column."""
    return current().now()
