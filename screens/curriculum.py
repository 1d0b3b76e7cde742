"""Step 6: the curriculum planner. The upcoming meetings with their topic, the
discussion lead from the role rotation and how each was planned; g proposes a
plan from the needs assessment, e sets one meeting by hand (kept when the plan
is made again), d hands it back to the planner.

Everything shown comes from ``topic_views.plan_view`` (read in a worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .dialogs.topics import (
    CurriculumExportDialog,
    MeetingPlanDialog,
    PlanPreviewDialog,
    PlanSetupDialog,
)
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from sqlmodel import Session

    from peergroup.services.topic_views import PlanRow, PlanView

HOW_STYLE = {"by hand": "", "planner": "", "open": "magenta", "ad hoc": "magenta"}
HOW_SAID = {
    "by hand": "set by hand: planning again keeps it (d hands it to the planner)",
    "planner": "proposed by the planner",
    "open": "an open slot for whatever comes up (✎: set by hand, kept when planning again)",
    "ad hoc": "an ad hoc meeting with its own title (set on the calendar)",
    "": "no topic yet: g proposes one, e sets one by hand",
}


class CurriculumScreen(StepScreen):
    step_key = "topics"
    CSS_PATH = "topics.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),
        Binding("g", "plan", "Propose"),
        Binding("e", "edit", "Set by hand"),
        Binding("d", "remove", "To planner"),
        Binding("u", "setup", "Setup"),
        Binding("f", "experts", "Experts"),
        Binding("x", "export", "Export"),
    ]
    view: PlanView | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(("Curriculum plan", "bold"), ("   esc: topics", "dim")),
            classes="step-heading",
        )
        yield Static("", id="plan-summary")
        yield Static("", id="plan-coverage")
        yield DataTable(id="plan", cursor_type="row")
        yield Static("", id="plan-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        t = self.query_one("#plan", DataTable)
        t.add_column("Date", width=9, key="date")
        t.add_column("", width=2, key="mark")  # ✎ set by hand, ⚑ needs an expert
        t.add_column("Topic", width=46, key="topic")
        t.add_column("Lead", width=13, key="lead")

    def load(self, session: Session, group_id: int, today: dt.date) -> PlanView:
        from peergroup.services import topic_views

        return topic_views.plan_view(session, group_id, today)

    def show(self, view: PlanView) -> None:
        self.view = view
        text = Text()
        text.append("From ", "dim")
        text.append_text(one_line(view.basis, 60))
        text.append(f"\nNo repeat within {view.repeat_months} months · ", "dim")
        text.append(
            f"open slot every {view.open_every} meetings" if view.open_every else "no open slots",
            "dim",
        )
        text.append(" (u) · ", "dim")
        if not view.upcoming:
            text.append("No upcoming meetings: plan them on the calendar first.", "yellow")
        elif view.unplanned:
            text.append(f"{view.unplanned} without a topic: g proposes", "bold yellow")
        else:
            text.append(f"all {view.upcoming} planned", "green")
        self.query_one("#plan-summary", Static).update(text)
        self._show_coverage(view)

        table = self.query_one("#plan", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in view.rows:
            cancelled = r.status == "cancelled"
            style = "strike dim" if cancelled else HOW_STYLE.get(r.how, "yellow")
            mark = Text("✘", "red") if cancelled else Text("✎" if r.manual else "")
            if r.flagged:
                mark.append("⚑", "bold red")
            table.add_row(
                Text(f"{r.on:%d %b %y}", style="strike dim" if cancelled else ""),
                mark,
                one_line(r.line or "(no topic yet)", 46, style),
                one_line(r.lead, 13, "dim" if cancelled else ""),
                key=str(r.meeting_id),
            )
        restore_cursor(table, keep)
        self._show_detail()

    def _show_coverage(self, view: PlanView) -> None:
        """Which competencies this year's meetings touched (through their topics' tags)."""
        from peergroup.services.competencies import summary_line

        text = Text()
        if view.coverage is not None:
            cov = view.coverage
            text.append(f"{cov.framework or 'Competencies'} {cov.start.year}: ", "bold")
            text.append_text(literal(summary_line(cov)))
        self.query_one("#plan-coverage", Static).update(text)

    def _selected(self) -> PlanRow | None:
        mid = selected_id(self.query_one("#plan", DataTable))
        return next((r for r in self.view.rows if r.meeting_id == mid), None) if self.view else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def _show_detail(self) -> None:
        text = Text()
        row = self._selected()
        if row is not None:
            text.append(f"{row.on:%a %d %b}: ", "bold")
            text.append("cancelled" if row.status == "cancelled" else HOW_SAID.get(row.how, ""))
            if row.guests:
                text.append("\n")
                text.append("Guest: ", "bold")
                text.append_text(one_line("; ".join(row.guests), 60))
            text.append("\n")
        if self.view is not None and self.view.flagged:
            text.append("⚑ Wanted, needs outside input, no expert yet (f): ", "bold red")
            text.append_text(one_line(", ".join(self.view.flagged), 120))
        self.query_one("#plan-detail", Static).update(text)

    # --- actions ------------------------------------------------------------------

    def _group(self) -> tuple[int, str]:
        return self.app.group_id, self.view.group_name if self.view else "the group"

    def action_plan(self) -> None:
        if self.view is not None and not self.view.upcoming:
            self.notify(
                "No upcoming meetings to plan: generate them on the calendar (step 4, g).",
                severity="warning",
            )
            return
        self.app.push_screen(PlanPreviewDialog(*self._group()), self.after_dialog)

    def _usable(self) -> PlanRow | None:
        row = self._selected()
        if row is not None and row.status == "cancelled":
            self.notify(
                f"The meeting of {row.on:%a %d %b %Y} is cancelled; restore it on the calendar "
                "first.",
                severity="warning",
            )
            return None
        return row

    def action_edit(self) -> None:
        if (row := self._usable()) is not None:
            self.app.push_screen(
                MeetingPlanDialog(row.meeting_id, f"{row.on:%a %d %b %Y}"), self.after_dialog
            )

    def action_remove(self) -> None:
        from peergroup.services import curriculum

        row = self._usable()
        if row is None:
            return
        today = self.app.clock.today()
        self.run_db(
            lambda s: curriculum.clear_meeting_plan(s, row.meeting_id, today),
            self._changed,
            write=True,
        )

    def _changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self.refresh_data()

    def action_setup(self) -> None:
        self.app.push_screen(PlanSetupDialog(*self._group()), self.after_dialog)

    def action_experts(self) -> None:
        from .experts import ExpertsScreen

        self.app.push_screen(ExpertsScreen())

    def action_export(self) -> None:
        self.app.push_screen(CurriculumExportDialog(*self._group()))
