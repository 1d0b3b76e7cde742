"""The yearly review's survey dialogs: a member's anonymous answers, and a statement
of the group's own. Same pattern as ``dialogs.review``: ``load`` and ``save`` run in
workers and call one service each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


class SurveyAnswerDialog(FormDialog[int]):
    CSS_PATH = [FormDialog.CSS_PATH, str(Path(__file__).with_name("review.tcss"))]

    def __init__(self, evaluation_id: int) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.title_text = "Answer the member survey (anonymous)"

    def load(self, session: Session) -> Any:
        from peergroup.services import review_parts

        return review_parts.survey_form(session, self.evaluation_id)

    def fields(self) -> list[FormField]:
        from peergroup.services import survey

        form = self.data
        self.title_text = f"Member survey {form.label}: answers are anonymous"
        hint = (
            "Your answers are kept without your name and shown only as averages, once at least "
            f"3 members have answered. {survey.SCALE}; leave a statement blank to skip it."
        )
        if not form.people:
            hint = "Every member has answered already. " + hint
        out = [
            FormField(
                "member",
                "Who answers",
                None,
                "select",
                list(form.people),
                hint=hint,
                allow_blank=True,
            )
        ]
        for n, item in enumerate(form.items, start=1):
            out.append(
                FormField(
                    item.key,
                    f"{n}. {survey.AREA_LABELS[item.area]}",
                    "",
                    placeholder="1 to 5",
                    hint=item.text,
                )
            )
        return out

    def show_error(self, field_name: str | None, message: str) -> None:
        # The message line sits below all the statements, out of view on a small
        # screen: say it where it is seen too (the field at fault gets the focus).
        super().show_error(field_name, message)
        label = next((f.label for f in self._fields if f.name == field_name), None)
        self.app.notify(f"{label}: {message}" if label else message, severity="error", markup=False)

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import survey

        member = values.pop("member")
        return survey.answer(session, self.evaluation_id, member, values)

    def saved(self, result: int) -> None:
        self.app.notify(f"Thank you: {result} answer(s) recorded, without a name.")


class OwnItemDialog(FormDialog[int]):
    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = "A survey statement of the group's own"

    def fields(self) -> list[FormField]:
        from peergroup.services import survey

        return [
            FormField(
                "text",
                "Statement",
                "",
                placeholder="e.g. The meeting time works with my schedule.",
                hint="Rated 1 (strongly disagree) to 5 (strongly agree), from the next answer on.",
            ),
            FormField(
                "area", "Area", "own", "select", [(v, k) for k, v in survey.AREA_LABELS.items()]
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import survey

        return survey.add_own_item(session, self.group_id, values["text"], values["area"])
