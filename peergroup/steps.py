"""The ten roadmap steps: one registry that drives home, palette, help and statuses.

Each line names the step's number and key, the function that computes its
status from the group's data, and the screen that serves it (as a dotted
``module:Class`` string: the domain never imports the UI). Titles, summaries
and help texts are bundled content (``data/steps.toml``), looked up by key.
A new step screen is one service module, one screen module, one .tcss file and
a screen name on its line here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from . import content

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from .models import Group

STATES = ("done", "partial", "todo", "attention", "optional")


@dataclass
class StepStatus:
    """What the data says about one step: its state, what is missing, what to do next.

    ``done``: the data shows the group has done it; ``partial``: started;
    ``todo``: nothing there; ``attention``: something lapsed (an overdue
    mission, a check more than a year old); ``optional``: only needed sometimes.
    """

    number: int
    key: str
    title: str
    summary: str
    state: str = "todo"
    missing: list[str] = field(default_factory=list)
    next_action: str = ""

    @classmethod
    def for_step(cls, key: str) -> StepStatus:
        s = content.step(key)
        return cls(s["number"], key, s["title"], s["summary"])

    def flag(self, action: str) -> None:
        """Something has lapsed: it becomes the step's next action and its state."""
        self.state = "attention"
        self.next_action = action
        self.missing.append(action)

    def finish(self, started: bool) -> StepStatus:
        """Settle the state from what is missing (unless something lapsed)."""
        if self.state == "attention":
            return self
        if not self.missing:
            self.state = "done"
        else:
            self.state = "partial" if started else "todo"
            self.next_action = self.next_action or self.missing[0]
        return self


StatusFn = Callable[["Session", "Group", dt.date], StepStatus]


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    status: StatusFn
    screen: str  # "module:Class" of the step's screen (the domain never imports it)

    @property
    def home_key(self) -> str:
        """The key that opens the step from home: 1 to 9, and 0 for step 10."""
        return str(self.number % 10)

    @property
    def title(self) -> str:
        return content.step(self.key)["title"]

    @property
    def summary(self) -> str:
        return content.step(self.key)["summary"]

    @property
    def help(self) -> str:
        return content.step(self.key)["help"]


@cache
def all_steps() -> tuple[Step, ...]:
    """The registry, in roadmap order (built on first use: it imports the services)."""
    from .services import (
        consequences,
        experts,
        goals,
        meetings,
        membership,
        peer,
        reflections,
        support,
        topics,
        tracking,
    )

    return (
        Step(1, "peer", peer.step_status, "screens.peer:PeerScreen"),
        Step(2, "membership", membership.step_status, "screens.membership:MembershipScreen"),
        Step(3, "goals", goals.step_status, "screens.goals:GoalsScreen"),
        Step(4, "logistics", meetings.step_status, "screens.calendar:CalendarScreen"),
        Step(5, "support", support.step_status, "screens.support:SupportScreen"),
        Step(6, "topics", topics.step_status, "screens.topics:TopicsScreen"),
        Step(7, "experts", experts.step_status, "screens.experts:ExpertsScreen"),
        Step(8, "reflection", reflections.step_status, "screens.reflection:ReflectionScreen"),
        Step(
            9, "consequences", consequences.step_status, "screens.consequences:ConsequencesScreen"
        ),
        Step(10, "tracking", tracking.step_status, "screens.tracking:TrackingScreen"),
    )


def step(key: str) -> Step:
    for s in all_steps():
        if s.key == key:
            return s
    raise KeyError(key)


def roadmap(session: Session, group: Group, today: dt.date | None = None) -> list[StepStatus]:
    """Every step's status for ``group`` on ``today`` (default: the current clock's)."""
    from . import clock

    today = today or clock.today()
    return [s.status(session, group, today) for s in all_steps()]


def next_step(statuses: list[StepStatus]) -> StepStatus | None:
    """The one next thing to do: anything lapsed first, then the earliest unfinished step."""
    for s in statuses:
        if s.state == "attention":
            return s
    for s in statuses:
        if s.state in ("todo", "partial"):
            return s
    return None
