"""Step 10: the running list of meetings, search, action items, sharing minutes, and
publishing the group folder (palette: "Publish the group folder").

Everything shown here comes from services through workers (``load``/``show``
and ``run_db``); nothing touches the database on the UI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from .base import DbWork
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.export import ExportFileDialog, default_folder
from .widgets.form import FormField
from .widgets.tables import FitsTables, restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

SEARCH_LIMIT = 50
MINUTES_STATE = {"finalised": "final"}  # the column is 10 wide


class TrackingScreen(FitsTables, StepScreen):
    FLEXIBLE = {"running": {"topic": 14, "scribe": 8}}
    step_key = "tracking"
    CSS_PATH = "tracking.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open meeting", show=False),
        Binding("slash", "search", "Search"),
        Binding("i", "my_items", "My items"),
        Binding("x", "export", "Export", tooltip="Export minutes as Markdown"),
        Binding("o", "open_round", "Review", tooltip="The yearly review (goals, survey, report)"),
        Binding(
            "r",
            "answer",
            "Pulse",
            tooltip="Say how useful the selected held meeting was (anonymous)",
            show=False,  # the footer is full at 60 columns; the line under the list says r
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, Any] = {}  # meeting id -> services.tracking.RunningRow
        self.pulses: dict[int, Any] = {}  # meeting id -> services.pulse.PulseSummary

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="tracking-summary")
        yield DataTable(id="running", cursor_type="row")
        yield Static("", id="pulse-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.query_one("#running", DataTable)
        t.add_column("Date", width=15, key="date")
        t.add_column("Topic", width=30, key="topic")
        t.add_column("Scribe", width=14, key="scribe")
        t.add_column("Minutes", width=10, key="state")
        t.add_column("Pulse", width=5, key="pulse")
        super().on_mount()

    def load(self, session: Session, group_id: int, today: dt.date) -> Any:
        from peergroup.services import pulse as pulse_svc
        from peergroup.services import tracking as tracking_svc

        return (
            tracking_svc.tracking_view(session, group_id, today),
            pulse_svc.group_pulses(session, group_id, today),
        )

    def show(self, loaded: Any) -> None:
        view, self.pulses = loaded
        self.rows = {r.meeting_id: r for r in view.rows}
        self.query_one("#tracking-summary", Static).update(
            Text(
                f"{view.held} meeting(s) held, {view.held_with_minutes} with minutes"
                f" · {view.open_items} open action item(s)"
            )
        )
        t = self.query_one("#running", DataTable)
        keep = t.cursor_row
        t.clear()
        for r in view.rows:
            style = "strike dim" if r.status == "cancelled" else ""
            t.add_row(
                Text(f"{r.on:%a %d %b %Y}", style=style),
                one_line(r.topic_title),
                one_line(r.scribe_name),
                MINUTES_STATE.get(r.minutes_state, r.minutes_state),
                _pulse_cell(self.pulses.get(r.meeting_id)),
                key=str(r.meeting_id),
            )
        restore_cursor(t, keep, fallback=view.nearest)
        self._show_pulse()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_pulse()

    def _show_pulse(self) -> None:
        """What may be shown of the selected meeting's pulses (anonymous; 3 or more)."""
        meeting_id = selected_id(self.query_one("#running", DataTable))
        row = self.rows.get(meeting_id) if meeting_id is not None else None
        self.query_one("#pulse-detail", Static).update(
            pulse_text(row, self.pulses.get(meeting_id or 0), self.app.clock.today())
        )

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

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Publish the group folder",
            "Web pages, Markdown and calendars of the group for a shared drive or e-mail",
            self.action_publish,
        )

    def action_publish(self) -> None:
        """Publish the group folder (palette only: x is the minutes export here)."""
        from peergroup.services import groups as groups_svc

        from .dialogs.publish import PublishDialog

        group_id = self.app.group_id
        self.run_db(
            lambda s: groups_svc.get_group(s, group_id).name,
            lambda name: self.app.push_screen(PublishDialog(group_id, name)),
        )

    def action_open_round(self) -> None:
        from .review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_answer(self) -> None:
        from .dialogs.pulse import PulseDialog

        meeting_id = selected_id(self.query_one("#running", DataTable))
        row = self.rows.get(meeting_id) if meeting_id is not None else None
        if row is None:
            return
        today = self.app.clock.today()
        if row.status == "cancelled":
            self.notify("That meeting was cancelled: a pulse is for a meeting that was held.")
        elif row.on > today:
            self.notify("That meeting has not been held yet: give a pulse once it has.")
        else:
            self.app.push_screen(PulseDialog(row.meeting_id, row.on, today), self.after_dialog)


def _pulse_cell(summary: Any) -> Text:
    if summary is None:
        return Text("")
    if not summary.shown:
        return Text(f"({summary.respondents})", style="dim")
    return Text(f"{summary.mean:.1f}")


def pulse_text(row: Any, summary: Any, today: dt.date) -> Text:
    """The pulse line under the running list, for the selected meeting."""
    if row is None or row.status == "cancelled":
        return Text("")
    if row.on > today:
        return Text("Pulse: members can say how useful it was once it is held.", style="dim")
    text = Text("Pulse: ", style="bold")
    if summary is None or summary.respondents == 0:
        text.append("nobody has said how useful it was yet; r gives an anonymous pulse.")
        return text
    if not summary.shown:
        text.append(f"{summary.respondents} answered (r adds yours). ")
        text.append(summary.message, style="dim")
        return text
    spread = "  ".join(f"{n}:{count}" for n, count in enumerate(summary.distribution, start=1))
    text.append(f"mean {summary.mean:.1f} of 5 from {summary.respondents} · {spread} · r: yours")
    for line in summary.lines:
        text.append("\n  “")
        text.append_text(one_line(line, 72))
        text.append("”")
    return text


class SearchScreen(FitsTables, DbWork, Screen):
    FLEXIBLE = {"hits": {"snippet": 20}}
    CSS_PATH = "tracking.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static(
                Text(
                    "Search minutes, decisions, action items (also by owner) and topics (all groups)",
                    style="bold",
                )
            )
            yield Input(placeholder="words to find; enter to search", id="query")
            yield Static("", id="search-status")
            yield DataTable(id="hits", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.query_one("#hits", DataTable)
        t.add_column("Date", width=10, key="date")
        t.add_column("Kind", width=9, key="kind")
        t.add_column("Where it matched", width=54, key="snippet")
        self.query_one("#query", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from peergroup.services import search as search_svc

        query = event.value
        self.query_one("#search-status", Static).update(Text("Searching…", style="dim"))
        self.run_db(
            lambda session: search_svc.search(session, query, limit=SEARCH_LIMIT),
            self._show,
            failed=self._failed,
            group="search",
            exclusive=True,
        )

    def _failed(self, exc: Exception) -> None:
        self._show([], str(exc))

    def _show(self, hits: list[Any], error: str | None = None) -> None:
        t = self.query_one("#hits", DataTable)
        t.clear()
        for i, h in enumerate(hits):
            t.add_row(f"{h.on:%Y-%m-%d}", h.kind, one_line(h.snippet), key=f"{h.meeting_id}:{i}")
        status = error or (
            f"{len(hits)} match(es) · tab to the list, enter there opens the meeting · "
            "enter here searches again"
            if hits
            else "No matches."
        )
        self.query_one("#search-status", Static).update(literal(status))
        self.call_after_refresh(self.fit_tables)
        # Focus stays in the query: refine and press enter again, or tab to the hits.

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        meeting_id = int(event.row_key.value.split(":")[0])
        self.app.open_meeting(meeting_id)

    def action_back(self) -> None:
        self.app.pop_screen()


class MyItemsScreen(FitsTables, DbWork, Screen):
    """ "My open action items": choose a member, see what they owe, close items."""

    FLEXIBLE = {"items": {"text": 18}}

    CSS_PATH = "tracking.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding(
            "left_square_bracket", "previous", "Prev", key_display="[", tooltip="Previous member"
        ),
        Binding("right_square_bracket", "next", "Next", key_display="]", tooltip="Next member"),
        Binding("t", "toggle", "Done", tooltip="Mark the selected item done"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: Any = None  # services.actions.MyItems
        self.member_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="items-head")
        yield DataTable(id="items", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.query_one("#items", DataTable)
        t.add_column("Action item", width=40, key="text")
        t.add_column("Raised", width=10, key="raised")
        t.add_column("Due", width=10, key="due")
        t.add_column("Status", width=8, key="status")
        self.refresh_data()

    def refresh_data(self) -> None:
        from peergroup.services import actions as actions_svc

        group_id, member_id, today = self.app.group_id, self.member_id, self.app.clock.today()
        self.run_db(
            lambda session: actions_svc.my_items(session, group_id, member_id, today),
            self._show,
            group="my-items",
            exclusive=True,
        )

    def _show(self, view: Any) -> None:
        self.view, self.member_id = view, view.member_id
        t = self.query_one("#items", DataTable)
        t.clear()
        if view.member_id is None:
            self.query_one("#items-head", Static).update("No members yet.")
            return
        head = Text("Open action items of ", style="bold")
        head.append_text(literal(view.member_name, "bold"))
        head.append(f"  ({len(view.rows)}; [ and ] switch member)", style="dim")
        self.query_one("#items-head", Static).update(head)
        for r in view.rows:
            t.add_row(
                one_line(r.text),
                f"{r.raised_on}",
                f"{r.due or ''}",
                Text("OVERDUE" if r.overdue else r.status, style="bold red" if r.overdue else ""),
                key=str(r.id),
            )
        self.call_after_refresh(self.fit_tables)

    def action_previous(self) -> None:
        self._step_member(-1)

    def action_next(self) -> None:
        self._step_member(1)

    def _step_member(self, step: int) -> None:
        if self.view is None or not self.view.members:
            return
        ids = [m.member_id for m in self.view.members]
        at = ids.index(self.member_id) if self.member_id in ids else 0
        self.member_id = ids[(at + step) % len(ids)]
        self.refresh_data()

    def action_toggle(self) -> None:
        from peergroup.services import actions as actions_svc

        item_id = selected_id(self.query_one("#items", DataTable))
        if item_id is None:
            return

        def done(_item: Any) -> None:
            self.notify("Marked done.")
            self.refresh_data()

        self.run_db(
            lambda session: actions_svc.close_action_item(session, item_id, "done").id,
            done,
            write=True,
        )

    def action_back(self) -> None:
        self.app.pop_screen()


class ExportMinutesDialog(ExportFileDialog):
    """The minutes of one meeting (from its screen) or of a range of dates, as Markdown."""

    def __init__(self, day: dt.date | None = None, group_id: int | None = None) -> None:
        super().__init__()
        self.day = day  # one meeting's date, or None for a range
        self.group_id = group_id  # the meeting's group (search can open another group's meeting)
        self.title_text = (
            f"Export the minutes of {day:%a} {day.day} {day:%b %Y} as Markdown"
            if day
            else "Export minutes as Markdown (for e-mail or a shared drive)"
        )

    def fields(self) -> list[FormField]:
        day = self.day.isoformat() if self.day else ""
        name = f"minutes-{day}.md" if day else "minutes.md"
        return [
            FormField("start", "From", day, placeholder="YYYY-MM-DD (empty: from the start)"),
            FormField("end", "To", day, placeholder="YYYY-MM-DD (empty: up to today)"),
            FormField("path", "Save as", str(default_folder() / name)),
        ]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[str, str]:
        from peergroup.export import minutes_md
        from peergroup.services import groups as groups_svc
        from peergroup.services import validate

        start = validate.parse_date("start", values["start"])
        end = validate.parse_date("end", values["end"])
        group = groups_svc.get_group(session, self.group_id or self.app.group_id)
        text, count = minutes_md.minutes_document(session, group, start=start, end=end)
        return text, f"Wrote the minutes of {count} meeting(s) to"
