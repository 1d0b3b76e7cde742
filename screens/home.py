"""The home screen: the ten-step roadmap with statuses computed from the data."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from .base import DbWork
from .safe import literal, one_line
from .widgets.tables import FitsTables, restore_cursor

if TYPE_CHECKING:  # pragma: no cover
    from peergroup.home_prefetch import Prefetch
    from peergroup.home_snapshot import HomeView

STATE_LABEL = {
    "done": ("✔ done", "green"),
    "partial": ("◐ started", "yellow"),
    "todo": ("○ to do", ""),
    "attention": ("! overdue", "bold red"),
    "optional": ("· optional", "dim"),
}


def _step_bindings() -> list[Binding]:
    """1 to 9 and 0 open the ten steps (from the bundled step list: cheap at import)."""
    from peergroup import content

    return [
        Binding(
            str(s["number"] % 10),
            f"step('{s['key']}')",
            s["short"],
            show=False,  # "1-9, 0: open a step" is said above the table; F1 lists them
        )
        for s in content.steps()
    ]


class HomeScreen(FitsTables, DbWork, Screen):
    FLEXIBLE = {"roadmap": {"title": 20}}
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter", "open_selected", "Open step", show=False),
        Binding("n", "do_next", "Next"),
        *_step_bindings(),
        Binding("m", "app.open_meeting", "Meeting"),
        Binding("slash", "app.search", "Search"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static("Opening the database…", id="group-name")
            yield Static("", id="definition")
            yield Static("", id="next")
            yield DataTable(id="roadmap", cursor_type="row", zebra_stripes=False)
            yield Static("", id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#roadmap", DataTable)
        # Text labels (and cells, in _show): a str is read as markup, and that loads Rich's emoji
        # table (3 ms) before the first frame.
        table.add_column(Text("#"), width=2, key="n")
        table.add_column(Text("Step"), width=52, key="title")
        table.add_column(Text("Status"), width=11, key="state")
        self._data: HomeView | None = None
        if getattr(self.app, "db", None) is None:
            self._show_snapshot()
            prefetch = getattr(self.app, "prefetch", None)
            if prefetch is not None:
                self._await_prefetch(prefetch)

    @work(thread=True, group="prefetch", exit_on_error=False)
    def _await_prefetch(self, prefetch: Prefetch) -> None:
        """The home view a second process worked out while Textual loaded (it only reads).

        A thread worker that waits on a pipe: no database here. Shown only if
        nothing else is on screen yet, and only for the app's today.
        """
        found = prefetch.result()
        if (
            found is not None
            and found[0] == self.app.clock.today().isoformat()
            and self.app.group_id in (None, found[1])  # not after a switch to another group
        ):
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                self.app.call_from_thread(self._show_early, found[2])

    def _show_early(self, view: HomeView) -> None:
        if self._data is None and self.is_mounted:
            self._show(view)

    def _show_snapshot(self) -> bool:
        """In the first frame, the home view the last run left, if the file is unchanged.

        A JSON file read and a stat of the database: no SQL, no SQLAlchemy. The
        live view replaces it once the database is open (``refresh_data``).
        """
        from peergroup import home_snapshot

        app = self.app
        snap = home_snapshot.load(app.db_path, app.requested_group, app.clock.today())
        if snap is not None:
            self._show(snap.view)
        return snap is not None

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.app.db is None:
            return
        if self.app.group_id is None:
            self.query_one("#group-name", Static).update(
                Text.assemble(
                    ("No group yet. ", "bold"), "Press n to create your group (or ctrl+g)."
                )
            )
            return
        self._load(self.app.group_id)

    def _load(self, group_id: int) -> None:
        from peergroup.services import home as home_svc

        today = self.app.clock.today()
        self.run_db(
            lambda s: home_svc.home_view(s, group_id, today),
            self._show,
            group="home",
            exclusive=True,
        )

    def _show(self, data: HomeView) -> None:
        self._data = data
        self.query_one("#group-name", Static).update(
            Text.assemble(
                ("Group: ", "bold"),
                literal(data.group_name, "bold"),
                ("   1-9, 0 open a step · f1 help", "dim"),
            )
        )
        self.query_one("#definition", Static).update(one_line(data.definition, 230, "italic"))
        self.query_one("#next", Static).update(
            Text.assemble(("Next: ", "bold reverse"), " ", literal(data.next_text))
        )
        table = self.query_one("#roadmap", DataTable)
        keep = table.cursor_row
        table.clear()
        for s in data.statuses:
            label, style = STATE_LABEL[s.state]
            table.add_row(
                Text(str(s.number)), one_line(s.title), Text(label, style=style), key=s.key
            )
        restore_cursor(table, keep)
        self._show_detail()
        self.call_after_refresh(self.fit_tables)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        if self._data is None:
            return
        table = self.query_one("#roadmap", DataTable)
        if not (0 <= table.cursor_row < len(self._data.statuses)):
            return
        s = self._data.statuses[table.cursor_row]
        text = Text()
        text.append(s.summary + "\n", style="italic")
        if s.missing:
            for item in s.missing[:3]:
                text.append("• ")
                text.append_text(literal(item))
                text.append("\n")
        elif s.state == "optional":
            text.append_text(literal(s.next_action))
        else:
            text.append("Nothing missing here.", style="green")
        self.query_one("#detail", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_step(event.row_key.value)

    def action_open_selected(self) -> None:
        if self._data is None or self.app.group_id is None:
            return
        table = self.query_one("#roadmap", DataTable)
        self.app.open_step(self._data.statuses[table.cursor_row].key)

    def action_step(self, key: str) -> None:
        self.app.open_step(key)

    def action_do_next(self) -> None:
        if self.app.db is not None and self.app.group_id is None:
            self.app.action_new_group(first_run=True)
            return
        if self._data is not None and self._data.next_key:
            self.app.open_step(self._data.next_key)
