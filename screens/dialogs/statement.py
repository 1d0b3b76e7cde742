"""Export a member's statement of their work in the group (for a dossier or portfolio)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..widgets.export import ExportFileDialog, default_folder
from ..widgets.form import FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


def _file_name(name: str) -> str:
    """A plain file name from a member's name ("Priya Raman" -> "statement-priya-raman")."""
    safe = "".join(c.lower() if c.isalnum() else "-" for c in name).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"statement-{safe or 'member'}"


class MemberStatementDialog(ExportFileDialog):
    def __init__(self, member_id: int, name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = name
        self.title_text = f"Statement of {name}'s work in the group (.html or .md)"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "year",
                "Year",
                "",
                placeholder="e.g. 2025; empty: the whole membership",
                hint="Only meetings, roles, goals met and review outcomes of that calendar year.",
            ),
            FormField(
                "path",
                "Save as",
                str(default_folder() / f"{_file_name(self.member_name)}.html"),
                hint="Ends in .html: one page that prints cleanly; .md: Markdown.",
            ),
        ]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[str, str]:
        from peergroup.export.document import format_for
        from peergroup.services import member_statement, validate

        year = validate.int_in_range(
            "year", values.get("year"), validate.YEAR_MIN, validate.YEAR_MAX
        )
        fmt = format_for(values["path"].strip())
        text, name = member_statement.member_statement(
            session, self.member_id, fmt, year, self.app.clock.today()
        )
        return text, f"Wrote the statement of {name} to"
