"""A competency tag of the group's own, beside the bundled framework's (CanMEDS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


class OwnCompetencyDialog(FormDialog[str]):
    title_text = "A competency tag of the group's own"

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "competency",
                "Name",
                "",
                placeholder="e.g. Quality improvement",
                hint="Topics and goals can then be tagged with it, beside the seven CanMEDS roles.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import competencies

        return competencies.add_own(session, self.group_id, values["competency"] or "")

    def saved(self, result: str) -> None:
        self.app.notify(f"Added the competency tag {result}.", markup=False)
