"""Step 7: outside experts. The roster (linked to topics) and each expert's
invitations, to a meeting or for input between meetings, through the pipeline
idea -> invited -> confirmed -> attended (or declined).

Two lists: a, e and d act on the one that has the focus (tab switches); t
moves the selected invitation one step along. Everything shown comes from
``expert_views.experts_view`` (read in a worker).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog
from .widgets.form import FormDialog, FormField
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from sqlmodel import Session

    from peergroup.services.expert_views import ExpertRow, ExpertsView, InvitationRow

DIALOG_CSS = str(Path(__file__).parent / "dialogs" / "topics.tcss")
STATUS_STYLE = {
    "idea": "dim",
    "invited": "yellow",
    "confirmed": "green",
    "declined": "red",
    "attended": "bold green",
}


class ExpertsScreen(StepScreen):
    step_key = "experts"
    CSS_PATH = "experts.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),
        Binding("a", "add('expert')", "Add expert"),
        Binding("a", "add('invitation')", "Invite"),
        Binding("e", "edit", "Edit"),
        Binding("t", "toggle", "Next status"),
        Binding("d", "remove", "Remove"),
    ]
    view: ExpertsView | None = None

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="experts-flags")
        yield DataTable(id="experts", cursor_type="row")
        yield Static("Invitations (tab)", classes="muted", id="invitations-label")
        yield DataTable(id="invitations", cursor_type="row")
        yield Static("", id="expert-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        t = self.query_one("#experts", DataTable)
        t.add_column("Expert", width=22, key="name")
        t.add_column("Affiliation", width=26, key="affiliation")
        t.add_column("Topics", width=22, key="topics")
        i = self.query_one("#invitations", DataTable)
        i.add_column("Expert", width=18, key="expert")
        i.add_column("When", width=22, key="when")
        i.add_column("Status", width=9, key="status")
        i.add_column("Topic", width=20, key="topic")

    def load(self, session: Session, group_id: int, today: dt.date) -> ExpertsView:
        from peergroup.services import expert_views

        return expert_views.experts_view(session, group_id, today)

    def show(self, view: ExpertsView) -> None:
        self.view = view
        flags = Text()
        if view.flagged:
            flags.append("⚑ Wanted, needs outside input, no expert yet: ", "bold red")
            flags.append_text(one_line(", ".join(view.flagged), 120))
        elif not view.experts:
            flags.append("No experts yet: press a to add one.", "yellow")
        self.query_one("#experts-flags", Static).update(flags)

        t = self.query_one("#experts", DataTable)
        keep = t.cursor_row
        t.clear()
        for e in view.experts:
            t.add_row(
                one_line(e.name, 22),
                one_line(e.affiliation, 26, "dim"),
                one_line(", ".join(e.topics), 22),
                key=str(e.expert_id),
            )
        restore_cursor(t, keep)

        i = self.query_one("#invitations", DataTable)
        keep = i.cursor_row
        i.clear()
        for r in view.invitations:
            status = Text(r.status, STATUS_STYLE.get(r.status, ""))
            if r.follow_up:
                status = Text(f"{r.status}!", "bold red")
            i.add_row(
                one_line(r.expert, 18),
                one_line(r.when, 22),
                status,
                one_line(r.topic, 20, "dim"),
                key=str(r.invitation_id),
            )
        restore_cursor(i, keep)
        self._show_detail()

    # --- which list is in use ---------------------------------------------------

    def _on_invitations(self) -> bool:
        return self.focused is self.query_one("#invitations", DataTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add" and parameters:
            return (parameters[0] == "invitation") == self._on_invitations()
        if action == "toggle":
            return self._on_invitations()
        return True

    def on_descendant_focus(self, event: Any) -> None:
        self.refresh_bindings()
        self._show_detail()

    def _expert(self) -> ExpertRow | None:
        eid = selected_id(self.query_one("#experts", DataTable))
        return (
            next((e for e in self.view.experts if e.expert_id == eid), None) if self.view else None
        )

    def _invitation(self) -> InvitationRow | None:
        iid = selected_id(self.query_one("#invitations", DataTable))
        rows = self.view.invitations if self.view else ()
        return next((r for r in rows if r.invitation_id == iid), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        text = Text()
        if self._on_invitations():
            r = self._invitation()
            if r is not None:
                dates = [
                    f"invited {r.invited_on:%d %b %Y}" if r.invited_on else "",
                    f"answered {r.answered_on:%d %b %Y}" if r.answered_on else "",
                ]
                text.append(" · ".join(d for d in dates if d) or "not asked yet", "bold")
                if r.follow_up:
                    text.append("  no answer and the meeting is close: follow up", "bold red")
                if r.next_status:
                    text.append(f"  (t: {r.next_status})", "dim")
                text.append("\n")
                text.append_text(literal(r.note, "italic"))
        elif (e := self._expert()) is not None:
            text.append_text(literal(e.expertise or "(expertise not given)", "bold"))
            if e.email:
                text.append("  ")
                text.append_text(literal(e.email))
            text.append("\n")
            text.append_text(literal(e.notes, "italic"))
        self.query_one("#expert-detail", Static).update(text)

    # --- actions ------------------------------------------------------------------

    def action_add(self, what: str) -> None:
        group_id = self.app.group_id
        if what == "expert":
            self.app.push_screen(ExpertDialog(group_id, None), self.after_dialog)
            return
        if self.view is not None and not self.view.experts:
            self.notify("Add an expert to the roster first (tab back, a).", severity="warning")
            return
        chosen = self._expert()
        self.app.push_screen(
            InvitationDialog(group_id, None, chosen.expert_id if chosen else None),
            self.after_dialog,
        )

    def action_edit(self) -> None:
        group_id = self.app.group_id
        if self._on_invitations():
            if (r := self._invitation()) is not None:
                self.app.push_screen(
                    InvitationDialog(group_id, r.invitation_id, r.expert_id, r.expert),
                    self.after_dialog,
                )
        elif (e := self._expert()) is not None:
            self.app.push_screen(ExpertDialog(group_id, e.expert_id, e.name), self.after_dialog)

    def action_toggle(self) -> None:
        from peergroup.services import experts

        r = self._invitation()
        if r is None:
            return
        today = self.app.clock.today()
        self.run_db(lambda s: experts.advance(s, r.invitation_id, today), self._changed, write=True)

    def action_remove(self) -> None:
        from peergroup.services import experts

        if self._on_invitations():
            r = self._invitation()
            if r is None:
                return
            question = f"Remove the invitation of {r.expert} ({r.when})?"
            job: Any = lambda s: experts.remove_invitation(s, r.invitation_id)  # noqa: E731
        else:
            e = self._expert()
            if e is None:
                return
            question = f"Remove {e.name} and their invitations from the roster?"
            job = lambda s: experts.remove_expert(s, e.expert_id)  # noqa: E731

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_db(job, self._changed, write=True)

        self.app.push_screen(ConfirmDialog(question, "Remove", "Keep"), answered)

    def _changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self.refresh_data()


class ExpertDialog(FormDialog[int]):
    """An expert on the roster, with the topics they can speak to (space ticks one)."""

    CSS_PATH = [FormDialog.CSS_PATH, DIALOG_CSS]

    def __init__(self, group_id: int, expert_id: int | None, name: str = "") -> None:
        super().__init__()
        self.group_id = group_id
        self.expert_id = expert_id
        self.title_text = "A new outside expert" if expert_id is None else f"Edit: {name}"

    def load(self, session: Session) -> Any:
        from peergroup.services import expert_views

        return expert_views.expert_form(session, self.group_id, self.expert_id)

    def fields(self) -> list[FormField]:
        f = self.data
        return [
            FormField("name", "Name", f.name, placeholder="e.g. Dr. Lena Ortiz"),
            FormField("affiliation", "Affiliation", f.affiliation),
            FormField("expertise", "Expertise", f.expertise),
            FormField("email", "E-mail", f.email, placeholder="name@example.org"),
            FormField("topic_ids", "Topics", f.topic_ids, "multi", list(f.topics)),
            FormField("notes", "Notes", f.notes, "text"),
        ]

    def _widget(self, f: FormField):  # noqa: ANN202
        if f.kind == "multi":
            chosen = set(f.value or ())
            return SelectionList(
                *(Selection(literal(label), value, value in chosen) for label, value in f.options),
                id=f"field-{f.name}",
                classes="form-multi",
            )
        return super()._widget(f)

    def values(self) -> dict[str, Any]:
        multi = [f for f in self._fields if f.kind == "multi"]
        kept, self._fields = self._fields, [f for f in self._fields if f.kind != "multi"]
        try:
            out = super().values()
        finally:
            self._fields = kept
        for f in multi:
            out[f.name] = tuple(sorted(self.query_one(f"#field-{f.name}", SelectionList).selected))
        return out

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import experts

        return experts.save_expert(
            session,
            self.group_id,
            self.expert_id,
            experts.ExpertInput(
                name=values["name"],
                affiliation=values["affiliation"],
                expertise=values["expertise"],
                email=values["email"],
                notes=values["notes"],
                topic_ids=values["topic_ids"],
            ),
        )

    def saved(self, result: int) -> None:
        self.app.notify("Expert saved. Tab to the invitations and press a to invite them.")


class InvitationDialog(FormDialog[int]):
    CSS_PATH = [FormDialog.CSS_PATH, DIALOG_CSS]

    def __init__(
        self, group_id: int, invitation_id: int | None, expert_id: int | None, name: str = ""
    ) -> None:
        super().__init__()
        self.group_id = group_id
        self.invitation_id = invitation_id
        self.expert_id = expert_id
        self.title_text = (
            "Invite an outside expert" if invitation_id is None else f"The invitation of {name}"
        )

    def load(self, session: Session) -> Any:
        from peergroup.services import expert_views

        return expert_views.invitation_form(
            session, self.group_id, self.invitation_id, self.expert_id, self.app.clock.today()
        )

    def fields(self) -> list[FormField]:
        f = self.data
        return [
            FormField("expert", "Expert", f.expert_id, "select", list(f.experts)),
            FormField("meeting", "To", f.meeting_id, "select", list(f.meetings)),
            FormField("topic", "Topic", f.topic_id, "select", list(f.topics), allow_blank=True),
            FormField("status", "Status", f.status, "select", list(f.statuses)),
            FormField(
                "due_on",
                "Input by",
                f.due_on,
                placeholder="YYYY-MM-DD",
                hint="Between meetings only: when the group needs their input.",
            ),
            FormField("note", "Note", f.note, "text"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import experts

        return experts.save_invitation(
            session,
            self.group_id,
            self.invitation_id,
            experts.InvitationInput(
                expert_id=values["expert"],
                meeting_id=values["meeting"] or None,
                topic_id=values["topic"],
                status=values["status"] or "idea",
                due_on=values["due_on"],
                note=values["note"],
            ),
            self.app.clock.today(),
        )

    def saved(self, result: int) -> None:
        self.app.notify("Invitation saved; a confirmed expert shows on the meeting's agenda.")
