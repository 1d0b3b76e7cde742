"""Writing the later steps' sections back (see ``writer``): the curriculum and
experts (``curriculum_dump``), prompts, reflections, support requests,
consequences checks, meeting pulses and pair rounds.

Anonymous answers stay anonymous: who answered is written apart from what was
answered, and the scores (and lines) are sorted, so their order says nothing
about who gave them. A pulse's lines are written only once MIN_RESPONDENTS
members gave a pulse, as the app shows them. Private reflections are written only when asked for;
reflections sealed with a journal passphrase never are (the app cannot read
them), nor are journal keys or pair notes.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from .. import clock
from ..models import (
    ConsequenceAnswer,
    ConsequenceCheck,
    ConsequenceRespondent,
    Group,
    GroupPrompt,
    Meeting,
    Member,
    PairCheckin,
    PairRound,
    PulseAnswer,
    PulseRespondent,
    Reflection,
    SupportRequest,
)
from ..services import pulse as pulse_svc
from ..services.anonymity import MIN_RESPONDENTS
from . import curriculum_dump
from .writer import DUMPS, _drop_empty, _hhmm


def _names(session: Session, gid: int | None) -> dict[int | None, str]:
    return dict(session.exec(select(Member.id, Member.name).where(Member.group_id == gid)).all())


def _meetings(session: Session, gid: int | None) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.group_id == gid)
            .order_by(col(Meeting.on), col(Meeting.id))
        )
    )


def dump_curriculum(session: Session, group: Group, include_private: bool) -> dict[str, Any]:
    return curriculum_dump.dump(session, group.id or 0)


def dump_reflection(session: Session, group: Group, include_private: bool) -> dict[str, Any]:
    gid = group.id
    names = _names(session, gid)
    meetings = _meetings(session, gid)
    on = {m.id: m.on for m in meetings}
    out: dict[str, Any] = {}
    out["own_prompts"] = [
        {"key": p.key, "theme": p.theme, "text": p.text}
        for p in session.exec(
            select(GroupPrompt).where(GroupPrompt.group_id == gid).order_by(col(GroupPrompt.id))
        )
    ]
    out["prompts_used"] = [{"on": m.on, "prompt": m.prompt_key} for m in meetings if m.prompt_key]
    reflections = []
    for r in session.exec(
        select(Reflection)
        .where(col(Reflection.member_id).in_(list(names)))
        .order_by(col(Reflection.created_at), col(Reflection.id))
    ):
        if r.cipher is not None or not r.text or not (r.shared or include_private):
            continue
        reflections.append(
            _drop_empty(
                {
                    "author": names[r.member_id],
                    "on": on.get(r.meeting_id) if r.meeting_id else None,
                    "written": r.created_at.date(),
                    "prompt": r.prompt_key,
                    "text": r.text,
                    "shared": r.shared,
                }
            )
        )
    out["reflections"] = reflections
    out["support"] = [
        _drop_empty(
            {
                "to": s.to_whom,
                "kind": s.kind,
                "ask": s.ask,
                "why": s.why,
                "forum": s.forum,
                "forum_note": s.forum_note,
                "status": s.status,
                "asked": s.asked_on,
                "answered": s.answered_on,
                "outcome": s.outcome,
            }
        )
        for s in session.exec(
            select(SupportRequest)
            .where(SupportRequest.group_id == gid)
            .order_by(col(SupportRequest.id))
        )
    ]
    checks = []
    for c in session.exec(
        select(ConsequenceCheck)
        .where(ConsequenceCheck.group_id == gid)
        .order_by(col(ConsequenceCheck.on))
    ):
        who = session.exec(
            select(ConsequenceRespondent.member_id)
            .where(ConsequenceRespondent.check_id == c.id)
            .order_by(col(ConsequenceRespondent.id))
        ).all()
        answers: dict[str, list[int]] = {}
        for key, score in session.exec(
            select(ConsequenceAnswer.question_key, ConsequenceAnswer.score)
            .where(ConsequenceAnswer.check_id == c.id)
            .order_by(col(ConsequenceAnswer.question_key), col(ConsequenceAnswer.score))
        ):
            answers.setdefault(key, []).append(score)
        if len(who) < MIN_RESPONDENTS and not include_private:
            answers = {}  # with so few, each score could be told to its author, as in the app
        checks.append(
            _drop_empty(
                {
                    "on": c.on,
                    "notes": c.notes,
                    "respondents": [names[m] for m in who],
                    "answers": answers,
                }
            )
        )
    out["consequences"] = {"interval_months": group.check_interval_months, "checks": checks}
    return out


def dump_pulses(session: Session, group: Group, include_private: bool) -> dict[str, Any]:
    names = _names(session, group.id)
    pulses = []
    for m in _meetings(session, group.id):
        who = session.exec(
            select(PulseRespondent.member_id)
            .where(PulseRespondent.meeting_id == m.id)
            .order_by(col(PulseRespondent.id))
        ).all()
        if not who:
            continue
        if not include_private and (
            len(who) < MIN_RESPONDENTS or clock.today() <= pulse_svc.closes_on(m)
        ):
            # Few enough, or recent enough, that a score could be told to its author
            # (the app shows nothing of them either): left out of the file.
            continue
        answers = session.exec(
            select(PulseAnswer.score, PulseAnswer.line).where(PulseAnswer.meeting_id == m.id)
        ).all()
        # A line among fewer than MIN_RESPONDENTS could be told apart by its author's
        # colleagues; the app never shows it, and neither does the file.
        lines = sorted(a[1] for a in answers if a[1]) if len(who) >= MIN_RESPONDENTS else []
        pulses.append(
            _drop_empty(
                {
                    "on": m.on,
                    "respondents": [names[w] for w in who],
                    "scores": sorted(a[0] for a in answers),
                    "lines": lines,
                }
            )
        )
    return {"pulses": pulses}


def dump_pairs(session: Session, group: Group, include_private: bool) -> dict[str, Any]:
    names = _names(session, group.id)
    rounds = []
    for r in session.exec(
        select(PairRound).where(PairRound.group_id == group.id).order_by(col(PairRound.number))
    ):
        pairs = [
            _drop_empty(
                {
                    "members": [names[p.first_id], names[p.second_id]],
                    "on": p.on,
                    "at": _hhmm(p.at),
                    "place": p.place,
                    "status": p.status,
                }
            )
            for p in session.exec(
                select(PairCheckin)
                .where(PairCheckin.round_id == r.id)
                .order_by(col(PairCheckin.id))
            )
        ]
        rounds.append(
            _drop_empty(
                {
                    "after": r.after_on,
                    "before": r.before_on,
                    "sitting_out": names.get(r.sitting_out_id) if r.sitting_out_id else None,
                    "pairs": pairs,
                }
            )
        )
    return {"pair_rounds": rounds}


DUMPS.extend([dump_curriculum, dump_reflection, dump_pulses, dump_pairs])


def dump_reviews(session: Session, group: Group, include_private: bool) -> dict[str, Any]:
    """Own survey statements and yearly reviews (the survey's scores sorted, apart
    from who answered; figures only for a year whose meetings are not here)."""
    from .. import content
    from ..models import (
        Evaluation,
        Goal,
        GoalReview,
        OutcomeTally,
        ReviewReopening,
        SurveyAnswer,
        SurveyItem,
        SurveyRespondent,
    )
    from ..services import review_figures, survey

    gid = group.id
    names = _names(session, gid)
    items = list(
        session.exec(
            select(SurveyItem).where(SurveyItem.group_id == gid).order_by(col(SurveyItem.id))
        )
    )
    own = {
        f"{survey.OWN_PREFIX}{it.id}": f"{survey.OWN_PREFIX}{n}" for n, it in enumerate(items, 1)
    }
    out: dict[str, Any] = {
        "survey_items": [
            _drop_empty({"text": it.text, "area": it.area, "active": None if it.active else False})
            for it in items
        ]
    }
    families = {label: key for key, label in content.topic_families().items()}
    reviews = []
    for ev in session.exec(
        select(Evaluation).where(Evaluation.group_id == gid).order_by(col(Evaluation.period_start))
    ):
        r: dict[str, Any] = {
            "starts": ev.period_start,
            "started": ev.started_on,
            "finished": ev.completed_on,
            "summary": ev.summary,
            "decision": ev.decision,
            "adjustments": ev.adjustments,
            "mission": ev.mission,
            "mission_on": ev.mission_on,
        }
        who = session.exec(
            select(SurveyRespondent.member_id)
            .where(SurveyRespondent.evaluation_id == ev.id)
            .order_by(col(SurveyRespondent.id))
        ).all()
        r["respondents"] = [names[w] for w in who]
        answers: dict[str, list[int]] = {}
        for key, score in session.exec(
            select(SurveyAnswer.item_key, SurveyAnswer.score)
            .where(SurveyAnswer.evaluation_id == ev.id)
            .order_by(col(SurveyAnswer.item_key), col(SurveyAnswer.score))
        ):
            answers.setdefault(own.get(key, key), []).append(score)
        # With so few, each score could be told to its author (the app shows nothing).
        r["answers"] = answers if len(who) >= MIN_RESPONDENTS or include_private else {}
        goals = []
        for gr in session.exec(
            select(GoalReview).where(GoalReview.evaluation_id == ev.id).order_by(col(GoalReview.id))
        ):
            goal = session.get(Goal, gr.goal_id) if gr.goal_id else None
            entry: dict[str, Any] = (
                {"goal": goal.title, "owner": names.get(goal.member_id) if goal.member_id else None}
                if goal is not None
                else {"title": gr.title, "owner": gr.owner}
            )
            entry.update({"verdict": gr.verdict, "note": gr.note, "new_due": gr.new_due})
            goals.append(_drop_empty(entry))
        r["goals"] = goals
        r["tallies"] = [
            _drop_empty(
                {
                    "member": names.get(t.member_id) if t.member_id else None,
                    "kind": t.kind,
                    "label": t.label,
                    "count": t.count,
                    "note": t.note,
                }
            )
            for t in session.exec(
                select(OutcomeTally)
                .where(OutcomeTally.evaluation_id == ev.id)
                .order_by(col(OutcomeTally.id))
            )
            if t.member_id is not None
        ]
        end = review_figures.period_end(ev.period_start)
        held_here = session.exec(
            select(Meeting.id).where(
                Meeting.group_id == gid, Meeting.on >= ev.period_start, Meeting.on <= end
            )
        ).first()
        if ev.figures and held_here is None:
            f = review_figures.from_json(ev.figures)
            r["figures"] = _drop_empty(
                {
                    "planned": f.planned,
                    "held": f.held,
                    "cancelled": f.cancelled,
                    "attendance_rate": f.attendance_rate,
                    "minutes_recorded": f.minutes_recorded,
                    "minutes_finalised": f.minutes_finalised,
                    "actions_opened": f.actions_opened,
                    "actions_closed": f.actions_closed,
                    "actions_overdue": f.actions_overdue,
                    "active_members": f.active_members,
                    "joined": f.joined,
                    "left": f.left,
                    "topics": {families.get(label, label): n for label, n in f.topics},
                    "experts": list(f.experts),
                }
            )
        r["reopened"] = [
            {"on": ro.on, "reason": ro.reason}
            for ro in session.exec(
                select(ReviewReopening)
                .where(ReviewReopening.evaluation_id == ev.id)
                .order_by(col(ReviewReopening.on), col(ReviewReopening.id))
            )
        ]
        reviews.append(_drop_empty(r))
    out["reviews"] = reviews
    return out


DUMPS.append(dump_reviews)
