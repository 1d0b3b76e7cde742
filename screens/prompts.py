"""Step 8's prompt library: the bundled prompts by theme and the group's own.

Each row says when the group last used the prompt; enter puts it on a
meeting's agenda (and in that meeting's calendar event). The group's own
prompts (marked *) can be added, changed and retired.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from .base import DbWork
from .dialogs.reflection import OwnPromptDialog, UsePromptDialog
from .safe import literal, one_line
from .widgets.confirm import ConfirmDialog
from .widgets.tables import restore_cursor, selected_id


def _short_day(d: Any) -> str:
    return f"{d.day} {d:%b %Y}"


class PromptLibraryScreen(DbWork, Screen):
    """The bundled prompts by theme and the group's own, with when each was used."""

    CSS_PATH = "reflection.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "use", "Use at a meeting", show=False),
        Binding("a", "add", "Add own"),
        Binding("e", "edit", "Edit own"),
        Binding("d", "remove", "Retire own"),
        Binding("left_square_bracket", "previous", "Prev theme"),
        Binding("right_square_bracket", "next", "Next theme"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library: Any = None
        self.theme: str | None = None  # None: every theme

    def compose(self) -> ComposeResult:
        yield Static("", id="library-head")
        yield DataTable(id="prompts", cursor_type="row")
        yield Static("", id="library-detail")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#prompts", DataTable)
        t.add_column("Theme", width=11)
        t.add_column("Prompt", width=48)
        t.add_column("Last used", width=12)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        from peergroup.services import reflections as reflections_svc

        group_id, today = self.app.group_id, self.app.clock.today()
        self.run_db(
            lambda s: reflections_svc.library(s, group_id, today),
            self._show,
            group="prompt-library",
            exclusive=True,
        )

    def _rows(self) -> list[Any]:
        if self.library is None:
            return []
        return [r for r in self.library.rows if self.theme in (None, r.theme)]

    def _show(self, library: Any) -> None:
        self.library = library
        head = Text("Prompt library", style="bold")
        head.append(f"  theme: {self.theme or 'all'} ([ ] to change)", style="dim")
        head.append("  enter: use at a meeting", style="dim")
        self.query_one("#library-head", Static).update(head)
        t = self.query_one("#prompts", DataTable)
        keep = t.cursor_row
        t.clear()
        for i, r in enumerate(self._rows()):
            theme = r.theme + ("*" if r.own else "")
            last = _short_day(r.used_on[-1]) if r.used_on else ""
            t.add_row(theme, one_line(r.text, 48), last, key=str(i))
        restore_cursor(t, keep)
        self._detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _selected(self) -> Any:
        t = self.query_one("#prompts", DataTable)
        i = selected_id(t)
        rows = self._rows()
        return rows[i] if i is not None and i < len(rows) else None

    def _detail(self) -> None:
        r = self._selected()
        text = Text()
        if r is not None:
            text.append_text(literal(r.text))
            if r.attribute:
                text.append(f"\nCompassion attribute: {r.attribute}", style="dim")
            used = ", ".join(_short_day(d) for d in r.used_on) if r.used_on else "not yet"
            text.append(f"\nUsed at meetings: {used}", style="dim")
            if r.own:
                text.append(
                    "\nThe group's own prompt (* in the list): e edits, d retires.", style="dim"
                )
        self.query_one("#library-detail", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_use()

    def action_use(self) -> None:
        r = self._selected()
        if r is None:
            return
        if r.retired:
            self.notify("This prompt was retired; add it again to use it.")
            return
        self.app.push_screen(
            UsePromptDialog(self.app.group_id, r.key, r.text, self.app.clock.today()),
            lambda _: self.refresh_data(),
        )

    def action_add(self) -> None:
        self.app.push_screen(OwnPromptDialog(self.app.group_id), lambda _: self.refresh_data())

    def action_edit(self) -> None:
        r = self._selected()
        if r is None or not r.own:
            self.notify("Only the group's own prompts (marked *) can be edited.")
            return
        self.app.push_screen(
            OwnPromptDialog(self.app.group_id, r.key, r.theme, r.text),
            lambda _: self.refresh_data(),
        )

    def action_remove(self) -> None:
        from peergroup.services import reflections as reflections_svc

        r = self._selected()
        if r is None or not r.own:
            self.notify("Only the group's own prompts (marked *) can be retired.")
            return
        group_id, key = self.app.group_id, r.key

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: reflections_svc.retire_own_prompt(s, group_id, key),
                    lambda _: self.refresh_data(),
                    write=True,
                )

        self.app.push_screen(
            ConfirmDialog(
                "Retire this prompt? Meetings that used it keep showing it.", "Retire", "Keep"
            ),
            answered,
        )

    def _step_theme(self, step: int) -> None:
        if self.library is None:
            return
        options: list[str | None] = [None, *self.library.themes]
        at = options.index(self.theme) if self.theme in options else 0
        self.theme = options[(at + step) % len(options)]
        self.query_one("#prompts", DataTable).move_cursor(row=0)
        self._show(self.library)

    def action_previous(self) -> None:
        self._step_theme(-1)

    def action_next(self) -> None:
        self._step_theme(1)

    def action_back(self) -> None:
        self.app.pop_screen()
