"""Steps 6 and 7 in a group file: topics, needs-assessment rounds, the
curriculum plan and outside experts with their invitations.

```toml
[curriculum]
repeat_months = 12          # planner: no topic again within this many months
open_every = 0              # planner: every Nth meeting an open slot (0: none)
through = 2027-05-11        # plan the schedule at least this far, for the plan below

[competencies]
own = ["Quality improvement"]   # optional: the group's own competency tags

[[topics]]                  # from the catalog, by key (title, family and
catalog = "scholarly-manuscript-critique"   # description may be given to change them)
parts = 3                   # optional: meetings one run takes
outside_input = false       # optional: the group wants an outside expert for it
competencies = ["scholar"]  # optional: competency keys or labels (a catalog topic
                            # without it keeps the catalog's tags)
[[topics]]                  # ... or the group's own
title = "Teaching medical Spanish in clinic"
family = "growth"
description = "..."
retired = 2026-10-01        # optional

[[needs_rounds]]
opens = 2026-09-08
closes = 2026-09-30
closed = false              # optional: closed by hand
[[needs_rounds.answers]]
member = "Priya Raman"
answered = 2026-09-14       # optional: default, the round's closing date
suggestion = "..."
ratings = { "scholarly-manuscript-critique" = 5, "Teaching medical Spanish in clinic" = 3 }

[[plan]]
on = 2027-03-09
topic = "scholarly-manuscript-critique"   # a catalog key or a topic's title
part = 1
parts = 3
manual = false              # true: set by hand, kept when the plan is made again
[[plan]]
on = 2027-06-08
open = true                 # an open / ad hoc slot

[[experts]]
name = "..."
affiliation = "..."
expertise = "..."
email = "..."
notes = "..."
topics = ["career-promotion-dossier"]
[[experts.invitations]]
meeting = 2027-02-09        # leave out for input between meetings (then `due`)
topic = "career-promotion-dossier"
status = "confirmed"        # idea | invited | confirmed | declined | attended
invited = 2026-11-12
answered = 2026-11-18
note = "..."
```

Every date comes from the file, never from the clock, so importing the same
file on any day gives the same group. ``curriculum_dump.dump`` writes the same
sections back (a group file's round trip).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from .. import content
from ..errors import InputError
from ..models import (
    Meeting,
    NeedsRound,
    Topic,
)
from ..text import fold
from .core import Area, ImportContext, register
from .values import _bool, _date, _int, _known, _list, _prefix, _required_date, _str, _tags

TOP = {
    "curriculum": {"repeat_months", "open_every", "through"},
    "topics": {
        "catalog",
        "title",
        "family",
        "description",
        "parts",
        "outside_input",
        "retired",
        "competencies",
    },
    "competencies": {"own"},
    "needs_rounds": {"opens", "closes", "closed", "answers"},
    "plan": {"on", "topic", "part", "parts", "open", "manual"},
    "experts": {"name", "affiliation", "expertise", "email", "notes", "topics", "invitations"},
}
# Nested tables: checked here, not registered as sections of their own.
ANSWERS = {"member", "answered", "suggestion", "ratings"}
INVITATIONS = {"meeting", "topic", "status", "invited", "answered", "due", "note"}


def _tables(doc: dict, key: str, where: str) -> list[tuple[str, dict]]:
    out = []
    for i, item in enumerate(_list(doc.get(key), where)):
        w = f"{where}[{i + 1}]"
        if not isinstance(item, dict):
            raise InputError(w, f"must be a table ([[{key}]]).")
        out.append((w, item))
    return out


class _Topics:
    """Topic references in the file: a catalog key or a title (any case)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, topic: Topic) -> None:
        assert topic.id is not None
        self.ids[fold(topic.title)] = topic.id
        if topic.catalog_key:
            self.ids[topic.catalog_key] = topic.id

    def id(self, ref: object, where: str) -> int:
        text = _str(ref, where)
        found = self.ids.get(text.strip()) or self.ids.get(fold(text))
        if found is None:
            raise InputError(
                where, f"{text!r} is not one of the [[topics]]; use its catalog key or title."
            )
        return found


def load(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import curriculum as curriculum_svc

    group = ctx.group
    assert group.id is not None
    if "curriculum" in doc:
        cur = doc["curriculum"]
        if not isinstance(cur, dict):
            raise InputError("curriculum", "must be a table ([curriculum]).")
        _known(cur, TOP["curriculum"], "curriculum")
        try:
            curriculum_svc.save_settings(
                session,
                group.id,
                _int(cur.get("repeat_months"), "curriculum.repeat_months", 12),
                _int(cur.get("open_every"), "curriculum.open_every", 0),
            )
        except InputError as exc:
            raise _prefix("curriculum", exc) from None
        through = _date(cur.get("through"), "curriculum.through")
        if through is not None:
            _plan_meetings_through(session, ctx, through)
    topics = _load_topics(session, doc, ctx)
    _load_rounds(session, doc, ctx, topics)
    _load_plan(session, doc, ctx, topics)
    _load_experts(session, doc, ctx, topics)


def _plan_meetings_through(session: Session, ctx: ImportContext, through: dt.date) -> None:
    """Meetings up to ``through`` (in whole months from the first meeting), roles rotated
    over the new ones only: the same result on any day."""
    from ..services import roles as roles_svc
    from ..services.schedule_change import apply_schedule_change

    group = ctx.group
    first = group.first_meeting
    if first is None:
        raise InputError("curriculum.through", "needs a [logistics] schedule with first_meeting.")
    months = (through.year - first.year) * 12 + through.month - first.month
    months += 1 if through.day >= first.day else 0  # planning stops short of its horizon
    assert group.id is not None
    done = apply_schedule_change(session, group.id, first, months=max(1, months), rotate=False)
    added = [session.get(Meeting, mid) for mid in done.added_ids]
    days = [m.on for m in added if m is not None]
    if days:
        roles_svc.rotate(session, group, today=min(days), touch=False)


def _load_own_competencies(session: Session, doc: dict, group_id: int) -> None:
    from ..services import competencies

    section = doc.get("competencies")
    if section is None:
        return
    if not isinstance(section, dict):
        raise InputError("competencies", "must be a table ([competencies]).")
    _known(section, TOP["competencies"], "competencies")
    for i, label in enumerate(_list(section.get("own"), "competencies.own")):
        where = f"competencies.own[{i + 1}]"
        try:
            competencies.add_own(session, group_id, _str(label, where))
        except InputError as exc:
            raise InputError(where, exc.message) from None


def _load_topics(session: Session, doc: dict, ctx: ImportContext) -> _Topics:
    from ..services import topics as topics_svc

    refs = _Topics()
    assert ctx.group.id is not None
    _load_own_competencies(session, doc, ctx.group.id)
    for where, t in _tables(doc, "topics", "topics"):
        _known(t, TOP["topics"], where)
        try:
            if "catalog" in t:
                key = _str(t["catalog"], "catalog")
                if key not in {c["key"] for c in content.topics()}:
                    raise InputError("catalog", f"{key!r} is not a key of the bundled catalog.")
                tid = topics_svc.adopt(session, ctx.group.id, key)
                topic = topics_svc.get_topic(session, tid)
                data = topics_svc.TopicInput(
                    _str(t.get("title", topic.title), "title"),
                    _str(t.get("family", topic.family), "family"),
                    _str(t.get("description", topic.description), "description"),
                    _int(t.get("parts"), "parts", topic.parts) or 1,
                    _bool(t.get("outside_input"), "outside_input", topic.needs_expert),
                    _tags(t.get("competencies"), "competencies"),
                )
                topics_svc.edit_topic(session, tid, data)
            else:
                tid = topics_svc.add_topic(
                    session,
                    ctx.group.id,
                    topics_svc.TopicInput(
                        _str(t.get("title"), "title"),
                        _str(t.get("family"), "family"),
                        _str(t.get("description"), "description"),
                        _int(t.get("parts"), "parts", 1) or 1,
                        _bool(t.get("outside_input"), "outside_input"),
                        _tags(t.get("competencies"), "competencies"),
                    ),
                )
                topic = topics_svc.get_topic(session, tid)
            retired = _date(t.get("retired"), "retired")
            topic.retired_on = retired  # set directly: an imported record, nothing to unplan
            session.add(topic)
        except InputError as exc:
            raise _prefix(where, exc) from None
        refs.add(topic)
    session.flush()
    return refs


def _load_rounds(session: Session, doc: dict, ctx: ImportContext, topics: _Topics) -> None:
    from ..services import needs

    assert ctx.group.id is not None
    last_close: dt.date | None = None
    for where, r in _tables(doc, "needs_rounds", "needs_rounds"):
        _known(r, TOP["needs_rounds"], where)
        opens = _required_date(r, "opens", where)
        closes = _required_date(r, "closes", where)
        if closes < opens:
            raise InputError(f"{where}.closes", "is before opens; check the dates.")
        if last_close is not None and opens <= last_close:
            raise InputError(f"{where}.opens", "overlaps the round before; list rounds in order.")
        last_close = closes
        row = NeedsRound(
            group_id=ctx.group.id,
            opens_on=opens,
            closes_on=closes,
            closed=_bool(r.get("closed"), f"{where}.closed"),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        seen: set[int] = set()
        for awhere, a in _tables(r, "answers", f"{where}.answers"):
            _known(a, ANSWERS, awhere)
            member_id = ctx.member_id(a.get("member"), f"{awhere}.member")
            if member_id in seen:
                raise InputError(f"{awhere}.member", "answers twice in this round.")
            seen.add(member_id)
            ratings = a.get("ratings", {})
            if not isinstance(ratings, dict):
                raise InputError(f"{awhere}.ratings", 'must be a table: { "topic" = 4, ... }.')
            scores: dict[int, object] = {}
            for ref, score in ratings.items():
                rwhere = f"{awhere}.ratings.{ref}"
                value = _int(score, rwhere)
                if value is None or not 1 <= value <= 5:
                    raise InputError(rwhere, f"{score!r} is not a rating; use 1 to 5.")
                scores[topics.id(ref, rwhere)] = value
            answered = _date(a.get("answered"), f"{awhere}.answered") or closes
            try:
                needs.save_ratings(
                    session,
                    row.id,
                    member_id,
                    scores,
                    _str(a.get("suggestion"), "suggestion"),
                    answered,
                    check_open=False,
                )
            except InputError as exc:
                raise _prefix(awhere, exc) from None


def _load_plan(session: Session, doc: dict, ctx: ImportContext, topics: _Topics) -> None:
    from ..services.curriculum import Placement, place_imported

    by_date = {
        m.on: m
        for m in session.exec(
            select(Meeting).where(Meeting.group_id == ctx.group.id, Meeting.status == "scheduled")
        )
    }
    for where, p in _tables(doc, "plan", "plan"):
        _known(p, TOP["plan"], where)
        day = _required_date(p, "on", where)
        meeting = by_date.get(day)
        if meeting is None:
            raise InputError(
                f"{where}.on", f"there is no scheduled meeting on {day}; match a planned date."
            )
        manual = _bool(p.get("manual"), f"{where}.manual")
        if _bool(p.get("open"), f"{where}.open"):
            if "topic" in p:
                raise InputError(f"{where}.topic", "an open slot has no topic; leave one out.")
            place_imported(session, meeting, Placement("open"), manual)
            continue
        tid = topics.id(p.get("topic"), f"{where}.topic")
        parts = _int(p.get("parts"), f"{where}.parts", 1) or 1
        part = _int(p.get("part"), f"{where}.part", 1) or 1
        if not 1 <= part <= parts <= 6:
            raise InputError(f"{where}.part", "needs 1 <= part <= parts <= 6.")
        place_imported(session, meeting, Placement("topic", tid, part, parts), manual)


def _load_experts(session: Session, doc: dict, ctx: ImportContext, topics: _Topics) -> None:
    from ..services import experts as experts_svc

    gid = ctx.group.id
    assert gid is not None
    by_date = {m.on: m for m in session.exec(select(Meeting).where(Meeting.group_id == gid))}
    for where, e in _tables(doc, "experts", "experts"):
        _known(e, TOP["experts"], where)
        links = tuple(
            topics.id(ref, f"{where}.topics[{i + 1}]")
            for i, ref in enumerate(_list(e.get("topics"), f"{where}.topics"))
        )
        try:
            expert_id = experts_svc.save_expert(
                session,
                gid,
                None,
                experts_svc.ExpertInput(
                    name=_str(e.get("name"), "name"),
                    affiliation=_str(e.get("affiliation"), "affiliation"),
                    expertise=_str(e.get("expertise"), "expertise"),
                    email=_str(e.get("email"), "email"),
                    notes=_str(e.get("notes"), "notes"),
                    topic_ids=links,
                ),
            )
        except InputError as exc:
            raise _prefix(where, exc) from None
        for iwhere, inv in _tables(e, "invitations", f"{where}.invitations"):
            _known(inv, INVITATIONS, iwhere)
            day = _date(inv.get("meeting"), f"{iwhere}.meeting")
            meeting = by_date.get(day) if day else None
            if day is not None and meeting is None:
                raise InputError(f"{iwhere}.meeting", f"there is no meeting on {day}.")
            topic_id = topics.id(inv["topic"], f"{iwhere}.topic") if "topic" in inv else None
            try:
                experts_svc.save_invitation(
                    session,
                    gid,
                    None,
                    experts_svc.InvitationInput(
                        expert_id=expert_id,
                        meeting_id=meeting.id if meeting else None,
                        topic_id=topic_id,
                        status=_str(inv.get("status", "idea"), "status"),
                        due_on=_date(inv.get("due"), f"{iwhere}.due"),
                        note=_str(inv.get("note"), "note"),
                        invited_on=_date(inv.get("invited"), f"{iwhere}.invited"),
                        answered_on=_date(inv.get("answered"), f"{iwhere}.answered"),
                    ),
                    imported=True,
                )
            except InputError as exc:
                raise _prefix(iwhere, exc) from None


AREA = register(Area(sections=TOP, load=load))
