"""Step 1: the characteristics members share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Static, TextArea

from .safe import literal
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog

if TYPE_CHECKING:  # pragma: no cover
    from peergroup.services.peer import PeerView


class PeerScreen(StepScreen):
    step_key = "peer"
    CSS_PATH = "peer.tcss"
    AUTO_FOCUS = "Input"
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True)]

    def compose(self) -> ComposeResult:
        from peergroup.services.peer import TRAIT_KINDS

        yield from self.heading()
        with VerticalScroll(id="peer-form"):
            yield Static(
                "Separate several values with ';'. Leave a line empty if it does not apply.",
                classes="muted",
            )
            for kind, label in TRAIT_KINDS.items():
                with Horizontal(classes="trait-row"):
                    yield Label(literal(label), classes="trait-label")
                    yield Input(id=f"trait-{kind}", compact=True)
            yield Label("In our own words", classes="trait-label")
            yield TextArea(id="free-text", compact=True)
            yield Static("", id="peer-error")
            yield Static("", id="peer-preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._saved: dict[str, str] | None = None  # what the database holds, as on screen
        self._saving = False
        self._submitted: dict[str, str] = {}

    def load(self, session: Any, group_id: int, today: Any) -> PeerView:
        from peergroup.services import peer as peer_svc

        return peer_svc.peer_view(session, group_id)

    def show(self, view: PeerView) -> None:
        stored = self._as_fields(view)
        # Fill the fields only while they hold nothing unsaved: a refresh (after a
        # dialog above closed, or a save) must never throw away what is typed.
        if self._saved is None or self._snapshot() == self._saved:
            for kind, value in stored.items():
                if kind == "free_text":
                    self.query_one("#free-text", TextArea).text = value
                else:
                    self.query_one(f"#trait-{kind}", Input).value = value
        self._saved = stored
        self.query_one("#peer-preview", Static).update(literal(view.sentence, "italic"))

    @staticmethod
    def _as_fields(view: PeerView) -> dict[str, str]:
        fields = {kind: "; ".join(values) for kind, values in view.traits.items()}
        fields["free_text"] = view.note
        return fields

    def _snapshot(self) -> dict[str, str]:
        from peergroup.services.peer import TRAIT_KINDS

        snap = {k: self.query_one(f"#trait-{k}", Input).value for k in TRAIT_KINDS}
        snap["free_text"] = self.query_one("#free-text", TextArea).text
        return snap

    def action_save(self) -> None:
        # Save after the focused field has taken any keys still queued for it.
        (self.focused or self).call_later(self._save)

    def _save(self) -> None:
        from peergroup.services import peer as peer_svc

        if self._saving or self.app.group_id is None:
            return
        self._saving = True
        snap = self._snapshot()
        self._submitted = dict(snap)
        free = snap.pop("free_text")
        group_id = self.app.group_id
        self.query_one("#peer-error", Static).update(Text("Saving…", style="dim"))
        self.run_db(
            lambda session: peer_svc.save_definition(session, group_id, snap, free),
            self._saved_definition,
            write=True,
            failed=self._save_failed,
            group="peer-save",
        )

    def _saved_definition(self, view: PeerView) -> None:
        self._saving = False
        self.query_one("#peer-error", Static).update("")
        if self._snapshot() == self._submitted:
            self._saved = None  # show what is stored now (normalised spacing)
        self.show(view)
        self.notify("Saved the definition of 'peer'.")

    def _save_failed(self, exc: Exception) -> None:
        from peergroup.errors import InputError
        from peergroup.services.peer import TRAIT_KINDS

        self._saving = False
        if not isinstance(exc, InputError):
            self.query_one("#peer-error", Static).update(Text(str(exc), style="bold red"))
            return
        label = TRAIT_KINDS.get(
            exc.field, "In our own words" if exc.field == "free_text" else exc.field
        )
        self.query_one("#peer-error", Static).update(
            Text(f"{label}: {exc.message}", style="bold red")
        )

    title_text = "the definition of peer"

    def has_unsaved(self) -> bool:
        return self._saved is not None and self._snapshot() != self._saved

    def action_back(self) -> None:
        if not self.has_unsaved():
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog("You have unsaved changes. Leave without saving them?", "Leave", "Stay"),
            answered,
        )
