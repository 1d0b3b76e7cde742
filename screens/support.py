"""Step 5: ask for departmental support, and build the case from the group's records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .dialogs.support import AdvanceDialog, ExportBriefDialog, RequestDialog
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.support import RequestRow, SupportView

KIND_SHORT = {
    "financial-direct": "money",
    "financial-indirect": "time",
    "non-financial": "recognition",
}
STATUS_STYLE = {"planned": "", "asked": "yellow", "granted": "green", "declined": "red"}


def _day(d: Any) -> str:
    return f"{d.day} {d:%b %y}" if d else ""


class SupportScreen(StepScreen):
    step_key = "support"
    CSS_PATH = "support.tcss"
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("t", "toggle", "Next status"),
        Binding("d", "remove", "Remove"),
        Binding("x", "export", "Brief"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: SupportView | None = None

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="support-summary")
        yield DataTable(id="requests", cursor_type="row")
        yield Static("", id="support-detail")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#requests", DataTable)
        t.add_column("Of whom", width=16)
        t.add_column("Kind", width=11)
        t.add_column("The ask", width=24)
        t.add_column("Status", width=8)
        t.add_column("Asked", width=9)

    def load(self, session: Session, group_id: int, today: Any) -> SupportView:
        from peergroup.services import support as support_svc

        return support_svc.support_view(session, group_id, today)

    def show(self, view: SupportView) -> None:
        self.view = view
        summary = Text(view.summary, style="bold")
        summary.append("  · x: the support brief for the chair", style="dim")
        self.query_one("#support-summary", Static).update(summary)
        t = self.query_one("#requests", DataTable)
        keep = t.cursor_row
        t.clear()
        for r in view.rows:
            t.add_row(
                one_line(r.to_whom, 16),
                KIND_SHORT.get(r.kind, r.kind),
                one_line(r.ask, 24),
                Text(r.status, style=STATUS_STYLE.get(r.status, "")),
                _day(r.asked_on),
                key=str(r.id),
            )
        restore_cursor(t, keep)
        self._detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _selected(self) -> RequestRow | None:
        rid = selected_id(self.query_one("#requests", DataTable))
        return next((r for r in (self.view.rows if self.view else ()) if r.id == rid), None)

    def _detail(self) -> None:
        r = self._selected()
        text = Text()
        if self.view is not None and not self.view.rows:
            text.append(
                "No requests yet. Press a to plan one: of whom, what kind of support, the ask "
                "and why.",
                style="yellow",
            )
        elif r is not None:
            text.append(f"{r.kind_label} · {r.forum_label}", style="dim")
            if r.forum_note:
                text.append(" (")
                text.append_text(literal(r.forum_note, "dim"))
                text.append(")")
            text.append("\n")
            if r.status == "asked" and r.waiting_days is not None:
                text.append(
                    f"Asked {r.waiting_days} days ago; no answer recorded yet (t records it).\n",
                    style="yellow",
                )
            elif r.answered_on:
                text.append(f"{r.status.capitalize()} on {_day(r.answered_on)}. ", style="bold")
            if r.outcome:
                text.append_text(one_line(r.outcome, 150))
                text.append("\n")
            if r.why:
                text.append("Why: ", style="bold")
                text.append_text(one_line(r.why, 150))
        self.query_one("#support-detail", Static).update(text)

    def action_add(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(RequestDialog(self.app.group_id), self.after_dialog)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        r = self._selected()
        if r is not None:
            self.app.push_screen(RequestDialog(self.app.group_id, r.id, r.ask), self.after_dialog)

    def action_toggle(self) -> None:
        r = self._selected()
        if r is not None:
            self.app.push_screen(
                AdvanceDialog(r.id, r.to_whom, r.status, r.next_statuses, self.app.clock.today()),
                self.after_dialog,
            )

    def action_remove(self) -> None:
        from peergroup.services import support as support_svc

        r = self._selected()
        if r is None:
            return
        rid = r.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: support_svc.remove_request(s, rid),
                    lambda _: self.refresh_data(),
                    write=True,
                )

        self.app.push_screen(
            ConfirmDialog(f"Remove the request to {r.to_whom}?", "Remove", "Keep"), answered
        )

    def action_export(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(ExportBriefDialog(self.app.group_id))
