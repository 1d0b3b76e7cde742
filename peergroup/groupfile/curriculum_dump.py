"""Writing a group's steps 6 and 7 back as group-file sections (see ``curriculum``):
importing what ``dump`` gives reproduces the topics, rounds, plan and experts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from .. import content
from ..models import (
    CurriculumSetting,
    Expert,
    ExpertInvitation,
    ExpertTopic,
    Meeting,
    Member,
    NeedsAnswer,
    NeedsRound,
    PlanEntry,
    Topic,
    TopicRating,
)


def dump(session: Session, group_id: int) -> dict[str, Any]:
    """The group's steps 6 and 7 as group-file sections (TOML types only)."""
    topics = list(
        session.exec(select(Topic).where(Topic.group_id == group_id).order_by(col(Topic.id)))
    )
    ref = {t.id: (t.catalog_key or t.title) for t in topics}
    out: dict[str, Any] = {}
    s = session.exec(
        select(CurriculumSetting).where(CurriculumSetting.group_id == group_id)
    ).first()
    if s is not None:
        out["curriculum"] = {"repeat_months": s.repeat_months, "open_every": s.open_every}
    from ..services import competencies

    own = [c.label for c in competencies.available(session, group_id) if c.own]
    if own:
        out["competencies"] = {"own": own}
    out["topics"] = [_dump_topic(t, competencies.topic_tags(session, t.id or 0)) for t in topics]
    names = dict(
        session.exec(select(Member.id, Member.name).where(Member.group_id == group_id)).all()
    )
    rounds = []
    for r in session.exec(
        select(NeedsRound)
        .where(NeedsRound.group_id == group_id)
        .order_by(col(NeedsRound.opens_on), col(NeedsRound.id))
    ):
        answers = []
        for a in session.exec(
            select(NeedsAnswer).where(NeedsAnswer.round_id == r.id).order_by(col(NeedsAnswer.id))
        ):
            ratings = {
                ref[x.topic_id]: x.score
                for x in session.exec(
                    select(TopicRating)
                    .where(TopicRating.round_id == r.id, TopicRating.member_id == a.member_id)
                    .order_by(col(TopicRating.topic_id))
                )
            }
            answer: dict[str, Any] = {"member": names[a.member_id], "answered": a.answered_on}
            if a.suggestion:
                answer["suggestion"] = a.suggestion
            answers.append({**answer, "ratings": ratings})
        rounds.append(
            {"opens": r.opens_on, "closes": r.closes_on, "closed": r.closed, "answers": answers}
        )
    out["needs_rounds"] = rounds
    plan = []
    for m, e in session.exec(
        select(Meeting, PlanEntry)
        .outerjoin(PlanEntry, col(PlanEntry.meeting_id) == Meeting.id)
        .where(Meeting.group_id == group_id, Meeting.status == "scheduled")
        .order_by(col(Meeting.on))
    ):
        item: dict[str, Any] = {"on": m.on}
        if e is None:  # a topic given without the planner: kept as set by hand
            if m.topic_id is None:
                continue
            item.update({"topic": ref[m.topic_id], "part": 1, "parts": 1})
        elif e.kind == "open":
            item["open"] = True
        else:
            item.update({"topic": ref[m.topic_id], "part": e.part, "parts": e.parts})
        plan.append({**item, "manual": e.manual if e is not None else True})
    out["plan"] = plan
    out["experts"] = _dump_experts(session, group_id, ref)
    return out


def _dump_topic(t: Topic, tags: list[str]) -> dict[str, Any]:
    """A catalog topic by its key, plus whatever the group changed; its own in full.
    Competency tags are written when they differ from the catalog's (own: when any)."""
    mine = {"title": t.title, "family": t.family, "description": t.description}
    bundled: dict[str, Any] = {}
    if not t.catalog_key:
        item: dict[str, Any] = mine
    else:
        bundled = next((c for c in content.topics() if c["key"] == t.catalog_key), {})
        item = {"catalog": t.catalog_key}
        item.update({k: v for k, v in mine.items() if bundled.get(k) != v})
    item.update({"parts": t.parts, "outside_input": t.needs_expert})
    if tags != list(bundled.get("competencies", [])):
        item["competencies"] = tags
    if t.retired_on is not None:
        item["retired"] = t.retired_on
    return item


def _dump_experts(session: Session, group_id: int, ref: dict) -> list[dict[str, Any]]:
    days: dict[int | None, Any] = dict(
        session.exec(
            select(col(Meeting.id), col(Meeting.on)).where(Meeting.group_id == group_id)
        ).all()
    )
    out = []
    for e in session.exec(
        select(Expert).where(Expert.group_id == group_id).order_by(col(Expert.id))
    ):
        links = session.exec(
            select(ExpertTopic.topic_id)
            .where(ExpertTopic.expert_id == e.id)
            .order_by(col(ExpertTopic.topic_id))
        )
        invitations = []
        for inv in session.exec(
            select(ExpertInvitation)
            .where(ExpertInvitation.expert_id == e.id)
            .order_by(col(ExpertInvitation.id))
        ):
            item: dict[str, Any] = {"status": inv.status}
            values = {
                "meeting": days.get(inv.meeting_id) if inv.meeting_id else None,
                "topic": ref.get(inv.topic_id) if inv.topic_id else None,
                "invited": inv.invited_on,
                "answered": inv.answered_on,
                "due": inv.due_on,
                "note": inv.note or None,
            }
            item.update({k: v for k, v in values.items() if v is not None})
            invitations.append(item)
        out.append(
            {
                "name": e.name,
                "affiliation": e.affiliation,
                "expertise": e.expertise,
                "email": e.email,
                "notes": e.notes,
                "topics": [ref[t] for t in links],
                "invitations": invitations,
            }
        )
    return out
