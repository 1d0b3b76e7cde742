"""The four kinds of answer file: what each asks, how it is written, how it is read.

``services.answer_files`` signs, writes and reads the files; this module knows
the kinds: the round a form belongs to (``current``), its text (``answer_form_text``)
and how a filled-in form is checked and saved (``apply``), always through the
services' own functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import Evaluation, Group, Meeting, Member
from ..text import fold
from . import attendance as attendance_svc
from . import consequences as consequences_svc
from . import needs as needs_svc
from . import review as review_svc
from . import survey as survey_svc
from .meetings import day_label
from .roles import is_member_on

KINDS = ("needs", "survey", "check", "apologies")
FIELDS = {
    "needs": ("suggestion", "rating"),
    "survey": ("answer",),
    "check": ("answer",),
    "apologies": ("meeting",),
}
ALREADY = {
    "needs": "has already answered this needs assessment",
    "survey": "has already answered this survey (answers are anonymous and cannot be changed)",
    "check": "has already answered this check (answers are anonymous and cannot be changed)",
    "apologies": "has nothing left to answer",
}
NOT_ASKED = {
    "needs": "is not asked in this needs assessment (not an active member during it)",
    "survey": "is not asked in this survey (not a member during the year under review)",
    "check": "is not an active member, so is not asked in this check",
    "apologies": "is not an active member, so has no meetings to send apologies for",
}
MEETINGS_MAX = 12  # upcoming meetings listed on an apologies form


@dataclass(frozen=True)
class Header:
    group: str
    kind: str
    round: str
    member: str
    token: str

    def signed(self, token: str) -> Header:
        return replace(self, token=token)


@dataclass
class Spec:
    """One round of one kind: what it asks and who has answered."""

    kind: str
    round_key: str  # "needs-3", "check-7", "survey-2", "apologies-2026-11-25"
    label: str  # for the form's comments
    round_id: int = 0
    members: list[Member] = field(default_factory=list)  # who is asked
    answered: set[int] = field(default_factory=set)
    # (key, title, note) per thing to rate: topics, statements or questions
    items: list[tuple[str, str, str]] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)


# --- the round -------------------------------------------------------------------------


def current(
    session: Session, group: Group, kind: str, today: dt.date, *, round_key: str | None = None
) -> Spec:
    """The round forms are made for now, or (``round_key``, from a file) the one named."""
    wanted = None
    if round_key is not None:
        prefix, _, rest = round_key.partition("-")
        if prefix != kind or (kind != "apologies" and not rest.isdigit()):
            raise InputError("round", f"{round_key[:40]!r} is not a round of a {kind} form.")
        wanted = rest
    if kind == "needs":
        return _needs(session, group, today, wanted)
    if kind == "check":
        return _check(session, group, wanted)
    if kind == "survey":
        return _survey(session, group, wanted)
    return _apologies(session, group, today)


def _needs(session: Session, group: Group, today: dt.date, wanted: str | None) -> Spec:
    rounds = needs_svc.rounds(session, group.id or 0)
    if wanted is None:  # the round open now, or the next to open
        rounds = [r for r in rounds if needs_svc.round_state(r, today) != "closed"]
        if not rounds:
            raise InputError("round", "no needs assessment is open; open one first (step 6, o).")
    else:
        rounds = [r for r in rounds if str(r.id) == wanted]
        if not rounds:
            raise InputError("round", "that needs assessment no longer exists in this group.")
    r = rounds[0]
    from .topics import active_topics

    return Spec(
        "needs",
        f"needs-{r.id}",
        f"the needs assessment of {needs_svc.round_label(r)}",
        round_id=r.id or 0,
        members=needs_svc.expected_members(session, r),
        answered=needs_svc.answered_ids(session, r.id or 0),
        items=[(str(t.id), t.title, t.family) for t in active_topics(session, group.id or 0)],
    )


def _check(session: Session, group: Group, wanted: str | None) -> Spec:
    checks = consequences_svc.list_checks(session, group.id or 0)
    if wanted is not None:
        found = [c for c in checks if str(c.id) == wanted]
        if not found:
            raise InputError("round", "that check no longer exists in this group.")
        check = found[0]
    elif not checks:
        raise InputError("round", "there is no check yet; open one first (step 9, o).")
    else:
        check = checks[-1]
    questions = consequences_svc.questions()
    return Spec(
        "check",
        f"check-{check.id}",
        f"the check for unintended consequences opened on {day_label(check.on)}",
        round_id=check.id or 0,
        members=consequences_svc._eligible(session, group.id or 0),
        answered=consequences_svc._respondent_ids(session, check.id or 0),
        items=[(q["key"], q.get("label", q["key"]), q["text"]) for q in questions],
    )


def _survey(session: Session, group: Group, wanted: str | None) -> Spec:
    reviews = review_svc.list_reviews(session, group)
    if wanted is not None:
        ev: Evaluation | None = next((e for e in reviews if str(e.id) == wanted), None)
        if ev is None:
            raise InputError("round", "that yearly review no longer exists in this group.")
    else:
        ev = next((e for e in reversed(reviews) if e.completed_on is None), None)
        if ev is None:
            raise InputError("round", "no yearly review is open; start one first (step 10).")
    people = survey_svc.respondents(session, ev.id or 0)
    by_id = {
        m.id: m
        for m in session.exec(
            select(Member).where(col(Member.id).in_([p.member_id for p in people]))
        )
    }
    return Spec(
        "survey",
        f"survey-{ev.id}",
        f"the member survey of the yearly review {review_svc.label(ev)}",
        round_id=ev.id or 0,
        members=[by_id[p.member_id] for p in people if p.member_id in by_id],
        answered={p.member_id for p in people if p.answered},
        items=[
            (i.key, survey_svc.AREA_LABELS.get(i.area, i.area), i.text)
            for i in survey_svc.items(session, group.id or 0, evaluation_id=ev.id)
        ],
    )


def _apologies(session: Session, group: Group, today: dt.date) -> Spec:
    return Spec(
        "apologies",
        f"apologies-{today.isoformat()}",
        f"apologies for the meetings from {day_label(today)}",
        members=list(
            session.exec(
                select(Member)
                .where(Member.group_id == group.id, Member.status == "active")
                .order_by(col(Member.name))
            )
        ),
        meetings=upcoming_meetings(session, group, today),
    )


def upcoming_meetings(session: Session, group: Group, today: dt.date) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.group_id == group.id,
                Meeting.status == "scheduled",
                col(Meeting.on) >= today,
            )
            .order_by(col(Meeting.on), col(Meeting.start_time))
            .limit(MEETINGS_MAX)
        )
    )


# --- reading a filled-in form -------------------------------------------------------------


def _tables(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = doc.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError(key, f"must be a list of [[{key}]] sections, as the form was written.")
    return rows


def _score(where: str, raw: object) -> int | None:
    """A real TOML whole number from 1 to 5, or "" for no answer."""
    if raw == "":
        return None
    if isinstance(raw, str):
        raise InputError(
            where,
            f"{raw[:20]!r} is text in quotes; write the number without quotes (score = 4), "
            'or leave "" for no answer.',
        )
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InputError(where, f"{raw!r} is not a whole number; write one from 1 to 5.")
    if not 1 <= raw <= 5:
        raise InputError(where, f"{raw} is out of range; write a whole number from 1 to 5.")
    return raw


def _keyed_scores(spec: Spec, doc: dict[str, Any], table: str, name: str) -> dict[str, int]:
    # Topics are named by their title (any case); statements and questions by key.
    known = {fold(t) if name == "topic" else k: k for k, t, _ in spec.items}
    out: dict[str, int] = {}
    for n, row in enumerate(_tables(doc, table), start=1):
        extra = sorted(set(row) - {name, "score"})
        if extra:
            raise InputError(f"{table} {n}: {extra[0]}", "is not a field of this form; remove it.")
        label = row.get(name)
        if not isinstance(label, str):
            raise InputError(f"{table} {n}: {name}", "is missing or not text in quotes.")
        key = known.get(fold(label) if name == "topic" else label)
        if key is None:
            raise InputError(
                f"{table} {n}: {name}", f"{label[:60]!r} is not one of the form's {name}s."
            )
        if key in out:
            raise InputError(f"{table} {n}: {name}", f"{label[:60]!r} is answered twice.")
        score = _score(f"{table} {n} ({label[:40]}): score", row.get("score", ""))
        if score is not None:
            out[key] = score
    if not out:
        raise InputError("score", f"no {name} has a score; give at least one, from 1 to 5.")
    return out


def apply(session: Session, spec: Spec, member: Member, doc: dict[str, Any], today: dt.date) -> str:
    """Save a checked form's answers; returns what was taken, in words."""
    member_id = member.id or 0
    if spec.kind == "needs":
        suggestion = doc.get("suggestion", "")
        if not isinstance(suggestion, str):
            raise InputError("suggestion", "must be text in quotes (or empty quotes).")
        scores = _keyed_scores(spec, doc, "rating", "topic")
        count = needs_svc.save_ratings(
            session,
            spec.round_id,
            member_id,
            {int(k): v for k, v in scores.items()},
            suggestion,
            today,
        )
        return f"{count} rating{'s' if count != 1 else ''} saved for {member.name}"
    if spec.kind == "survey":
        scores = _keyed_scores(spec, doc, "answer", "item")
        count = survey_svc.answer(session, spec.round_id, member_id, dict(scores))
        return f"{count} anonymous answer{'s' if count != 1 else ''} saved for {member.name}"
    if spec.kind == "check":
        scores = _keyed_scores(spec, doc, "answer", "question")
        consequences_svc.answer(session, spec.round_id, member_id, dict(scores))
        count = len(scores)
        return f"{count} anonymous answer{'s' if count != 1 else ''} saved for {member.name}"
    return _apply_apologies(session, spec, member, doc, today)


def _apply_apologies(
    session: Session, spec: Spec, member: Member, doc: dict[str, Any], today: dt.date
) -> str:
    mine = [m for m in spec.meetings if is_member_on(member, m.on)]
    chosen: list[Meeting] = []
    seen: set[tuple[dt.date, dt.time | None]] = set()
    for n, row in enumerate(_tables(doc, "meeting"), start=1):
        extra = sorted(set(row) - {"date", "time", "apologies"})
        if extra:
            raise InputError(f"meeting {n}: {extra[0]}", "is not a field of this form; remove it.")
        day, at, sorry = row.get("date"), row.get("time"), row.get("apologies")
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise InputError(f"meeting {n}: date", "must be a date like 2026-12-08, no quotes.")
        if at is not None and not isinstance(at, dt.time):
            raise InputError(f"meeting {n}: time", "must be a time like 07:30:00, no quotes.")
        if not isinstance(sorry, bool):
            raise InputError(
                f"meeting {n} ({day}): apologies", "must be true or false, without quotes."
            )
        if (day, at) in seen:
            raise InputError(f"meeting {n}: date", f"{day} is listed twice.")
        seen.add((day, at))
        # Two meetings on one day are told apart by their time (forms list it).
        found = [m for m in mine if m.on == day and (at is None or m.start_time == at)]
        if len(found) != 1:
            if not sorry:
                continue  # nothing asked of a meeting that has passed or moved
            why = "has already taken place" if day < today else "is not an upcoming meeting"
            if len(found) > 1:
                why = "has two meetings; say which with its time"
            raise InputError(
                f"meeting {n}: date", f"{day} {why} of the group, so no apologies can be sent."
            )
        if sorry:
            chosen.append(found[0])
    for meeting in chosen:
        attendance_svc.record_attendance(
            session, meeting.id or 0, {member.id or 0: "apologies"}, today
        )
    if not chosen:
        return f"no apologies in it; nothing changed for {member.name}"
    days = ", ".join(day_label(m.on) for m in chosen)
    return f"apologies saved for {member.name} for {days}"
