"""Step 5's dialogs: a support request, its next status, and the support brief."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.export import ExportFileDialog, default_folder
from ..widgets.form import FormDialog, FormField
from .long_form import ErrorBesideField

# The form's own style, then this module's (absolute paths: the dialogs open from other modules).
_CSS = [FormDialog.CSS_PATH, str(Path(__file__).with_name("support.tcss"))]

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


def _options(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, key) for key, label in labels.items()]


STATUSES = [
    ("planned: not asked yet", "planned"),
    ("asked: waiting for the answer", "asked"),
    ("granted", "granted"),
    ("declined", "declined"),
]


class RequestDialog(ErrorBesideField, FormDialog[int]):
    """Add a request, or change one (every field, dates checked against each other)."""

    CSS_PATH = _CSS

    def __init__(self, group_id: int, request_id: int | None = None, ask: str = "") -> None:
        super().__init__()
        self.group_id = group_id
        self.request_id = request_id
        short = ask if len(ask) <= 50 else ask[:49] + "…"
        self.title_text = f"Change the request “{short}”" if request_id else "A new support request"

    def load(self, session: Session) -> Any:
        from peergroup.services import support as support_svc

        if self.request_id is None:
            return None
        return support_svc.request_details(session, self.request_id)

    def fields(self) -> list[FormField]:
        from peergroup.services import support as support_svc

        r = self.data
        return [
            FormField(
                "to_whom",
                "Of whom",
                r.to_whom if r else "",
                placeholder="e.g. Department chair, Division chief, a name",
            ),
            FormField(
                "kind",
                "Kind",
                r.kind if r else "non-financial",
                "select",
                _options(support_svc.KIND_LABELS),
            ),
            FormField("ask", "The ask", r.ask if r else "", "text"),
            FormField(
                "why",
                "Why (for the brief)",
                r.why if r else "",
                "text",
                hint="What the group gains, and what it costs the department.",
            ),
            FormField(
                "forum",
                "Where",
                r.forum if r else "annual-review",
                "select",
                _options(support_svc.FORUM_LABELS),
            ),
            FormField(
                "forum_note",
                "Which forum",
                r.forum_note if r else "",
                placeholder="e.g. the May retreat (needed for 'another forum')",
            ),
            FormField("status", "Status", r.status if r else "planned", "select", STATUSES),
            FormField(
                "asked_on",
                "Asked on",
                r.asked_on.isoformat() if r and r.asked_on else "",
                placeholder="YYYY-MM-DD (once asked)",
            ),
            FormField(
                "answered_on",
                "Answered on",
                r.answered_on.isoformat() if r and r.answered_on else "",
                placeholder="YYYY-MM-DD (once granted or declined)",
            ),
            FormField("outcome", "Outcome", r.outcome if r else "", "text"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import support as support_svc

        data = support_svc.SupportInput(
            to_whom=values["to_whom"],
            ask=values["ask"],
            kind=values["kind"] or "",
            why=values["why"],
            forum=values["forum"] or "",
            forum_note=values["forum_note"],
            status=values["status"] or "",
            asked_on=values["asked_on"],
            answered_on=values["answered_on"],
            outcome=values["outcome"],
        )
        today = self.app.clock.today()
        if self.request_id is None:
            return support_svc.add_request(session, self.group_id, data, today=today)
        return support_svc.update_request(session, self.request_id, data, today=today)


NEXT_LABELS = {
    "asked": "asked: record the date it was asked",
    "granted": "granted",
    "declined": "declined",
    "planned": "back to planned (it was not asked after all)",
}


class AdvanceDialog(FormDialog[str]):
    """Move a request on: asked, then granted or declined (or back)."""

    CSS_PATH = _CSS

    def __init__(
        self,
        request_id: int,
        to_whom: str,
        status: str,
        next_statuses: tuple[str, ...],
        today: dt.date,
    ) -> None:
        super().__init__()
        self.request_id = request_id
        self.next_statuses = next_statuses
        self.today = today
        self.status = status
        if status == "planned":
            self.title_text = f"Record that {to_whom} was asked"
        elif status == "asked":
            self.title_text = f"Record the answer of {to_whom}"
        else:
            self.title_text = f"The request to {to_whom} was {status}: correct it"

    def fields(self) -> list[FormField]:
        options = [(NEXT_LABELS.get(s, s), s) for s in self.next_statuses]
        return [
            FormField("status", "Now", self.next_statuses[0], "select", options),
            FormField("on", "On", self.today.isoformat(), placeholder="YYYY-MM-DD"),
            FormField(
                "outcome",
                "Outcome",
                "",
                "text",
                hint="What was agreed, or why not (kept as it was if left empty).",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import support as support_svc

        outcome = values["outcome"].strip() or None
        return support_svc.advance(
            session,
            self.request_id,
            values["status"] or "",
            values["on"],
            outcome,
            today=self.today,
        )


class ExportBriefDialog(ExportFileDialog):
    """The support brief as Markdown, or as one HTML page for a .html name."""

    CSS_PATH = _CSS

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = "Export the support brief for the chair"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "path",
                "Save as",
                str(default_folder() / "support-brief.md"),
                hint="End the name with .html for a web page to print or attach.",
            )
        ]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[str, str]:
        from peergroup.services import support_brief

        path = (values.get("path") or "").strip()
        data = support_brief.brief_file(session, self.group_id, path, self.app.clock.today())
        return data, "Wrote the support brief to"
