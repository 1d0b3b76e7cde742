"""Step 4: logistics, six months of meetings, skips, moves, cancellations, .ics.

Everything shown comes from ``calendar_views.calendar_view`` (read in a worker);
every change goes through a dialog's ``save`` or ``run_db(write=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from .dialogs.calendar import (
    AgendaDialog,
    IcsExportDialog,
    LogisticsDialog,
    MoveDialog,
    NormsDialog,
    SchedulePreviewDialog,
    SkipDialog,
)
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog
from .widgets.tables import FitsTables, restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from sqlmodel import Session

    from peergroup.services.calendar_views import CalendarRow, CalendarView


class CalendarScreen(FitsTables, StepScreen):
    FLEXIBLE = {"meetings": {"scribe": 8, "topic": 12}}
    step_key = "logistics"
    CSS_PATH = "calendar.tcss"
    BINDINGS = [
        # Short names so every key fits an 80-column footer; F1 explains them.
        # The footer shows the everyday keys (it must fit 60 columns); F1 and the
        # palette list all of them.
        Binding("escape", "back", "Back"),
        Binding("u", "setup", "Setup", tooltip="How often, when and where the group meets"),
        Binding("g", "plan", "Plan", tooltip="Plan the next six months (shows the changes first)"),
        Binding("plus", "extend", "Extend", key_display="+", show=False),
        Binding("e", "edit", "Topic", tooltip="The selected meeting's topic, agenda and prompt"),
        Binding("v", "move", "Move", show=False),
        Binding("d", "remove", "Cancel", tooltip="Cancel (or restore) the selected meeting"),
        Binding("k", "skip", "Skip", show=False),
        Binding("b", "norms", "Norms", show=False),
        Binding("l", "roles", "Roles", show=False),
        Binding("x", "export", ".ics", tooltip="Export the calendar for the group or one member"),
    ]
    view: CalendarView | None = None

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="schedule")
        with Horizontal(id="cal-body"):
            yield DataTable(id="meetings", cursor_type="row")
            with VerticalScroll(id="norms"):
                yield Static("", id="norms-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.query_one("#meetings", DataTable)
        t.add_column("Date", width=13, key="date")
        t.add_column("Time", width=5, key="time")
        t.add_column("", width=1, key="status")  # ✘ cancelled, ↷ moved
        t.add_column("Scribe", width=11, key="scribe")
        t.add_column("Topic", width=12, key="topic")

    def load(self, session: Session, group_id: int, today: dt.date) -> CalendarView:
        from peergroup.services import calendar_views

        return calendar_views.calendar_view(session, group_id, today)

    def show(self, view: CalendarView) -> None:
        self.view = view
        self.query_one("#schedule", Static).update(self._summary(view))
        norms = Text()
        for label, body in view.norms:
            norms.append(label + "\n", style="bold")
            norms.append_text(literal(body or "(not written yet: press b)"))
            norms.append("\n\n")
        self.query_one("#norms-text", Static).update(norms)

        table = self.query_one("#meetings", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in view.rows:
            cancelled = r.status == "cancelled"
            style = "strike dim" if cancelled else ("dim" if r.past else "")
            table.add_row(
                Text(f"{r.on:%a %d %b %y}", style=style),
                Text(f"{r.start_time:%H:%M}", style=style),
                Text(r.mark, style="red" if cancelled else "yellow"),
                one_line(r.scribe),
                one_line(r.topic),
                key=str(r.meeting_id),
            )
        restore_cursor(table, keep, fallback=view.first_upcoming or 0)

    @staticmethod
    def _summary(view: CalendarView) -> Text:
        text = Text()
        if view.schedule is None:
            text.append(
                "No schedule yet: press u to set how often, when and where you meet.",
                style="yellow",
            )
            return text
        text.append_text(literal(view.schedule))
        if view.where:
            text.append("\n")
            text.append_text(one_line(view.where, 76))
        extra = []
        if view.skipped:
            extra.append("Skipped: " + ", ".join(f"{d:%d %b %Y}" for d in view.skipped[:5]))
        if view.ends_on:
            extra.append(f"Group ends {view.ends_on:%d %b %Y}")
        if extra:
            text.append("\n" + " · ".join(extra), style="dim")
        text.append("\n")
        text.append(
            f"{view.upcoming} upcoming meeting(s)"
            + (
                f", planned to {view.planned_to:%d %b %Y}"
                if view.planned_to
                else "; press g to generate six months"
            ),
            style="bold",
        )
        if view.pending and view.planned_to:
            text.append(f" · g: {view.pending}", style="bold yellow")
        text.append("  (✘ cancelled, ↷ moved; enter opens a meeting)", style="dim")
        return text

    # --- actions ----------------------------------------------------------------

    def _group(self) -> tuple[int, str]:
        name = self.view.group_name if self.view else "the group"
        return self.app.group_id, name

    def _selected(self) -> CalendarRow | None:
        mid = selected_id(self.query_one("#meetings", DataTable))
        if mid is None or self.view is None:
            return None
        return next((r for r in self.view.rows if r.meeting_id == mid), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_meeting(int(event.row_key.value))

    def action_setup(self) -> None:
        self.app.push_screen(LogisticsDialog(*self._group()), self.after_dialog)

    def action_plan(self) -> None:
        self._plan(extend=False)

    def action_extend(self) -> None:
        self._plan(extend=True)

    def _plan(self, extend: bool) -> None:
        if self.view is not None and self.view.schedule is None:
            self.notify(
                "Set the schedule first (u): how often, when and where the group meets.",
                severity="warning",
            )
            return
        self.app.push_screen(
            SchedulePreviewDialog(*self._group(), extend=extend), self.after_dialog
        )

    def action_move(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(MoveDialog(row.meeting_id, row.label), self.after_dialog)

    def action_remove(self) -> None:
        from peergroup.services import meetings

        row = self._selected()
        if row is None:
            return
        if row.status == "cancelled":
            self.run_db(
                lambda s: meetings.restore(s, row.meeting_id),
                lambda _ref: self._changed(f"Restored the meeting of {row.label}."),
                write=True,
            )
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_db(
                    lambda s: meetings.cancel(s, row.meeting_id),
                    lambda _ref: self._changed(
                        f"Cancelled the meeting of {row.label}; calendars drop it after "
                        "the next export."
                    ),
                    write=True,
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Cancel the meeting of {row.on:%A %d %B %Y}? Other meetings stay as they are.",
                "Cancel it",
                "Keep it",
            ),
            answered,
        )

    def _changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self.refresh_data()

    def action_edit(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(AgendaDialog(row.meeting_id, row.label), self.after_dialog)

    def action_skip(self) -> None:
        self.app.push_screen(SkipDialog(*self._group()), self.after_dialog)

    def action_norms(self) -> None:
        self.app.push_screen(NormsDialog(*self._group()), self.after_dialog)

    def action_roles(self) -> None:
        from .roles import RolesScreen

        self.app.push_screen(RolesScreen())

    def action_export(self) -> None:
        self.app.push_screen(IcsExportDialog(*self._group()))
