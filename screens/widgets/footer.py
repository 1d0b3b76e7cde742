"""A footer that keeps its first keys, esc and ctrl+p visible on a narrow terminal.

Textual's footer is one line that is cut at the right when a screen binds more
keys than fit. Below ``narrow_below`` columns this one shows only the keys a
screen names in ``keep`` (in their usual order) and "f1 Keys" for the rest,
which F1 help and the command palette list in full. Every key still works.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class NarrowFooter(Footer):
    def __init__(self, keep: Iterable[str], *, narrow_below: int = 80, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keep = set(keep)
        self.narrow_below = narrow_below
        self._narrow: bool | None = None

    def _is_narrow(self) -> bool:
        return self.app.size.width < self.narrow_below

    def compose(self) -> ComposeResult:
        narrow = self._narrow = self._is_narrow()
        for widget in super().compose():
            if not narrow or not isinstance(widget, FooterKey):
                yield widget
            elif widget.has_class("-command-palette"):
                f1 = Binding("f1", "app.show_help", "Keys")
                yield FooterKey("f1", self.app.get_key_display(f1), "Keys", "app.show_help")
                yield widget
            elif widget.action in self.keep or widget.key == "escape":
                yield widget

    def on_resize(self, event: Resize) -> None:
        if self._narrow is not None and self._narrow != self._is_narrow():
            self.refresh(recompose=True)
