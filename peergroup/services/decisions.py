"""Step 10: what a meeting decided. Recorded while the minutes are open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import Decision, Meeting
from . import validate
from ._ids import id_of
from .minutes import as_meeting, refuse_if_finalised

DECISION_MAX = 5_000


@dataclass(frozen=True)
class DecisionRow:
    id: int
    text: str
    created_at: dt.datetime


def decisions(session: Session, meeting: Meeting | int) -> list[Decision]:
    meeting = as_meeting(session, meeting)
    return list(
        session.exec(
            select(Decision).where(Decision.meeting_id == meeting.id).order_by(col(Decision.id))
        )
    )


def decision_rows(session: Session, meeting: Meeting | int) -> list[DecisionRow]:
    return [DecisionRow(id_of(d), d.text, d.created_at) for d in decisions(session, meeting)]


def add_decision(session: Session, meeting: Meeting | int, text: str) -> Decision:
    meeting = as_meeting(session, meeting)
    body = validate.text("decision", text, DECISION_MAX)
    if not body:
        raise InputError("decision", "is empty; type what the group decided.")
    refuse_if_finalised(session, meeting, "decision")
    row = Decision(meeting_id=id_of(meeting), text=body)
    session.add(row)
    session.flush()
    return row
