"""For forms taller than the screen: the error is shown under its field, not only at
the bottom of the form (where it may be out of sight at 80x24)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


class ErrorBesideField:
    """Mixin for a ``FormDialog``: a line under the field at fault carries the error."""

    _hints_before: dict[Static, Any]

    def show_error(self, field_name: str | None, message: str) -> None:
        super().show_error(field_name, message)  # type: ignore[misc]
        for hint, content in (getattr(self, "_hints_before", None) or {}).items():
            if content is None:
                hint.remove()  # added for the error before
            else:
                hint.update(content)
        self._hints_before = {}
        for row in self.query(".form-row.-invalid"):  # type: ignore[attr-defined]
            siblings = list(row.parent.children)
            following = siblings[siblings.index(row) + 1 :][:1]
            text = Text(message, style="bold red")
            if (
                following
                and isinstance(following[0], Static)
                and following[0].has_class("form-hint")
            ):
                hint = following[0]
                self._hints_before[hint] = hint.content
                hint.update(text)
            else:
                hint = Static(text, classes="form-hint")
                self._hints_before[hint] = None
                row.parent.mount(hint, after=row)
