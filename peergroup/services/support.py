"""Step 5: asking the department for support.

A request says of whom the group asks (chair, division chief, ...), what kind
of support (financial and direct, such as meeting costs; financial and
indirect, such as a lower clinical requirement; non-financial, such as
recognition in the faculty annual review), the ask itself and the case for
it, where it is raised (annual review, departmental retreat, another forum),
and how it went: planned, asked (on a date), then granted or declined (on a
date, never before the ask), with the outcome.

The support brief built from the group's own data is ``support_brief``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import clock, content
from ..errors import InputError, NotFound
from ..models import (
    SUPPORT_FORUMS,
    SUPPORT_KINDS,
    SUPPORT_STATUSES,
    Evaluation,
    Group,
    OutcomeTally,
    SupportRequest,
)
from ..steps import StepStatus
from . import validate
from .groups import get_group

KIND_LABELS = {
    "financial-direct": "Financial, direct (e.g. meeting costs)",
    "financial-indirect": "Financial, indirect (e.g. a lower clinical requirement)",
    "non-financial": "Non-financial (e.g. recognition in the annual review)",
}
FORUM_LABELS = {
    "annual-review": "Faculty annual review",
    "retreat": "Departmental retreat",
    "other": "Another forum",
}
# What each status may become, and the key that does it (t on the screen).
NEXT_STATUS = {
    "planned": ("asked",),
    "asked": ("granted", "declined", "planned"),
    "granted": ("asked",),  # the answer was recorded by mistake
    "declined": ("asked",),
}
UNANSWERED_AFTER_DAYS = 42  # an ask this old without an answer needs a follow-up
ASK_MAX = 2_000


@dataclass
class SupportInput:
    to_whom: str
    ask: str
    kind: str = "non-financial"
    why: str = ""
    forum: str = "annual-review"
    forum_note: str = ""
    status: str = "planned"
    asked_on: str | dt.date | None = None
    answered_on: str | dt.date | None = None
    outcome: str = ""


def _clean(data: SupportInput, today: dt.date | None) -> dict:
    """Validated values; ``today`` (when given) keeps dates out of the future."""
    values: dict[str, object] = {
        "to_whom": validate.required_line("to_whom", data.to_whom),
        "kind": validate.choice("kind", data.kind, SUPPORT_KINDS),
        "why": validate.text("why", data.why, 5_000),
        "forum": validate.choice("forum", data.forum, SUPPORT_FORUMS),
        "forum_note": validate.optional_line("forum_note", data.forum_note),
        "status": validate.choice("status", data.status, SUPPORT_STATUSES),
        "outcome": validate.text("outcome", data.outcome, 5_000),
    }
    ask = validate.text("ask", data.ask, ASK_MAX)
    if not ask:
        raise InputError(
            "ask", "is empty; say what the group asks for, e.g. 'breakfast at our 11 meetings'."
        )
    values["ask"] = ask
    asked = validate.parse_date("asked_on", data.asked_on)
    answered = validate.parse_date("answered_on", data.answered_on)
    status = values["status"]
    if status == "planned" and (asked or answered):
        raise InputError(
            "asked_on" if asked else "answered_on",
            "a planned request has not been asked yet; clear the date, or set the status to asked.",
        )
    if status != "planned" and asked is None:
        raise InputError("asked_on", f"is empty; a request that is {status} needs the date asked.")
    if status == "asked" and answered:
        raise InputError(
            "answered_on", "an answer date needs the status granted or declined; clear it."
        )
    if status in ("granted", "declined") and answered is None:
        raise InputError("answered_on", f"is empty; give the date the request was {status}.")
    if asked and answered and answered < asked:
        raise InputError(
            "answered_on", f"{answered} is before the date asked ({asked}); check the dates."
        )
    if today is not None:
        for name, day in (("asked_on", asked), ("answered_on", answered)):
            if day and day > today:
                raise InputError(name, f"{day} is in the future; record it once it has happened.")
    values["asked_on"], values["answered_on"] = asked, answered
    return values


def add_request(
    session: Session, group_id: int, data: SupportInput, *, today: dt.date | None = None
) -> int:
    """A new request; ``today`` (default: the clock's) keeps its dates out of the future."""
    get_group(session, group_id)
    row = SupportRequest(group_id=group_id, **_clean(data, today or clock.today()))
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def import_request(session: Session, group_id: int, data: SupportInput) -> int:
    """As ``add_request``, without comparing dates to the day of the import."""
    row = SupportRequest(group_id=group_id, **_clean(data, None))
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def get_request(session: Session, request_id: int) -> SupportRequest:
    row = session.get(SupportRequest, request_id)
    if row is None:
        raise NotFound("That request no longer exists; it may have been removed elsewhere.")
    return row


def update_request(
    session: Session, request_id: int, data: SupportInput, *, today: dt.date | None = None
) -> int:
    row = get_request(session, request_id)
    for key, value in _clean(data, today or clock.today()).items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return request_id


def remove_request(session: Session, request_id: int) -> str:
    row = get_request(session, request_id)
    ask = row.ask
    session.delete(row)
    session.flush()
    return ask


def advance(
    session: Session,
    request_id: int,
    status: str,
    on: str | dt.date | None = None,
    outcome: str | None = None,
    *,
    today: dt.date | None = None,
) -> str:
    """Move a request to its next status: asked (on a date, default today), granted or
    declined (on a date, never before the ask), or back. Returns the new status."""
    row = get_request(session, request_id)
    today = today or clock.today()
    status = validate.choice("status", status, SUPPORT_STATUSES)
    if status not in NEXT_STATUS[row.status]:
        allowed = " or ".join(NEXT_STATUS[row.status])
        raise InputError("status", f"a request that is {row.status} can become {allowed} only.")
    day = validate.parse_date("on", on) or today
    if day > today:
        raise InputError("on", f"{day} is in the future; record it once it has happened.")
    if status == "asked" and row.status == "planned":
        row.asked_on = day
    elif status in ("granted", "declined"):
        if row.asked_on and day < row.asked_on:
            raise InputError(
                "on", f"{day} is before the date asked ({row.asked_on}); check the date."
            )
        row.answered_on = day
    elif status == "planned":
        row.asked_on = row.answered_on = None
    else:  # an answer recorded by mistake: asked again, waiting
        row.answered_on = None
    if outcome is not None:
        row.outcome = validate.text("outcome", outcome, 5_000)
    row.status = status
    session.add(row)
    session.flush()
    return status


# --- what the screen shows -------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    id: int
    to_whom: str
    kind: str
    kind_label: str
    ask: str
    why: str
    forum: str
    forum_label: str
    forum_note: str
    status: str
    asked_on: dt.date | None
    answered_on: dt.date | None
    outcome: str
    waiting_days: int | None  # asked and not answered: for how many days
    next_statuses: tuple[str, ...]


def request_row(r: SupportRequest, today: dt.date) -> RequestRow:
    waiting = (today - r.asked_on).days if r.status == "asked" and r.asked_on else None
    return RequestRow(
        id=r.id or 0,
        to_whom=r.to_whom,
        kind=r.kind,
        kind_label=KIND_LABELS.get(r.kind, r.kind),
        ask=r.ask,
        why=r.why,
        forum=r.forum,
        forum_label=FORUM_LABELS.get(r.forum, r.forum),
        forum_note=r.forum_note,
        status=r.status,
        asked_on=r.asked_on,
        answered_on=r.answered_on,
        outcome=r.outcome,
        waiting_days=waiting,
        next_statuses=NEXT_STATUS[r.status],
    )


def list_requests(session: Session, group_id: int) -> list[SupportRequest]:
    return list(
        session.exec(
            select(SupportRequest)
            .where(SupportRequest.group_id == group_id)
            .order_by(col(SupportRequest.created_at), col(SupportRequest.id))
        )
    )


@dataclass(frozen=True)
class SupportView:
    rows: tuple[RequestRow, ...]
    summary: str  # one line: how many of each status


def support_view(session: Session, group_id: int, today: dt.date | None = None) -> SupportView:
    today = today or clock.today()
    rows = tuple(request_row(r, today) for r in list_requests(session, group_id))
    counts = {s: sum(1 for r in rows if r.status == s) for s in SUPPORT_STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "No requests yet"
    return SupportView(rows, summary)


def request_details(session: Session, request_id: int, today: dt.date | None = None) -> RequestRow:
    return request_row(get_request(session, request_id), today or clock.today())


# --- outcome tallies, as the yearly review records them ---------------------------------


def outcome_tallies(session: Session, group_id: int) -> list[tuple[str, int]]:
    """(label, total) of every outcome the yearly reviews recorded, in the bundled order.

    Read straight from ``OutcomeTally`` (the yearly review owns those rows);
    only totals per kind leave here, never a member's own line.
    """
    rows = session.exec(
        select(col(OutcomeTally.kind), col(OutcomeTally.label), func.sum(OutcomeTally.count))
        .join(Evaluation, col(Evaluation.id) == OutcomeTally.evaluation_id)
        .where(Evaluation.group_id == group_id)
        .group_by(col(OutcomeTally.kind), col(OutcomeTally.label))
    ).all()
    labels = {o["key"]: o["label"] for o in content.outcome_kinds()}
    totals: dict[str, int] = {}
    for kind, label, total in rows:
        # An "other" outcome goes by the name the review gave it ("Grants submitted").
        key = kind if kind in labels else (label.strip() or kind.replace("_", " ").capitalize())
        totals[key] = totals.get(key, 0) + int(total or 0)
    ordered = [k for k in labels if k in totals] + sorted(k for k in totals if k not in labels)
    return [(labels.get(k, k), totals[k]) for k in ordered if totals[k]]


# --- step status --------------------------------------------------------------------------


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("support")
    rows = [request_row(r, today) for r in list_requests(session, group.id or 0)]
    if not rows:
        step.missing.append(
            "Plan what to ask the department for, and of whom (step 5, a); the support "
            "brief (x) makes the case from the group's own records."
        )
        return step.finish(False)
    stale = [
        r for r in rows if r.waiting_days is not None and r.waiting_days >= UNANSWERED_AFTER_DAYS
    ]
    if stale:
        r = max(stale, key=lambda r: r.waiting_days or 0)
        weeks = (r.waiting_days or 0) // 7
        step.flag(
            f"The support request to {r.to_whom} was asked {weeks} weeks ago and no answer "
            "is recorded: follow it up, or record the answer (step 5, t)."
        )
        return step.finish(True)
    if not any(r.status in ("asked", "granted") for r in rows):
        planned = [r for r in rows if r.status == "planned"]
        if planned:
            step.missing.append(
                f"Ask {planned[0].to_whom} ({FORUM_LABELS[planned[0].forum].lower()}) and "
                "record the date (step 5, t); take the support brief (x) along."
            )
        else:
            step.missing.append(
                "Every request so far was declined: plan another ask, or ask someone else "
                "(step 5, a)."
            )
    return step.finish(True)
