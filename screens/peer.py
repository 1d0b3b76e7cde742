"""Step 1: the characteristics members share."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Static, TextArea

from .safe import literal
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog


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
        yield Footer()

    def refresh_data(self) -> None:
        from peergroup.services import peer as peer_svc

        with self.app.db.write() as session:
            group = self.group(session)
            traits = peer_svc.traits(session, group)
            note = group.peer_note
            sentence = peer_svc.definition_sentence(session, group)
        for kind, values in traits.items():
            self.query_one(f"#trait-{kind}", Input).value = "; ".join(values)
        self.query_one("#free-text", TextArea).text = note
        self.query_one("#peer-preview", Static).update(literal(sentence, "italic"))
        self._saved = self._snapshot()

    def _snapshot(self) -> dict[str, str]:
        from peergroup.services.peer import TRAIT_KINDS

        snap = {k: self.query_one(f"#trait-{k}", Input).value for k in TRAIT_KINDS}
        snap["free_text"] = self.query_one("#free-text", TextArea).text
        return snap

    def action_save(self) -> None:
        # Save after the focused field has taken any keys still queued for it.
        (self.focused or self).call_later(self._save)

    def _save(self) -> None:
        from peergroup.errors import InputError
        from peergroup.services import peer as peer_svc

        snap = self._snapshot()
        free = snap.pop("free_text")
        try:
            with self.app.db.write() as session:
                peer_svc.set_definition(session, self.group(session), snap, free)
        except InputError as exc:
            from peergroup.services.peer import TRAIT_KINDS

            label = TRAIT_KINDS.get(
                exc.field, "In our own words" if exc.field == "free_text" else exc.field
            )
            self.query_one("#peer-error", Static).update(
                Text(f"{label}: {exc.message}", style="bold red")
            )
            return
        self.query_one("#peer-error", Static).update("")
        self.notify("Saved the definition of 'peer'.")
        self.refresh_data()

    def action_back(self) -> None:
        if self._snapshot() == getattr(self, "_saved", None):
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog("You have unsaved changes. Leave without saving them?", "Leave", "Stay"),
            answered,
        )
