"""Step 2: one-on-one pair check-ins between group meetings, booked ahead.

Everything shown comes from ``pairs.pairs_view`` (read in a worker); changes go
through the dialogs' ``save`` or ``run_db(write=True)``. The pair's notes are
read only in ``NotesDialog``, through ``pair_notes`` (which hides them from
anyone but the two of them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from sqlmodel import Session

    from peergroup.services.journal_crypto import Unlocked
    from peergroup.services.pair_notes import NotesAccess, NotesForm
    from peergroup.services.pairs import CheckinForm, CheckinRow, PairsView, Proposal, RoundView

STATUS_STYLE = {"planned": "yellow", "done": "green", "not-held": "dim"}


def _when(row: CheckinRow) -> str:
    if row.on is None:
        return "no date yet"
    return f"{row.on:%a %d %b}" + (f" {row.at:%H:%M}" if row.at else "")


def _round_line(r: RoundView) -> Text:
    text = Text(f"Round {r.number}", style="bold")
    text.append(
        f" · cycle {r.cycle}, round {r.position} of {r.rounds_in_cycle} · between the "
        f"meetings of {r.after_on:%a %d %b} and {r.before_on:%a %d %b %Y}"
    )
    if r.sitting_out:
        text.append(" · sitting out: ")
        text.append_text(literal(r.sitting_out))
    return text


class PairsScreen(StepScreen):
    step_key = "membership"
    CSS_PATH = "pairs.tcss"
    BINDINGS = [
        Binding("g", "plan", "Plan round", tooltip="Propose the pairs for the next gap"),
        Binding("e", "edit", "Date", tooltip="The date (and time, place) the pair chose"),
        Binding("t", "toggle", "Held", tooltip="Done, not held, or still planned"),
        Binding("enter", "notes", "Notes", tooltip="The pair's private notes"),
        Binding("h", "history", "History", tooltip="Earlier rounds, or back to this one"),
        Binding(
            "d", "remove", "Take back", show=False, tooltip="Take back the latest round (asks)"
        ),
    ]
    view: PairsView | None = None
    history = False

    def compose(self) -> ComposeResult:
        yield Static(
            Text("One-on-one check-ins between group meetings", style="bold"),
            classes="step-heading",
        )
        yield Static(
            "Pairs rotate so everyone meets everyone once per cycle. Each pair picks its "
            "own date; notes (enter) are private to the two of them.",
            classes="muted",
        )
        yield Static("", id="round")
        yield DataTable(id="pairs", cursor_type="row")
        yield Footer(compact=True)

    def load(self, session: Session, group_id: int, today: dt.date) -> PairsView:
        from peergroup.services import pairs

        return pairs.pairs_view(session, group_id, today)

    def show(self, view: PairsView) -> None:
        self.view = view
        table = self.query_one("#pairs", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        head = self.query_one("#round", Static)
        if self.history:
            head.update(
                Text(f"Earlier rounds ({len(view.past)}) · h: back to the current round")
                if view.past
                else Text("No earlier rounds yet · h: back to the current round")
            )
            table.add_column("Round", width=5)
            table.add_column("Pair", width=34)
            table.add_column("When", width=16)
            table.add_column("Status", width=8)
            for r in view.past:
                for c in r.checkins:
                    table.add_row(
                        str(r.number), one_line(c.pair, 34), _when(c), c.status_label,
                        key=str(c.checkin_id),
                    )  # fmt: skip
        else:
            current = view.current
            head.update(
                _round_line(current)
                if current
                else Text("No round yet: press g to propose pairs for the next gap.")
            )
            table.add_column("Pair", width=34)
            table.add_column("When", width=16)
            table.add_column("Place", width=12)
            table.add_column("Status", width=8)
            for c in current.checkins if current else ():
                table.add_row(
                    one_line(c.pair, 34),
                    _when(c),
                    one_line(c.place, 12),
                    Text(c.status_label, style=STATUS_STYLE.get(c.status, "")),
                    key=str(c.checkin_id),
                )
        restore_cursor(table, keep)

    def _selected(self) -> CheckinRow | None:
        cid = selected_id(self.query_one("#pairs", DataTable))
        if cid is None or self.view is None:
            self.notify("No pair selected: propose a round first (g).", severity="warning")
            return None
        rounds = [*([self.view.current] if self.view.current else []), *self.view.past]
        return next((c for r in rounds for c in r.checkins if c.checkin_id == cid), None)

    def action_history(self) -> None:
        self.history = not self.history
        if self.view is not None:
            self.show(self.view)

    def action_plan(self) -> None:
        from peergroup.services import pairs

        app: Any = self.app  # the PeergroupApp (its attributes are not on App's type)
        group_id, today = app.group_id, app.clock.today()
        self.run_db(
            lambda s: pairs.propose(s, group_id, today),
            lambda proposal: self.app.push_screen(
                ProposeDialog(group_id, proposal), self._round_saved
            ),
        )

    def _round_saved(self, result: object) -> None:
        self.history = False
        self.after_dialog(result)

    def action_remove(self) -> None:
        from .widgets.confirm import ConfirmDialog

        current = self.view.current if self.view else None
        if current is None:
            self.notify("There is no round to take back.", severity="warning")
            return
        question = (
            f"Take back round {current.number} (between {current.after_on:%d %b} and "
            f"{current.before_on:%d %b})? Its pairs are forgotten; the rotation proposes it again."
        )
        self.app.push_screen(ConfirmDialog(question, "Take back", "Keep it"), self._remove)

    def _remove(self, yes: bool | None) -> None:
        from peergroup.services import pairs

        if not yes:
            return
        app: Any = self.app
        group_id = app.group_id
        self.run_db(
            lambda s: pairs.remove_latest_round(s, group_id),
            self._removed,
            write=True,
        )

    def _removed(self, number: int) -> None:
        self.notify(f"Round {number} taken back.", markup=False)
        self.refresh_data()

    def action_edit(self) -> None:
        if (row := self._selected()) is not None:
            self.app.push_screen(DateDialog(row.checkin_id), self.after_dialog)

    def action_toggle(self) -> None:  # type: ignore[override]
        from peergroup.services import pairs

        if (row := self._selected()) is None:
            return
        self.run_db(
            lambda s: pairs.toggle_status(s, row.checkin_id),
            self._toggled,
            write=True,
            group="pair-status",
        )

    def _toggled(self, row: CheckinRow) -> None:
        self.notify(f"{row.pair}: {row.status_label}.", markup=False)
        self.refresh_data()

    def action_notes(self) -> None:
        """The pair's notes; with a journal passphrase, the journal is unlocked first."""
        from peergroup.services import pair_notes

        from .journal import journal_session

        if (row := self._selected()) is None:
            return
        app: Any = self.app
        path, keys = app.db.path, journal_session(app).keys

        def open_notes() -> None:
            self.app.push_screen(NotesDialog(row.checkin_id, path, dict(keys)), self.after_dialog)

        def unlocked(key: Any) -> None:
            if key is not None:
                keys[key.member_id] = key
                open_notes()

        def decide(a: NotesAccess) -> None:
            if a.needs_passphrase and a.owner_id is not None and a.owner_id not in keys:
                from .dialogs.reflection import UnlockDialog

                self.app.push_screen(UnlockDialog(a.owner_id, a.owner_name), unlocked)
            else:
                open_notes()

        self.run_db(lambda s: pair_notes.access(s, row.checkin_id, path), decide)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_notes()


class ProposeDialog(FormDialog[int]):
    """A preview of the next round; ctrl+s saves it as it is shown."""

    def __init__(self, group_id: int, proposal: Proposal) -> None:
        super().__init__()
        self.group_id = group_id
        self.proposal = proposal
        self.title_text = (
            f"Round {proposal.number} of one-on-ones, between the meetings of "
            f"{proposal.after_on:%a %d %b} and {proposal.before_on:%a %d %b %Y}"
        )

    def fields(self) -> list[FormField]:
        return []

    def ready(self) -> None:
        p = self.proposal
        text = Text(
            f"Cycle {p.cycle}, round {p.cycle_position + 1} of {p.rounds_in_cycle}. "
            "Save (ctrl+s) to keep these pairs:\n"
        )
        for pair in p.pairs:
            text.append("  • ")
            text.append_text(literal(pair.label))
            text.append("\n")
        if p.sitting_out:
            text.append("Sitting out this round: ")
            text.append_text(literal(p.sitting_out))
            text.append("\n")
        if p.skipped:
            text.append("Away for part of this gap, so not paired: ")
            text.append_text(literal(", ".join(p.skipped)))
        self.query_one("#form-extra", Static).update(text)

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import pairs

        return pairs.accept(session, self.group_id, self.proposal)

    def saved(self, result: int) -> None:
        self.app.notify(
            f"Round {self.proposal.number} saved: each pair now picks its date (e).",
            markup=False,
        )


class DateDialog(FormDialog["CheckinRow"]):
    def __init__(self, checkin_id: int) -> None:
        super().__init__()
        self.checkin_id = checkin_id
        self.title_text = "When the pair meets one-on-one"

    def load(self, session: Session) -> CheckinForm:
        from peergroup.services import pairs

        return pairs.checkin_form(session, self.checkin_id)

    def fields(self) -> list[FormField]:
        form: CheckinForm = self.data
        return [
            FormField("on", "Date", form.on, placeholder="YYYY-MM-DD", hint=form.hint),
            FormField("at", "Time", form.at, placeholder="optional, e.g. 12:30"),
            FormField("place", "Place", form.place, placeholder="optional"),
        ]

    def ready(self) -> None:
        self.query_one("#form-title", Static).update(literal(self.data.title))

    def save(self, session: Session, values: dict[str, Any]) -> CheckinRow:
        from peergroup.services import pairs

        return pairs.set_date(session, self.checkin_id, values["on"], values["at"], values["place"])

    def saved(self, result: CheckinRow) -> None:
        self.app.notify(
            f"{result.pair} meet on {_when(result)}; it is in both their calendars.",
            markup=False,
        )


class NotesDialog(FormDialog[int]):
    """The pair's own notes; nobody else is shown them (the service checks who this copy is)."""

    def __init__(self, checkin_id: int, db_path: Any, keys: dict[int, Unlocked]) -> None:
        super().__init__()
        self.checkin_id = checkin_id
        self.db_path = db_path
        self.keys = keys  # journal keys unlocked in this session (in memory only)
        self.title_text = "Private notes of this check-in"

    def load(self, session: Session) -> NotesForm:
        from peergroup.services import pair_notes

        return pair_notes.notes_form(session, self.checkin_id, self.db_path, self.keys)

    def fields(self) -> list[FormField]:
        form: NotesForm = self.data
        if not form.readable:
            return []
        return [FormField("notes", "Notes", form.text, "text")]

    def ready(self) -> None:
        form: NotesForm = self.data
        self.query_one("#form-title", Static).update(literal(form.title))
        extra = (
            form.reason
            if not form.readable
            else "Only the two of you can read these, and only here: they are in no "
            "calendar, export, report, search or group file."
            + (" Kept encrypted with your journal passphrase." if form.encrypted else "")
        )
        self.query_one("#form-extra", Static).update(literal(extra))
        self.query_one("#save").display = form.readable  # nothing to save for anyone else

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import pair_notes

        return pair_notes.save_notes(
            session, self.checkin_id, self.db_path, values.get("notes", ""), self.keys
        )
