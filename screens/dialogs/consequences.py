"""Step 9's dialogs: open a check, answer it (anonymously), and the interval."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.form import FormDialog, FormField
from .long_form import ErrorBesideField

# The form's own style, then this module's (absolute paths: the dialogs open from other modules).
_CSS = [FormDialog.CSS_PATH, str(Path(__file__).with_name("consequences.tcss"))]

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


class OpenCheckDialog(FormDialog[int]):
    CSS_PATH = _CSS

    def __init__(self, group_id: int, today: dt.date) -> None:
        super().__init__()
        self.group_id = group_id
        self.today = today
        self.title_text = "Open a new check for unintended consequences"

    def fields(self) -> list[FormField]:
        return [
            FormField("on", "Opened on", self.today.isoformat(), placeholder="YYYY-MM-DD"),
            FormField(
                "notes", "Note", "", placeholder="optional, e.g. 'answer by the next meeting'"
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import consequences as checks_svc

        return checks_svc.open_check(
            session, self.group_id, values["on"], values["notes"], today=self.today
        )

    def saved(self, result: int) -> None:
        self.app.notify(
            "Check opened. Each active member answers it with r; results show once three "
            "have answered, and never who gave which score."
        )


class AnswerCheckDialog(ErrorBesideField, FormDialog[int]):
    """One member's answers: scores 1 to 5, each question may be left empty."""

    CSS_PATH = _CSS

    def __init__(self, group_id: int, on: dt.date) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"Answer the check of {on:%a} {on.day} {on:%b %Y} (anonymous)"

    def load(self, session: Session) -> Any:
        from peergroup.services import consequences as checks_svc

        return checks_svc.answer_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        form = self.data
        people = [(p.name, p.member_id) for p in form.still_to_answer]
        out = [
            FormField(
                "member",
                "Answering",
                None,
                "select",
                people,
                hint="Only to make sure nobody answers twice; no view shows who gave which score.",
            )
        ]
        for key, label, statement in form.questions:
            out.append(
                FormField(key, label, "", placeholder="1 to 5, or empty to skip", hint=statement)
            )
        return out

    def ready(self) -> None:
        from rich.text import Text

        self.query_one("#form-extra").update(
            Text("1 = strongly disagree … 5 = strongly agree.", style="dim")
        )

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.errors import InputError
        from peergroup.services import consequences as checks_svc

        member = values.get("member")
        if member is None:
            if not self.data.still_to_answer:
                raise InputError("member", "every active member has answered this check.")
            raise InputError("member", "is empty; choose who is answering.")
        scores = {k: values.get(k, "") for k, _label, _text in self.data.questions}
        return checks_svc.answer(session, self.data.check_id, int(member), scores)

    def saved(self, result: int) -> None:
        self.app.notify(f"Answers saved, without your name on them ({result} answered so far).")


class IntervalDialog(FormDialog[int]):
    CSS_PATH = _CSS

    def __init__(self, group_id: int, months: int) -> None:
        super().__init__()
        self.group_id = group_id
        self.months = months
        self.title_text = "How often the group checks for unintended consequences"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "months",
                "Every (months)",
                self.months,
                placeholder="1 to 24",
                hint="Six months suits most groups: often enough to notice drift early.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import consequences as checks_svc

        return checks_svc.set_interval(session, self.group_id, values["months"])
