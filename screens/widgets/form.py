"""A modal form: labelled fields, an error line, Save (ctrl+s) and Cancel (esc).

Subclasses describe their fields and implement ``save(session, values)``, which
calls services (in a worker thread) and returns the dialog's result. A
service's InputError is shown next to the field it names; the dialog stays
open and keeps what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from ..base import DbWork
from ..safe import literal

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

T = TypeVar("T")


@dataclass
class FormField:
    name: str
    label: str
    value: Any = ""
    kind: str = "input"  # input | select | text
    options: list[tuple[str, Any]] = field(default_factory=list)
    placeholder: str = ""
    hint: str = ""
    allow_blank: bool = False


class FormDialog(DbWork, ModalScreen[T], Generic[T]):
    """Base for every add/edit dialog.

    ``load(session)`` (optional) reads what the fields need, in a worker, before
    they are shown; ``fields()`` describes them (using ``self.data``);
    ``save(session, values)`` runs in a worker inside a write unit of work and
    returns the dialog's result. Nothing here touches the database on the UI
    thread. While a save is under way (or waiting for a lock held elsewhere) the
    form stays open with what was typed.
    """

    # Absolute, so subclasses in other modules still find it.
    CSS_PATH = str(Path(__file__).with_name("form.tcss"))
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    title_text: str = "Edit"
    data: Any = None
    WRITES = True  # False for dialogs that only read (exports): no write lock needed

    def load(self, session: Session) -> Any:  # runs in a worker
        return None

    def fields(self) -> list[FormField]:  # pragma: no cover - abstract
        raise NotImplementedError

    def save(self, session: Session, values: dict[str, Any]) -> T:  # runs in a worker
        raise NotImplementedError  # pragma: no cover - abstract

    def saved(self, result: T) -> None:
        """After a successful save, on the UI thread (e.g. a notification)."""

    def ready(self) -> None:
        """Once the fields are shown (UI thread; ``self.data`` is loaded), e.g. to
        fill ``#form-extra`` with what the dialog is about."""

    def _needs_load(self) -> bool:
        return type(self).load is not FormDialog.load

    def compose(self) -> ComposeResult:
        self._fields: list[FormField] = []
        self._saving = False
        self._is_ready = False  # saving waits until the loaded fields are shown
        with VerticalScroll(id="form"):
            yield Static(literal(self.title_text), id="form-title")
            with Vertical(id="form-fields"):
                if self._needs_load():
                    yield Static("Loading…", classes="muted", id="form-loading")
                else:
                    yield from self._rows()
            yield Static("", id="form-error")
            yield Static("", id="form-extra")
            with Horizontal(id="form-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def _rows(self) -> ComposeResult:
        self._fields = self.fields()
        for f in self._fields:
            with Horizontal(classes="form-row", id=f"row-{f.name}"):
                yield Label(literal(f.label), classes="form-label")
                yield self._widget(f)
            if f.hint:
                yield Static(literal(f.hint), classes="form-hint")

    def on_mount(self) -> None:
        if self._needs_load():
            self.run_db(self.load, self._loaded, failed=self._load_failed)
        else:
            self._ready()

    async def _loaded(self, data: Any) -> None:
        self.data = data
        box = self.query_one("#form-fields", Vertical)
        await box.remove_children()
        await box.mount_compose(self._rows())
        self._ready()

    def _load_failed(self, exc: Exception) -> None:
        self.query_one("#form-fields", Vertical).remove_children()
        self.show_error(None, str(exc))

    def _ready(self) -> None:
        self._initial = self.values()
        self._is_ready = True
        self.ready()
        for widget in self.query("#form-fields Input, #form-fields Select, #form-fields TextArea"):
            widget.focus()
            break

    def _widget(self, f: FormField):  # noqa: ANN202
        wid = f"field-{f.name}"
        if f.kind == "select":
            options = [(literal(label), value) for label, value in f.options]
            value = f.value if any(v == f.value for _, v in f.options) else Select.NULL
            return Select(
                options,
                value=value,
                id=wid,
                allow_blank=f.allow_blank or value is Select.NULL,
                compact=True,
            )
        if f.kind == "text":
            return TextArea(str(f.value or ""), id=wid, classes="form-text", compact=True)
        return Input(str(f.value or ""), placeholder=f.placeholder, id=wid, compact=True)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self._fields:
            w = self.query_one(f"#field-{f.name}")
            if isinstance(w, Select):
                out[f.name] = None if w.value is Select.NULL else w.value
            elif isinstance(w, TextArea):
                out[f.name] = w.text
            else:
                out[f.name] = w.value
        return out

    def show_error(self, field_name: str | None, message: str) -> None:
        for row in self.query(".form-row"):
            row.remove_class("-invalid")
        label = f"{field_name}: {message}" if field_name else message
        target = None
        if field_name:
            leaf = field_name.rsplit(".", 1)[-1]
            for f in self._fields:
                if leaf in (f.name, f.name.removesuffix("_on"), f.name.removesuffix("_id")):
                    target = f
                    break
        if target is not None:
            self.query_one(f"#row-{target.name}").add_class("-invalid")
            self.query_one(f"#field-{target.name}").focus()
            label = f"{target.label}: {message}"
        self.query_one("#form-error", Static).update(Text(label, style="bold red"))

    def action_save(self) -> None:
        # Keys typed just before ctrl+s may still wait in the focused field's
        # queue (a fast typist, a paste): save only after that field has
        # processed them, so the saved value is what is on screen.
        (self.focused or self).call_later(self._save_now)

    def _save_now(self) -> None:
        if self._saving or not self._is_ready:
            return
        self._saving = True
        values = self.values()
        # The fields hold still while the save runs (it may wait for a lock held
        # elsewhere): what is on screen is what gets saved, and nothing typed in
        # the meantime is silently dropped when the dialog closes.
        self._focused_before_save = self.focused
        self._hold_fields(True)
        self.query_one("#form-error", Static).update(Text("Saving…", style="dim"))
        self.run_db(
            lambda session: self.save(session, values),
            self._save_done,
            write=self.WRITES,
            failed=self._save_failed,
            group="form-save",
            outlive=False,  # Discard (or quitting) while it waits must stop it
        )

    def _save_done(self, result: T) -> None:
        self._saving = False
        self.saved(result)
        self.dismiss(result)

    def _save_failed(self, exc: Exception) -> None:
        from peergroup.errors import InputError

        self._saving = False
        self._hold_fields(False)
        focused = getattr(self, "_focused_before_save", None)
        if focused is not None and focused.is_attached:
            focused.focus()
        if isinstance(exc, InputError):
            self.show_error(exc.field, exc.message)
        else:
            self.show_error(None, str(exc))

    def _hold_fields(self, hold: bool) -> None:
        for widget in self.query("#form-fields Input, #form-fields Select, #form-fields TextArea"):
            widget.disabled = hold

    def has_unsaved(self) -> bool:
        """Whether something was typed here that ctrl+s has not saved."""
        return bool(self._fields) and self.values() != getattr(self, "_initial", None)

    def action_cancel(self) -> None:
        """Close; if something was typed, ask first so it is not thrown away by a stray Esc."""
        if not self.has_unsaved() and not self._saving:
            self.dismiss(None)
            return
        from .confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.workers.cancel_group(self, "form-save")  # a waiting save stops
                self.dismiss(None)

        question, stay = "Discard what you typed in this form?", "Keep editing"
        if self._saving:
            question, stay = (
                "The save is waiting for the database (another program is writing). "
                "Stop it and discard what you typed?",
                "Keep waiting",
            )
        self.app.push_screen(ConfirmDialog(question, "Discard", stay), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
