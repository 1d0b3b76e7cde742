"""Step 6: the group's topics, from the bundled catalog or its own, and the one
line that names a meeting's topic everywhere.

A topic the group no longer wants is retired, never deleted: meetings that
covered it still name it and its ratings stay in their rounds. The needs
assessment is in ``needs``, the curriculum plan in ``curriculum``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import clock, content
from ..errors import InputError, NotFound
from ..models import (
    SERIES_MAX,
    TOPIC_FAMILIES,
    Group,
    Meeting,
    NeedsRound,
    PlanEntry,
    Topic,
)
from ..steps import StepStatus
from ..text import fold
from . import validate
from .groups import get_group

OPEN_SLOT = "Open / ad hoc"
DESCRIPTION_MAX = 2_000


def family_labels() -> dict[str, str]:
    """career -> "General career", ... in the catalog's order."""
    return content.topic_families()


def family_label(key: str) -> str:
    return family_labels().get(key, key)


def get_topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound("That topic no longer exists; it may have been removed in another window.")
    return topic


def group_topic(session: Session, group_id: int, topic_id: int | None, field: str) -> Topic:
    """Topic ``topic_id`` of the group, or an InputError on ``field``."""
    topic = session.get(Topic, topic_id) if topic_id is not None else None
    if topic is None or topic.group_id != group_id:
        raise InputError(field, "is not one of this group's topics; choose one from the list.")
    return topic


def active_topics(session: Session, group_id: int) -> list[Topic]:
    """Adopted topics that are not retired, by title."""
    return list(
        session.exec(
            select(Topic)
            .where(Topic.group_id == group_id, col(Topic.retired_on).is_(None))
            .order_by(col(Topic.title_key), col(Topic.id))
        )
    )


# --- the topic line -------------------------------------------------------------


def format_topic_line(topic_title: str | None, entry: PlanEntry | None, own_title: str) -> str:
    """ "Critiquing a member's manuscript (part 2 of 3)", an ad hoc title, or the open slot.

    The meeting's own title (set on the calendar) is added after a planned
    topic, and stands alone at an ad hoc meeting.
    """
    if topic_title:
        line = topic_title
        if entry is not None and entry.parts > 1:
            line += f" (part {entry.part} of {entry.parts})"
        if own_title and fold(own_title) != fold(topic_title):
            line += f": {own_title}"
        return line
    if entry is not None and entry.kind == "open":
        return own_title or OPEN_SLOT
    return own_title


def topic_line(session: Session, meeting: Meeting) -> str:
    """The one line that names ``meeting``'s topic: calendar, agenda, running list,
    .ics, minutes and exports all read it."""
    topic = session.get(Topic, meeting.topic_id) if meeting.topic_id else None
    entry = session.exec(select(PlanEntry).where(PlanEntry.meeting_id == meeting.id)).first()
    return format_topic_line(topic.title if topic else None, entry, meeting.title)


def topic_lines(session: Session, group_id: int) -> dict[int, str]:
    """meeting id -> its topic line, for every meeting of the group, in one query."""
    rows = session.exec(
        select(Meeting.id, Meeting.title, Topic.title, PlanEntry)
        .outerjoin(Topic, col(Topic.id) == Meeting.topic_id)
        .outerjoin(PlanEntry, col(PlanEntry.meeting_id) == Meeting.id)
        .where(Meeting.group_id == group_id)
    )
    return {mid: format_topic_line(t, entry, own) for mid, own, t, entry in rows if mid is not None}


# --- adopting, adding, editing, retiring ----------------------------------------


@dataclass(frozen=True)
class TopicInput:
    title: str
    family: str
    description: str = ""
    parts: int | str = 1
    needs_expert: bool = False
    # Comma-separated competency keys or labels; None leaves the tags as they are.
    competencies: str | list[str] | None = None


def _clean(session: Session, group_id: int, data: TopicInput, topic_id: int | None) -> dict:
    title = validate.required_line("title", data.title, validate.LINE_MAX)
    clash = session.exec(
        select(Topic).where(Topic.group_id == group_id, Topic.title_key == fold(title))
    ).first()
    if clash is not None and clash.id != topic_id:
        if clash.retired_on is not None:
            raise InputError(
                "title",
                f"{clash.title!r} was adopted before and is retired; restore it (d) instead.",
            )
        raise InputError("title", f"{clash.title!r} is already one of the group's topics.")
    family = (data.family or "").strip()
    if family not in TOPIC_FAMILIES:
        raise InputError("family", "is not one of the four families; choose one from the list.")
    parts = validate.int_in_range("parts", data.parts, 1, SERIES_MAX, required=True)
    return {
        "title": title,
        "family": family,
        "description": validate.text("description", data.description, DESCRIPTION_MAX),
        "parts": parts,
        "needs_expert": bool(data.needs_expert),
    }


def add_topic(session: Session, group_id: int, data: TopicInput) -> int:
    """A topic of the group's own; returns its id."""
    from . import competencies

    get_group(session, group_id)
    values = _clean(session, group_id, data, None)
    tags = competencies.parse(session, group_id, data.competencies)
    topic = Topic(group_id=group_id, **values)
    session.add(topic)
    session.flush()
    assert topic.id is not None
    competencies.set_topic_tags(session, topic.id, tags)
    return topic.id


def edit_topic(session: Session, topic_id: int, data: TopicInput) -> int:
    from . import competencies

    topic = get_topic(session, topic_id)
    values = _clean(session, topic.group_id, data, topic.id)
    if data.competencies is not None:
        competencies.set_topic_tags(
            session, topic_id, competencies.parse(session, topic.group_id, data.competencies)
        )
    renamed = values["title"] != topic.title or values["parts"] != topic.parts
    for key, value in values.items():
        setattr(topic, key, value)
    session.add(topic)
    if renamed:  # calendars show the title (and the parts) of planned meetings
        from .curriculum import topic_changed

        topic_changed(session, topic)
    session.flush()
    return topic_id


def adopt(session: Session, group_id: int, catalog_key: str) -> int:
    """Take a topic from the bundled catalog (or bring back a retired one); its id."""
    entry = next((t for t in content.topics() if t["key"] == catalog_key), None)
    if entry is None:
        raise InputError("topic", "is not in the bundled catalog; choose one from the list.")
    existing = session.exec(
        select(Topic).where(
            Topic.group_id == group_id,
            (Topic.catalog_key == catalog_key) | (Topic.title_key == fold(entry["title"])),
        )
    ).first()
    if existing is not None:
        if existing.retired_on is None:
            raise InputError("title", f"{existing.title!r} is already one of the group's topics.")
        existing.retired_on = None
        session.add(existing)
        session.flush()
        assert existing.id is not None
        return existing.id
    get_group(session, group_id)
    topic = Topic(
        group_id=group_id,
        family=entry["family"],
        title=entry["title"],
        description=entry.get("description", ""),
        catalog_key=catalog_key,
        parts=int(entry.get("parts", 1)),
        needs_expert=bool(entry.get("outside_input", False)),
    )
    session.add(topic)
    session.flush()
    assert topic.id is not None
    from .competencies import set_topic_tags

    set_topic_tags(session, topic.id, list(entry.get("competencies", [])))
    return topic.id


def retire(session: Session, topic_id: int, today: dt.date | None = None) -> str:
    """Retire a topic: it leaves the ratings form and the planner, and comes off
    upcoming meetings; meetings held stay as they were. Says what happened."""
    from .curriculum import unplan_topic

    today = today or clock.today()
    topic = get_topic(session, topic_id)
    if topic.retired_on is not None:
        return f"{topic.title} is already retired."
    topic.retired_on = today
    session.add(topic)
    freed = unplan_topic(session, topic, today)
    session.flush()
    said = f"Retired {topic.title}; meetings that covered it keep it"
    return said + (f", and {freed} upcoming meeting(s) no longer have a topic." if freed else ".")


def restore(session: Session, topic_id: int) -> str:
    topic = get_topic(session, topic_id)
    topic.retired_on = None
    session.add(topic)
    session.flush()
    return f"{topic.title} is back among the group's topics."


def set_needs_expert(session: Session, topic_id: int, wanted: bool) -> bool:
    topic = get_topic(session, topic_id)
    topic.needs_expert = wanted
    session.add(topic)
    session.flush()
    return wanted


# --- what the catalog and the dialogs show --------------------------------------


@dataclass(frozen=True)
class CatalogEntry:
    key: str
    family: str
    title: str
    description: str
    state: str  # "" | "adopted" | "retired"


@dataclass(frozen=True)
class CatalogView:
    families: tuple[tuple[str, str], ...]  # (key, label)
    entries: tuple[CatalogEntry, ...]  # in catalog order


def catalog_view(session: Session, group_id: int) -> CatalogView:
    mine = session.exec(
        select(Topic.catalog_key, Topic.title_key, col(Topic.retired_on)).where(
            Topic.group_id == group_id
        )
    ).all()
    by_key = {k: r for k, _t, r in mine if k}
    by_title = {t: r for _k, t, r in mine}
    entries = []
    for t in content.topics():
        if t["key"] in by_key or fold(t["title"]) in by_title:
            retired = by_key.get(t["key"], by_title.get(fold(t["title"])))
            state = "retired" if retired is not None else "adopted"
        else:
            state = ""
        entries.append(CatalogEntry(t["key"], t["family"], t["title"], t["description"], state))
    return CatalogView(tuple(family_labels().items()), tuple(entries))


@dataclass(frozen=True)
class TopicForm:
    topic_id: int | None
    title: str
    family: str
    description: str
    parts: int
    needs_expert: bool
    families: tuple[tuple[str, str], ...]  # (label, key)
    competencies: str = ""  # the tags as the form shows them: "scholar, leader"
    valid: str = ""  # the tags one may type, for the hint


def topic_form(session: Session, topic_id: int | None, group_id: int | None = None) -> TopicForm:
    from . import competencies as comp

    families = tuple((label, key) for key, label in family_labels().items())
    if topic_id is None:
        valid = ", ".join(c.key for c in comp.available(session, group_id or 0))
        return TopicForm(None, "", "growth", "", 1, False, families, "", valid)
    t = get_topic(session, topic_id)
    tags = comp.tags_text(comp.topic_tags(session, topic_id))
    valid = ", ".join(c.key for c in comp.available(session, t.group_id))
    return TopicForm(
        t.id, t.title, t.family, t.description, t.parts, t.needs_expert, families, tags, valid
    )


# --- step 6 on the roadmap ------------------------------------------------------


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    """No topics / no needs assessment / a round open with N missing / upcoming
    meetings without a topic, each with the one next thing to do."""
    from . import curriculum, needs

    step = StepStatus.for_step("topics")
    assert group.id is not None
    adopted = session.exec(
        select(func.count())
        .select_from(Topic)
        .where(Topic.group_id == group.id, col(Topic.retired_on).is_(None))
    ).one()
    rounds = session.exec(
        select(NeedsRound)
        .where(NeedsRound.group_id == group.id)
        .order_by(col(NeedsRound.opens_on).desc(), col(NeedsRound.id).desc())
    ).all()
    if not adopted:
        step.missing.append("Adopt topics from the catalog, or add your own (a).")
    current = rounds[0] if rounds else None
    if current is None:
        if adopted:
            step.missing.append(
                "Run a needs assessment: open a round (o) so members rate the topics."
            )
    elif needs.round_state(current, today) == "open":
        missing = needs.missing_members(session, current)
        if missing:
            names = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            step.missing.append(
                f"Needs assessment open until {current.closes_on}: {len(missing)} member(s) "
                f"have not rated yet ({names}). Enter their ratings (r)."
            )
    unplanned = curriculum.unplanned_count(session, group.id, today)
    if unplanned:
        step.missing.append(
            f"{unplanned} upcoming meeting(s) have no topic: plan the curriculum (g)."
        )
    return step.finish(bool(adopted or rounds))
