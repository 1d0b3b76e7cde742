"""Choosing between groups in one database, and creating a group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .base import DbWork
from .safe import literal
from .widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.groups import GroupChoice


class GroupSwitcher(DbWork, ModalScreen[int | str | None]):
    CSS_PATH = "groups.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("a", "add", "New group")]

    def compose(self) -> ComposeResult:
        with Vertical(id="switcher"):
            yield Static("Choose a group (enter), or a to add a new one", classes="step-heading")
            yield OptionList(Option("Loading…", disabled=True), id="group-list")

    def on_mount(self) -> None:
        from peergroup.services import groups as groups_svc

        self.run_db(groups_svc.group_choices, self._show)

    def _show(self, groups: list[GroupChoice]) -> None:
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(literal(g.name), id=str(g.id)) for g in groups])
        ol.add_option(Option("+ New group…", id="new"))
        for i in range(ol.option_count):
            if ol.get_option_at_index(i).id == str(self.app.group_id):
                ol.highlighted = i

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id
        self.dismiss("new" if oid == "new" else int(oid))

    def action_add(self) -> None:
        self.dismiss("new")

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewGroupDialog(FormDialog[int]):
    def __init__(self, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run
        self.title_text = (
            "Welcome to Peergroup. Start by naming your peer mentorship group."
            if first_run
            else "New group"
        )

    def fields(self) -> list[FormField]:
        from peergroup.calendar.recurrence import machine_timezone

        return [
            FormField(
                "name", "Group name", placeholder="e.g. Junior Clinician-Educators Peer Group"
            ),
            FormField(
                "timezone",
                "Time zone",
                machine_timezone(),
                hint="Where the group meets (IANA name, e.g. America/New_York).",
            ),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        if self.first_run:
            self.query_one("#form-extra", Static).update(
                literal(
                    "The roadmap then leads you step by step: who counts as a peer, members, "
                    "goals and a mission, then six months of meetings."
                )
            )

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import groups as groups_svc

        return groups_svc.new_group(session, values["name"], values["timezone"])
