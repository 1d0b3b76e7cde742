"""A modal form: labelled fields, an error line, Save (ctrl+s) and Cancel (esc).

Subclasses describe their fields and implement ``save(values)``, which calls
services and returns the dialog's result. A service's InputError is shown
next to the field it names; the dialog stays open and keeps what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from ..safe import literal

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


def confirm_overwrite(dialog: FormDialog, path: Path) -> None:
    """Refuse to replace an existing file until Save is pressed a second time for it."""
    from peergroup.errors import InputError

    if path.exists() and getattr(dialog, "_overwrite_ok", None) != path:
        dialog._overwrite_ok = path
        raise InputError(
            "path", f"{path} already exists. Press ctrl+s again to replace it, or change the name."
        )


class FormDialog(ModalScreen[T], Generic[T]):
    """Base for every add/edit dialog."""

    # Absolute, so subclasses in other modules still find it.
    CSS_PATH = str(Path(__file__).with_name("form.tcss"))
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    title_text: str = "Edit"
    AUTO_FOCUS = "Input, Select, TextArea"

    def fields(self) -> list[FormField]:  # pragma: no cover - abstract
        raise NotImplementedError

    def save(self, values: dict[str, Any]) -> T:  # pragma: no cover - abstract
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        self._fields = self.fields()
        with VerticalScroll(id="form"):
            yield Static(literal(self.title_text), id="form-title")
            for f in self._fields:
                with Horizontal(classes="form-row", id=f"row-{f.name}"):
                    yield Label(literal(f.label), classes="form-label")
                    yield self._widget(f)
                if f.hint:
                    yield Static(literal(f.hint), classes="form-hint")
            yield Static("", id="form-error")
            yield Static("", id="form-extra")
            with Horizontal(id="form-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

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
        from sqlalchemy.exc import OperationalError

        from peergroup.errors import InputError, PeergroupError

        try:
            result = self.save(self.values())
        except InputError as exc:
            self.show_error(exc.field, exc.message)
            return
        except PeergroupError as exc:
            self.show_error(None, str(exc))
            return
        except OperationalError:
            self.show_error(
                None,
                "The database is busy (another copy of Peergroup is saving). Nothing was saved; press ctrl+s again in a moment.",
            )
            return
        self.dismiss(result)

    def on_mount(self) -> None:
        self._initial = self.values()

    def action_cancel(self) -> None:
        """Close; if something was typed, ask first so it is not thrown away by a stray Esc."""
        if self.values() == getattr(self, "_initial", None):
            self.dismiss(None)
            return
        from .confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Discard what you typed in this form?", "Discard", "Keep editing"),
            answered,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
