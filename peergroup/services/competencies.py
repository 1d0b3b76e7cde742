"""Competency tags on topics and goals, and the coverage of a year's meetings.

The framework is bundled (``data/competencies.toml``: the seven CanMEDS roles);
a group may add tags of its own. Tags are typed as a comma-separated list of
keys or labels ("scholar, Health advocate"); anything else is refused with a
message naming the unknown tag and listing the valid ones.

Coverage: how many meetings held in a period touched each competency, through
the tags of the meeting's topic, and which competencies no meeting touched.
A meeting is held when it was not cancelled and its date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from .. import clock, content
from ..errors import InputError
from ..models import GoalCompetency, GroupCompetency, Meeting, TopicCompetency
from ..text import fold

LABEL_MAX = 60


@dataclass(frozen=True)
class Competency:
    key: str
    label: str
    own: bool = False  # the group's own tag, not the bundled framework's


def framework_name() -> str:
    return str(content.load("competencies.toml").get("framework", ""))


def bundled() -> list[Competency]:
    return [Competency(c["key"], c["label"]) for c in content.competencies()]


def available(session: Session, group_id: int) -> list[Competency]:
    """The bundled framework in its order, then the group's own tags by label."""
    own = session.exec(
        select(GroupCompetency)
        .where(GroupCompetency.group_id == group_id)
        .order_by(col(GroupCompetency.label), col(GroupCompetency.id))
    )
    return bundled() + [Competency(c.key, c.label, own=True) for c in own]


def labels(session: Session, group_id: int) -> dict[str, str]:
    return {c.key: c.label for c in available(session, group_id)}


def _slug(label: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in fold(label))
    return "-".join(part for part in out.split("-") if part)


def add_own(session: Session, group_id: int, label: str) -> str:
    """Add a tag of the group's own; returns its key."""
    from . import validate

    label = validate.required_line("competency", label, LABEL_MAX)
    key = _slug(label)
    if not key:
        raise InputError("competency", "needs at least one letter or digit.")
    for c in available(session, group_id):
        if c.key == key or fold(c.label) == fold(label):
            raise InputError("competency", f"{c.label!r} is already a competency tag.")
    session.add(GroupCompetency(group_id=group_id, key=key, label=label))
    session.flush()
    return key


def parse(
    session: Session, group_id: int, text: str | list[str] | None, field: str = "competencies"
) -> list[str]:
    """Keys of the tags in ``text`` (comma-separated keys or labels, any case), in
    the framework's order; an unknown tag is an InputError naming it."""
    if text is None:
        return []
    parts = text if isinstance(text, list) else text.split(",")
    known = available(session, group_id)
    by_name: dict[str, str] = {}
    for c in known:
        by_name[fold(c.key)] = c.key
        by_name[fold(c.label)] = c.key
        by_name[fold(c.key.replace("-", " "))] = c.key
    chosen: set[str] = set()
    for raw in parts:
        name = " ".join(str(raw).split())
        if not name:
            continue
        key = by_name.get(fold(name))
        if key is None:
            valid = ", ".join(c.key for c in known)
            raise InputError(field, f"{name!r} is not a competency; use one of: {valid}.")
        chosen.add(key)
    return [c.key for c in known if c.key in chosen]


def topic_tags(session: Session, topic_id: int) -> list[str]:
    rows = set(
        session.exec(select(TopicCompetency.key).where(TopicCompetency.topic_id == topic_id))
    )
    return _ordered(rows)


def tags_by_topic(session: Session, group_id: int) -> dict[int, list[str]]:
    """topic id -> its tag keys, for every topic of the group, in one query."""
    from ..models import Topic

    out: dict[int, set[str]] = {}
    for topic_id, key in session.exec(
        select(TopicCompetency.topic_id, TopicCompetency.key)
        .join(Topic, col(Topic.id) == TopicCompetency.topic_id)
        .where(Topic.group_id == group_id)
    ):
        out.setdefault(topic_id, set()).add(key)
    return {t: _ordered(keys) for t, keys in out.items()}


def goal_tags(session: Session, goal_id: int) -> list[str]:
    rows = set(session.exec(select(GoalCompetency.key).where(GoalCompetency.goal_id == goal_id)))
    return _ordered(rows)


def _ordered(keys: set[str]) -> list[str]:
    order = {c.key: i for i, c in enumerate(bundled())}
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


def tags_text(keys: list[str]) -> str:
    """What the form field shows: "scholar, leader"."""
    return ", ".join(keys)


def set_topic_tags(session: Session, topic_id: int, keys: list[str]) -> None:
    session.exec(delete(TopicCompetency).where(col(TopicCompetency.topic_id) == topic_id))
    for key in dict.fromkeys(keys):
        session.add(TopicCompetency(topic_id=topic_id, key=key))
    session.flush()


def set_goal_tags(session: Session, goal_id: int, keys: list[str]) -> None:
    session.exec(delete(GoalCompetency).where(col(GoalCompetency.goal_id) == goal_id))
    for key in dict.fromkeys(keys):
        session.add(GoalCompetency(goal_id=goal_id, key=key))
    session.flush()


def catalog_tags(catalog_key: str) -> list[str]:
    entry = next((t for t in content.topics() if t["key"] == catalog_key), None)
    return list(entry.get("competencies", [])) if entry else []


# --- coverage -------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    key: str
    label: str
    meetings: int  # held meetings whose topic carries the tag
    own: bool = False


@dataclass(frozen=True)
class Coverage:
    framework: str
    start: dt.date
    end: dt.date
    held: int  # meetings held in the period
    tagged: int  # of those, with a topic that carries at least one tag
    rows: tuple[CoverageRow, ...]  # every competency, in the framework's order

    @property
    def untouched(self) -> tuple[str, ...]:
        """Labels of the competencies no held meeting touched."""
        return tuple(r.label for r in self.rows if r.meetings == 0)


def coverage(
    session: Session,
    group_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> Coverage:
    """How many meetings held from ``start`` to ``end`` touched each competency."""
    today = today or clock.today()
    held = list(
        session.exec(
            select(Meeting.id, Meeting.topic_id).where(
                Meeting.group_id == group_id,
                Meeting.status == "scheduled",
                col(Meeting.on) >= start,
                col(Meeting.on) <= end,
                col(Meeting.on) < today,
            )
        )
    )
    topic_ids = {t for _m, t in held if t is not None}
    tags: dict[int, set[str]] = {}
    if topic_ids:
        for topic_id, key in session.exec(
            select(TopicCompetency.topic_id, TopicCompetency.key).where(
                col(TopicCompetency.topic_id).in_(topic_ids)
            )
        ):
            tags.setdefault(topic_id, set()).add(key)
    counts: Counter[str] = Counter()
    tagged = 0
    for _mid, held_topic in held:
        keys = tags.get(held_topic, set()) if held_topic is not None else set()
        tagged += bool(keys)
        counts.update(keys)
    rows = tuple(
        CoverageRow(c.key, c.label, counts.get(c.key, 0), c.own)
        for c in available(session, group_id)
    )
    return Coverage(framework_name(), start, end, len(held), tagged, rows)


def summary_line(cov: Coverage) -> str:
    """One plain sentence for a screen: counts per competency, then what was not touched."""
    if not cov.held:
        return "No meetings held in this period yet, so no competency is covered."
    touched = sorted((r for r in cov.rows if r.meetings), key=lambda r: -r.meetings)
    said = ", ".join(f"{r.label} {r.meetings}" for r in touched) or "none"
    line = f"{cov.held} meeting(s) held; competencies touched: {said}."
    if cov.untouched:
        line += " Not touched: " + ", ".join(cov.untouched) + "."
    return line


def coverage_blocks(cov: Coverage) -> list:
    """A report's section on the coverage (nothing when no meeting was held)."""
    from ..export.document import Heading, Para, Table

    if not cov.held:
        return []
    name = f"Competencies covered ({cov.framework})" if cov.framework else "Competencies covered"
    blocks: list = [
        Heading(name, 3),
        Para(
            f"Of {cov.held} meeting(s) held, {cov.tagged} had a topic tagged with a competency.",
            "note",
        ),
        Table(["Competency", "Meetings"], [[r.label, str(r.meetings)] for r in cov.rows], [1]),
    ]
    if cov.untouched:
        blocks.append(Para("No meeting touched: " + ", ".join(cov.untouched) + "."))
    return blocks


def year_span(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar year of ``today``: the curriculum screen's coverage period."""
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
