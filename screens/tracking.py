"""Step 10: the running list of meetings, search, action items, and sharing minutes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField, confirm_overwrite
from .widgets.tables import restore_cursor, selected_id


class TrackingScreen(StepScreen):
    step_key = "tracking"
    CSS_PATH = "tracking.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open meeting", show=False),
        Binding("slash", "search", "Search"),
        Binding("i", "my_items", "My items"),
        Binding("x", "export", "Export minutes"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="tracking-summary")
        yield DataTable(id="running", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#running", DataTable)
        t.add_column("Date", width=15)
        t.add_column("Topic", width=30)
        t.add_column("Scribe", width=14)
        t.add_column("Minutes", width=10)
        super().on_mount()

    def refresh_data(self) -> None:
        from peergroup.services import minutes as minutes_svc

        today = dt.date.today()
        with self.app.db.write() as session:
            rows = minutes_svc.running_list(session, self.group(session))
            open_items = minutes_svc.open_action_items(session, self.group(session))
        held = [r for r in rows if r.on < today and r.status == "scheduled"]
        with_minutes = sum(1 for r in held if r.has_minutes)
        self.query_one("#tracking-summary", Static).update(
            Text(
                f"{len(held)} meeting(s) held, {with_minutes} with minutes · {len(open_items)} open action item(s)"
            )
        )
        t = self.query_one("#running", DataTable)
        keep = t.cursor_row
        t.clear()
        nearest = 0
        for i, r in enumerate(rows):
            if r.on <= today:
                nearest = i
            state = (
                "cancelled"
                if r.status == "cancelled"
                else ("final" if r.finalised else ("draft" if r.has_minutes else ""))
            )
            style = "strike dim" if r.status == "cancelled" else ""
            t.add_row(
                Text(f"{r.on:%a %d %b %Y}", style=style),
                one_line(r.topic_title, 30),
                one_line(r.scribe_name, 14),
                state,
                key=str(r.meeting_id),
            )
        restore_cursor(t, keep, fallback=nearest)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_meeting(int(event.row_key.value))

    def action_open(self) -> None:
        meeting_id = selected_id(self.query_one("#running", DataTable))
        if meeting_id is not None:
            self.app.open_meeting(meeting_id)

    def action_search(self) -> None:
        self.app.push_screen(SearchScreen())

    def action_my_items(self) -> None:
        self.app.push_screen(MyItemsScreen())

    def action_export(self) -> None:
        self.app.push_screen(ExportMinutesDialog())


class SearchScreen(Screen):
    CSS_PATH = "tracking.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static(
                Text("Search minutes, decisions and action items (all groups)", style="bold")
            )
            yield Input(placeholder="words to find; enter to search", id="query")
            yield Static("", id="search-status")
            yield DataTable(id="hits", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#hits", DataTable)
        t.add_column("Date", width=10)
        t.add_column("Kind", width=9)
        t.add_column("Where it matched", width=54)
        self.query_one("#query", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        from peergroup.errors import InputError
        from peergroup.services import search as search_svc

        try:
            with self.app.db.write() as session:
                hits = search_svc.search(session, query, limit=50)
        except InputError as exc:
            self.app.call_from_thread(self._show, [], exc.message)
            return
        self.app.call_from_thread(self._show, hits, None)

    def _show(self, hits: list, error: str | None) -> None:
        t = self.query_one("#hits", DataTable)
        t.clear()
        for i, h in enumerate(hits):
            t.add_row(
                f"{h.on:%Y-%m-%d}", h.kind, one_line(h.snippet, 54), key=f"{h.meeting_id}:{i}"
            )
        status = error or (
            f"{len(hits)} match(es); enter opens the meeting" if hits else "No matches."
        )
        self.query_one("#search-status", Static).update(literal(status))
        if hits:
            t.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        meeting_id = int(event.row_key.value.split(":")[0])
        self.app.open_meeting(meeting_id)

    def action_back(self) -> None:
        self.app.pop_screen()


class MyItemsScreen(Screen):
    """ "My open action items": choose a member, see what they owe, close items."""

    CSS_PATH = "tracking.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("left_square_bracket", "member(-1)", "Prev member"),
        Binding("right_square_bracket", "member(1)", "Next member"),
        Binding("d", "done", "Mark done"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="items-head")
        yield DataTable(id="items", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        from peergroup.services import groups as groups_svc
        from peergroup.services import membership as membership_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            self.members = [
                (m.id, m.name)
                for m in membership_svc.list_members(session, group, ("active", "alumni"))
            ]
        self.index = 0
        t = self.query_one("#items", DataTable)
        t.add_column("Action item", width=40)
        t.add_column("Raised", width=10)
        t.add_column("Due", width=10)
        t.add_column("Status", width=8)
        self.refresh_data()

    def refresh_data(self) -> None:
        from peergroup.services import membership as membership_svc
        from peergroup.services import minutes as minutes_svc

        t = self.query_one("#items", DataTable)
        t.clear()
        if not self.members:
            self.query_one("#items-head", Static).update("No members yet.")
            return
        mid, name = self.members[self.index]
        with self.app.db.write() as session:
            rows = minutes_svc.member_action_items(session, membership_svc.get_member(session, mid))
        head = Text("Open action items of ", style="bold")
        head.append_text(literal(name, "bold"))
        head.append(f"  ({len(rows)}; [ and ] switch member)", style="dim")
        self.query_one("#items-head", Static).update(head)
        for r in rows:
            t.add_row(
                one_line(r.text, 40),
                f"{r.raised_on}",
                f"{r.due or ''}",
                Text("overdue" if r.overdue else r.status, style="red" if r.overdue else ""),
                key=str(r.id),
            )

    def action_member(self, step: int) -> None:
        if self.members:
            self.index = (self.index + step) % len(self.members)
            self.refresh_data()

    def action_done(self) -> None:
        from peergroup.models import ActionItem
        from peergroup.services import minutes as minutes_svc

        item_id = selected_id(self.query_one("#items", DataTable))
        if item_id is None:
            return
        with self.app.db.write() as session:
            minutes_svc.close_action_item(session, session.get(ActionItem, item_id), "done")
        self.notify("Marked done.")
        self.refresh_data()

    def action_back(self) -> None:
        self.app.pop_screen()


class ExportMinutesDialog(FormDialog[str]):
    title_text = "Export minutes as Markdown (for e-mail or a shared drive)"

    def __init__(self, day: dt.date | None = None, group_id: int | None = None) -> None:
        super().__init__()
        self.day = day  # one meeting's date, or None for a range
        self.group_id = group_id  # the meeting's group (search can open another group's meeting)

    def fields(self) -> list[FormField]:
        day = self.day.isoformat() if self.day else ""
        name = f"minutes-{day}.md" if day else "minutes.md"
        return [
            FormField("start", "From", day, placeholder="YYYY-MM-DD (empty: from the start)"),
            FormField("end", "To", day, placeholder="YYYY-MM-DD (empty: up to today)"),
            FormField("path", "Save as", str(Path.home() / name)),
        ]

    def save(self, values: dict[str, Any]) -> str:
        from peergroup.errors import InputError
        from peergroup.export import minutes_md
        from peergroup.services import groups as groups_svc
        from peergroup.services import validate

        start = validate.parse_date("start", values["start"])
        end = validate.parse_date("end", values["end"])
        path = Path((values["path"] or "").strip()).expanduser()
        if not str(path) or path.is_dir():
            raise InputError("path", "give a file name, e.g. minutes.md.")
        confirm_overwrite(self, path)
        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.group_id or self.app.group_id)
            text, count = minutes_md.minutes_document(session, group, start=start, end=end)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError("path", f"cannot write there ({exc.strerror}).") from None
        self.app.notify(f"Wrote the minutes of {count} meeting(s) to {path}.", markup=False)
        return str(path)
