"""The department chair's view: every group of the database side by side.

Everything shown comes from ``department.department_view`` (read in a worker);
[ and ] switch between the twelve months ending today and calendar years, and
x writes the same figures as a report (.md or .html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from .base import DbWork
from .safe import literal, one_line
from .widgets.export import ExportFileDialog, default_folder
from .widgets.form import FormField
from .widgets.tables import FitsTables, restore_cursor

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.department import DepartmentView, GroupRow

# (key, header, width); the group's name takes what is left of the width.
COLUMNS = (
    ("members", "Mbrs", 4),
    ("held", "Held", 4),
    ("planned", "Plan", 4),
    ("attendance", "Att", 4),
    ("goals", "Goals", 5),
    ("review", "Review", 11),
    ("outcomes", "Outc", 4),
)
REVIEW_STYLE = {"done": "green", "in progress": "yellow", "overdue": "bold red", "not due yet": ""}


def _pct(value: float | None) -> str:
    return f"{value:.0f}%" if value is not None else "–"


def _num(value: object) -> Text:
    return Text(str(value), justify="right")


class DepartmentScreen(FitsTables, DbWork, Screen):
    FLEXIBLE = {"groups": {"name": 12}}
    CSS_PATH = "department.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("x", "export", "Export", tooltip="Write this view as a report (.html or .md)"),
        Binding(
            "left_square_bracket",
            "previous",
            "Earlier",
            key_display="[",
            tooltip="The calendar year before",
        ),
        Binding(
            "right_square_bracket",
            "next",
            "Later",
            key_display="]",
            tooltip="The next calendar year, then the twelve months ending today",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.year: int | None = None  # None: the twelve months ending today
        self.view: DepartmentView | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Department view: every group side by side", style="bold"),
            classes="step-heading",
        )
        yield Static("Loading…", id="dept-period", classes="muted")
        yield DataTable(id="groups", cursor_type="row")
        yield Static("", id="dept-detail")
        yield Static("", id="dept-totals")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.query_one("#groups", DataTable)
        t.add_column("Group", width=20, key="name")
        for key, header, width in COLUMNS:
            t.add_column(header, width=width, key=key)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        from peergroup.services import department

        if self.app.db is None:
            return
        year, today = self.year, self.app.clock.today()
        self.run_db(
            lambda session: department.department_view(session, year, today),
            self.show,
            group=f"load-{id(self)}",
            exclusive=True,
        )

    def show(self, view: DepartmentView) -> None:
        self.view = view
        period = f"{view.label[0].upper()}{view.label[1:]} ({view.span})"
        self.query_one("#dept-period", Static).update(Text(period))
        t = self.query_one("#groups", DataTable)
        keep = t.cursor_row
        t.clear()
        for r in view.rows:
            t.add_row(
                one_line(r.name),
                _num(r.members),
                _num(r.held),
                _num(r.planned),
                _num(_pct(r.attendance_rate)),
                _num(r.goals_met),
                Text(r.review.state, style=REVIEW_STYLE.get(r.review.state, "")),
                _num(r.outcomes_total),
                key=str(r.group_id),
            )
        restore_cursor(t, keep)
        self._show_totals(view)
        self._show_detail(view.rows[t.cursor_row] if view.rows else None)
        self.call_after_refresh(self.fit_tables)

    def _show_totals(self, view: DepartmentView) -> None:
        s = view.totals
        reviews = ", ".join(f"{n} {state}" for state, n in s.reviews if n) or "none"
        text = Text("All groups: ", style="bold")
        text.append(
            f"{s.groups} group(s), {s.members} members, {s.held} of {s.planned} meetings held, "
            f"attendance {_pct(s.attendance_rate)}, {s.goals_met} goal(s) met, "
            f"{s.outcomes_total} outcome(s). Reviews: {reviews}."
        )
        self.query_one("#dept-totals", Static).update(text)

    def _show_detail(self, row: GroupRow | None) -> None:
        if row is None:
            self.query_one("#dept-detail", Static).update(
                literal("There are no groups in this database yet.")
            )
            return
        text = one_line(row.name, 40, "bold")
        text.append(f": review {row.review.state}, {row.review.detail}.\n")
        outcomes = ", ".join(f"{label} {n}" for label, n in row.outcomes)
        text.append_text(literal(f"Outcomes: {outcomes}." if outcomes else "Outcomes: none."))
        self.query_one("#dept-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.view is not None and 0 <= event.cursor_row < len(self.view.rows):
            self._show_detail(self.view.rows[event.cursor_row])

    def action_previous(self) -> None:
        from peergroup.services import validate

        year = self.app.clock.today().year if self.year is None else self.year - 1
        self.year = max(validate.YEAR_MIN, year)
        self.refresh_data()

    def action_next(self) -> None:
        this_year = self.app.clock.today().year
        if self.year is None:
            self.notify("This is the latest: the twelve months ending today.")
            return
        self.year = None if self.year >= this_year else self.year + 1
        self.refresh_data()

    def action_export(self) -> None:
        self.app.push_screen(DepartmentReportDialog(self.year))

    def action_back(self) -> None:
        self.app.pop_screen()


class DepartmentReportDialog(ExportFileDialog):
    """The department view as one HTML page, or Markdown for a .md name."""

    def __init__(self, year: int | None) -> None:
        super().__init__()
        self.year = year
        self.title_text = "Export the department view (all groups)"

    def fields(self) -> list[FormField]:
        name = f"department-{self.year}" if self.year else "department-view"
        return [
            FormField(
                "year",
                "Year",
                str(self.year or ""),
                placeholder="e.g. 2025; empty: the twelve months ending today",
            ),
            FormField(
                "path",
                "Save as",
                str(default_folder() / f"{name}.html"),
                hint="Ends in .html: one page that prints cleanly; .md: Markdown for e-mail.",
            ),
        ]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[str, str]:
        from peergroup.export.document import format_for
        from peergroup.services import department_report, validate

        year = validate.int_in_range(
            "year", values.get("year"), validate.YEAR_MIN, validate.YEAR_MAX
        )
        fmt = format_for(values["path"].strip())
        text, label = department_report.department_report(
            session, year, fmt, self.app.clock.today()
        )
        return text, f"Wrote the department view of {label} to"
