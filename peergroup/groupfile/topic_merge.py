"""``[[topics]]`` merged into an existing group (see ``merge``).

A topic is the same when it has the same catalog key (a topic adopted from
the bundled catalog) or, for the group's own, the same title ignoring case
and Unicode spelling. New topics are added and changed ones edited. A topic
the file leaves out is removed only with ``replace``, and only when nothing
refers to it (no meeting, plan, rating or expert); otherwise the file must
keep it (``retired = DATE`` takes it out of use).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from ..errors import InputError
from ..models import Group, Topic
from ..text import fold
from .values import _bool, _date, _int, _known, _list, _prefix, _str, _tags


def _key(t: dict[str, Any], where: str) -> str:
    if "catalog" in t:
        return "catalog:" + _str(t["catalog"], f"{where}.catalog")
    return "own:" + fold(_str(t.get("title"), f"{where}.title"))


def _referenced(session: Session, topic_id: int) -> list[str]:
    conn = session.connection()
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "topic" for fk in column.foreign_keys):
                n = conn.execute(
                    select(func.count()).select_from(table).where(column == topic_id)
                ).scalar()
                if n:
                    found.append(table.name)
                    break
    return found


def merge_topics(
    session: Session, group: Group, doc: dict[str, Any], replace: bool, said: list[str]
) -> None:
    from .. import content
    from ..services import topics as topics_svc
    from .curriculum import TOP
    from .curriculum_dump import _dump_topic

    if "topics" not in doc:
        return
    gid = group.id or 0
    existing = {
        ("catalog:" + t.catalog_key) if t.catalog_key else ("own:" + fold(t.title)): t
        for t in session.exec(select(Topic).where(Topic.group_id == gid))
    }
    entries: dict[str, tuple[str, dict]] = {}
    for i, t in enumerate(_list(doc.get("topics"), "topics")):
        where = f"topics[{i + 1}]"
        if not isinstance(t, dict):
            raise InputError(where, "must be a table ([[topics]]).")
        _known(t, TOP["topics"], where)
        entries[_key(t, where)] = (where, t)
    gone = [t for k, t in existing.items() if k not in entries]
    if gone and not replace:
        raise InputError(
            "topics",
            "the file leaves out the topics "
            + ", ".join(repr(t.title) for t in gone)
            + ". Nothing was changed. To remove them, import again with --replace "
            "(a topic in use is kept: give it retired = DATE instead).",
        )
    for t in gone:
        used = _referenced(session, t.id or 0)
        if used:
            raise InputError(
                "topics",
                f"{t.title!r} is in use ({', '.join(used)}), so is not removed; keep it in the "
                "file with retired = the date it went out of use.",
            )
        session.delete(t)
    added = changed = 0
    catalog = {c["key"] for c in content.topics()}
    for key, (where, t) in entries.items():
        try:
            topic = existing.get(key)
            if topic is not None and _dump_topic(topic, _tags_of(session, topic)) == _normal(t):
                continue  # unchanged
            if topic is None and "catalog" in t:
                if t["catalog"] not in catalog:
                    raise InputError("catalog", f"{t['catalog']!r} is not a key of the catalog.")
                topic = topics_svc.get_topic(session, topics_svc.adopt(session, gid, t["catalog"]))
                added += 1
            elif topic is None:
                topic = topics_svc.get_topic(
                    session,
                    topics_svc.add_topic(
                        session,
                        gid,
                        topics_svc.TopicInput(
                            _str(t.get("title"), "title"), _str(t.get("family"), "family")
                        ),
                    ),
                )
                added += 1
            else:
                changed += 1
            topics_svc.edit_topic(
                session,
                topic.id or 0,
                topics_svc.TopicInput(
                    _str(t.get("title", topic.title), "title"),
                    _str(t.get("family", topic.family), "family"),
                    _str(t.get("description", topic.description), "description"),
                    _int(t.get("parts"), "parts", topic.parts) or 1,
                    _bool(t.get("outside_input"), "outside_input", topic.needs_expert),
                    _tags(t.get("competencies"), "competencies"),
                ),
            )
            topic.retired_on = _date(t.get("retired"), "retired")
            session.add(topic)
        except InputError as exc:
            raise _prefix(where, exc) from None
    session.flush()
    for n, what in ((added, "added"), (changed, "changed"), (len(gone), "removed")):
        if n:
            said.append(f"{what} {n} topic(s)")


def _tags_of(session: Session, topic: Topic) -> list[str]:
    from ..services import competencies

    return competencies.topic_tags(session, topic.id or 0)


def _normal(t: dict[str, Any]) -> dict[str, Any]:
    """The file's entry as ``_dump_topic`` writes one (defaults filled in)."""
    out = dict(t)
    out.setdefault("parts", 1)
    out.setdefault("outside_input", False)
    return out
