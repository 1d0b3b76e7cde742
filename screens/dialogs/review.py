"""The yearly review's dialogs: starting a review, a goal's verdict, a tally, the
mission, an opt-in answer, the decision, reopening, and the annual report (the
survey's are in ``review_survey``).

Each reads what it needs in ``load`` (a worker) and saves through one service
call in ``save`` (a worker, one write unit): a bad value is shown beside its
field and nothing is saved. Titles name what the dialog acts on.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..widgets.export import ExportFileDialog, default_folder
from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


class StartReviewDialog(FormDialog[Any]):
    def __init__(self, group_id: int, default_start: dt.date | None) -> None:
        super().__init__()
        self.group_id = group_id
        self.default_start = default_start
        self.title_text = "Start a yearly review"

    def fields(self) -> list[FormField]:
        start = f"{self.default_start:%Y-%m}" if self.default_start else ""
        return [
            FormField(
                "start",
                "First month",
                start,
                placeholder="YYYY-MM",
                hint="The review covers the twelve months from this month "
                "(e.g. 2025-09: Sep 2025 to Aug 2026).",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import review

        return review.start_review(session, self.group_id, values["start"], self.app.clock.today())


class VerdictDialog(FormDialog[Any]):
    def __init__(self, evaluation_id: int, row: Any) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.row = row
        self.title_text = f"Verdict on the goal: {row.title}"

    def fields(self) -> list[FormField]:
        from peergroup.services import review_goals

        r = self.row
        return [
            FormField(
                "verdict",
                "Verdict",
                r.verdict or None,
                "select",
                review_goals.verdict_choices(),
                hint="Met closes the goal as achieved; carried keeps it open with a new due "
                "date; partly met, not met and dropped close it.",
            ),
            FormField(
                "new_due",
                "New due date",
                f"{r.new_due}" if r.new_due else "",
                placeholder="YYYY-MM-DD (carried goals only)",
            ),
            FormField("note", "Note", r.note, "text"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import review_goals

        return review_goals.record_verdict(
            session,
            self.evaluation_id,
            self.row.key,
            values["verdict"],
            values["note"],
            values["new_due"],
        )


class TallyDialog(FormDialog[Any]):
    def __init__(self, evaluation_id: int, row: Any) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.row = row
        self.title_text = (
            "Add an outcome tally"
            if row is None
            else f"Change the tally: {row.member}, {row.label}"
        )

    def load(self, session: Session) -> Any:
        from peergroup.services import review_parts

        return review_parts.tally_form(session, self.evaluation_id)

    def fields(self) -> list[FormField]:
        form, r = self.data, self.row
        return [
            FormField("member", "Member", r.member_id if r else None, "select", list(form.members)),
            FormField("kind", "Outcome", r.kind if r else None, "select", list(form.kinds)),
            FormField(
                "label",
                "Other: name",
                r.label if r and r.kind == "other" else "",
                placeholder="only for Other, e.g. Grants submitted",
            ),
            FormField("count", "Count", str(r.count) if r else "", placeholder="0 or more"),
            FormField("note", "Note", r.note if r else "", placeholder="e.g. R01 submitted"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import tallies

        return tallies.save_tally(
            session,
            self.evaluation_id,
            values["member"],
            values["kind"],
            values["count"],
            values["note"],
            values["label"],
            tally_id=self.row.id if self.row else None,
        )


class ReviewMissionDialog(FormDialog[str]):
    def __init__(self, evaluation_id: int) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.title_text = "The mission: reaffirm it, or adopt a new version"

    def load(self, session: Session) -> Any:
        from peergroup.services import review_mission

        return review_mission.mission_draft(session, self.evaluation_id, self.app.clock.today())

    def fields(self) -> list[FormField]:
        text, revisit = self.data
        return [
            FormField(
                "choice",
                "Decision",
                "reaffirm" if text else "revise",
                "select",
                [("Reaffirm it as it stands", "reaffirm"), ("Adopt a new version", "revise")],
                hint="Either way the mission is due for its next revisit within a year.",
            ),
            FormField("text", "Mission", text, "text"),
            FormField(
                "revisit_by",
                "Revisit by",
                f"{revisit}",
                hint="For a new version: at most a year ahead.",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.errors import InputError
        from peergroup.services import review_mission

        today = self.app.clock.today()
        if values["choice"] == "reaffirm":
            if (values["text"] or "").strip() != (self.data[0] or "").strip():
                raise InputError(
                    "text",
                    "has changed: to keep the new words choose 'Adopt a new version'; to "
                    "reaffirm, leave the mission as it was.",
                )
            return review_mission.reaffirm_mission(session, self.evaluation_id, today)
        return review_mission.revise_mission(
            session, self.evaluation_id, values["text"], values["revisit_by"], today
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class OptInDialog(FormDialog[str]):
    def __init__(self, evaluation_id: int, member_id: int, name: str, answer: str) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.member_id = member_id
        self.answer = answer
        self.title_text = f"Does {name} continue next year?"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "answer",
                "Answer",
                self.answer or "pending",
                "select",
                [("Continues", "in"), ("Leaves", "out"), ("No answer yet", "pending")],
                hint="Someone who leaves becomes a former member from today; their history stays.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import review_mission

        return review_mission.answer_round(
            session, self.evaluation_id, self.member_id, values["answer"], self.app.clock.today()
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class DecisionDialog(FormDialog[Any]):
    def __init__(self, evaluation_id: int) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.title_text = "The decision: continue as is, or adjust?"

    def load(self, session: Session) -> Any:
        from peergroup.services import review_parts

        return review_parts.decision_part(session, self.evaluation_id)

    def fields(self) -> list[FormField]:
        d = self.data
        self.title_text = f"Review {d.header.label}: continue as is, or adjust?"
        return [
            FormField(
                "decision",
                "Decision",
                d.decision or None,
                "select",
                [("Continue as is", "continue"), ("Make adjustments", "adjust")],
            ),
            FormField(
                "adjustments",
                "Adjustments",
                d.adjustments,
                "text",
                hint="One per line; only when the group makes adjustments.",
            ),
            FormField(
                "summary",
                "Year in brief",
                d.summary,
                "text",
                hint="A few sentences for the top of the annual report (optional).",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import review

        review.set_decision(
            session,
            self.evaluation_id,
            values["decision"],
            values["adjustments"],
            values["summary"],
        )
        return True


class ReopenDialog(FormDialog[str]):
    def __init__(self, evaluation_id: int, label: str) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.title_text = f"Reopen the finished review of {label} for a correction"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "reason",
                "Why",
                "",
                "text",
                hint="Kept with the review and shown in its report.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import review

        return review.reopen_review(
            session, self.evaluation_id, values["reason"], self.app.clock.today()
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class AnnualReportDialog(ExportFileDialog):
    def __init__(self, evaluation_id: int, label: str) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.label = label
        self.title_text = f"Annual report of the review {label} (.html page or .md for e-mail)"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "path",
                "Save as",
                str(default_folder() / f"annual-report-{self.label}.html"),
                hint="Ends in .html: one page with charts that prints cleanly; "
                ".md: Markdown for e-mail.",
            )
        ]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[str, str]:
        from peergroup.export.document import format_for
        from peergroup.services import annual_report

        fmt = format_for(values["path"].strip())
        text, label = annual_report.review_report(
            session, self.evaluation_id, fmt, self.app.clock.today()
        )
        return text, f"Wrote the annual report of {label} to"
