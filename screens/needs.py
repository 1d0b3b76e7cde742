"""Step 6's needs assessment: who has answered the open round (enter rates as
that member), and the latest round beside the one before it. Both read through
``needs`` / ``ranking`` in a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from .base import DbWork
from .dialogs.topics import RatingsDialog
from .safe import one_line
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.needs import RoundView
    from peergroup.services.ranking import Comparison


class RespondentsScreen(DbWork, ModalScreen[None]):
    """Who is asked in the open round and who has answered; enter rates as that member."""

    CSS_PATH = "topics.tcss"
    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "rate", "Rate", show=False)]
    view: RoundView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="respondents-box"):
            yield Static("Loading…", id="respondents-head")
            yield DataTable(id="respondents", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        t = self.query_one("#respondents", DataTable)
        t.add_column("Member", width=26)
        t.add_column("Answered", width=12)
        t.add_column("Rated", width=10)

    def on_screen_resume(self) -> None:
        from peergroup.services import needs

        group_id, today = self.app.group_id, self.app.clock.today()

        def load(s: Session) -> RoundView | None:
            rid = needs.open_round_id(s, group_id, today)
            return needs.round_view(s, rid, today) if rid is not None else None

        self.run_db(load, self._show)

    def _show(self, view: RoundView | None) -> None:
        if view is None:
            self.app.notify(
                "No needs assessment is open today: press o to open one (or change its dates).",
                severity="warning",
            )
            self.dismiss(None)
            return
        self.view = view
        head = Text(f"Needs assessment open until {view.closes_on:%a %d %b %Y}", "bold")
        head.append(
            f"\n{view.answered} of {len(view.respondents)} answered. Hand the keyboard "
            "round: enter rates as the selected member; esc when done.",
            "dim",
        )
        self.query_one("#respondents-head", Static).update(head)
        table = self.query_one("#respondents", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in view.respondents:
            table.add_row(
                one_line(r.name, 26),
                f"{r.answered_on:%d %b}" if r.answered_on else Text("not yet", "yellow"),
                f"{r.rated} of {view.topics}",
                key=str(r.member_id),
            )
        first_missing = next(
            (i for i, r in enumerate(view.respondents) if r.answered_on is None), 0
        )
        # The keyboard goes round: after each save, on to the next who has not answered.
        if any(r.answered_on is None for r in view.respondents):
            table.move_cursor(row=first_missing)
        else:
            restore_cursor(table, keep)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_rate()

    def action_rate(self) -> None:
        mid = selected_id(self.query_one("#respondents", DataTable))
        if mid is None or self.view is None:
            return
        name = next(r.name for r in self.view.respondents if r.member_id == mid)
        self.app.push_screen(RatingsDialog(self.view.round_id, mid, name))

    def action_close(self) -> None:
        self.dismiss(None)


class CompareScreen(DbWork, ModalScreen[None]):
    """The latest needs assessment beside the one before it, topic by topic."""

    CSS_PATH = "topics.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-box"):
            yield Static("Loading…", id="compare-head")
            yield DataTable(id="compare", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        from peergroup.services import ranking

        t = self.query_one("#compare", DataTable)
        t.add_column("Topic", width=34)
        t.add_column("Before", width=8)
        t.add_column("Now", width=8)
        t.add_column("Change", width=7)
        group_id, today = self.app.group_id, self.app.clock.today()

        self.run_db(lambda s: ranking.compare_latest(s, group_id, today), self._show)

    def _show(self, c: Comparison | None) -> None:
        if c is None:
            self.app.notify(
                "Only one needs assessment so far: open a second round (o) a year on to "
                "compare them.",
                severity="warning",
            )
            self.dismiss(None)
            return
        self.query_one("#compare-head", Static).update(
            Text.assemble(
                ("Interest then and now\n", "bold"), (f"{c.earlier}  →  {c.later}", "dim")
            )
        )
        table = self.query_one("#compare", DataTable)

        def cell(r: Any) -> str:
            return f"{r.mean:.1f} ({r.count})" if r is not None and r.mean is not None else "–"

        for row in c.rows:
            d = row.delta
            style = "green" if d and d > 0 else ("red" if d and d < 0 else "")
            table.add_row(
                one_line(row.title, 34),
                cell(row.before),
                cell(row.after),
                Text(f"{d:+.1f}" if d is not None else "new" if row.before is None else "", style),
            )

    def action_close(self) -> None:
        self.dismiss(None)
