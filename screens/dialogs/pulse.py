"""Feedback both ways: one member's anonymous pulse for a held meeting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.form import FormDialog, FormField
from .long_form import ErrorBesideField

# The form's own style, then this module's (absolute paths: the dialog opens from other modules).
_CSS = [FormDialog.CSS_PATH, str(Path(__file__).with_name("pulse.tcss"))]

ANONYMOUS = (
    "Your score and line are saved without your name: the group sees only a summary, "
    "and only once at least three members have given a pulse."
)

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


class PulseDialog(ErrorBesideField, FormDialog[int]):
    """Who is answering (only so nobody answers twice), a score 1 to 5, one optional line."""

    CSS_PATH = _CSS

    def __init__(self, meeting_id: int, on: dt.date, today: dt.date) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.today = today
        self.title_text = (
            f"How useful was the meeting of {on:%a} {on.day} {on:%b %Y}? (anonymous pulse)"
        )

    def load(self, session: Session) -> Any:
        from peergroup.services import pulse as pulse_svc

        return pulse_svc.pulse_form(session, self.meeting_id, self.today)

    def fields(self) -> list[FormField]:
        people = [(p.name, p.member_id) for p in self.data.still_to_answer]
        return [
            FormField(
                "member",
                "Answering",
                None,
                "select",
                people,
                hint="Kept only so each member answers once; never shown with the score or line.",
            ),
            FormField("score", "Useful (1-5)", "", placeholder="1 not useful … 5 very useful"),
            FormField("line", "One line", "", placeholder="optional: what worked, what to change"),
        ]

    def ready(self) -> None:
        from rich.text import Text
        from textual.widgets import Static

        self.query_one("#form-extra", Static).update(Text(ANONYMOUS, style="bold"))

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.errors import InputError
        from peergroup.services import pulse as pulse_svc

        member = values.get("member")
        if member is None and not self.data.still_to_answer:
            raise InputError("member", "everyone who can has already given a pulse for it.")
        return pulse_svc.give_pulse(
            session,
            self.meeting_id,
            None if member is None else int(member),
            values.get("score", ""),
            values.get("line", ""),
            today=self.today,
        )

    def saved(self, result: int) -> None:
        self.app.notify(f"Pulse saved without your name ({result} given for this meeting so far).")
