"""F1: help for the screen you are on, generated from its keys and the keymap.

Nothing here is written by hand per screen: the keys listed are the current
screen's own bindings (what they do, from their descriptions and the keymap),
then the keys that work everywhere and the verbs that mean the same on every
screen, then the step's guidance when the screen belongs to a step.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from . import keymap


def key_label(key: str) -> str:
    names = {
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "plus": "+",
        "slash": "/",
        "escape": "esc",
    }
    return names.get(key, key)


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(key, what it does) for every key the screen (and its focused widget) answers to."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        # The screen's own keys (a focused table's cursor keys are not news).
        if active.node is not screen or key in seen or binding.system:
            continue
        if key in {k.key for k in keymap.GLOBAL}:
            continue
        what = binding.description or keymap.meaning(key)
        if not what:
            continue
        seen.add(key)
        detail = keymap.meaning(key)
        rows.append((key_label(key), what + (f" ({detail})" if detail and detail != what else "")))
    return rows


def help_text(screen: Screen) -> Text:
    text = Text()
    title = getattr(screen, "help_title", None) or type(screen).__name__.removesuffix("Screen")
    text.append(f"Keys on this screen: {title}\n", style="bold")
    rows = screen_keys(screen)
    if not rows:
        text.append("  (none besides the keys below)\n", style="dim")
    labels = [key for key, _ in rows] + [key_label(k.key) for k in (*keymap.GLOBAL, *keymap.VERBS)]
    width = max(8, *(len(label) + 1 for label in labels))  # "shift+tab" keeps its space
    for key, what in rows:
        text.append(f"  {key:<{width}}", style="bold")
        text.append(f"{what}\n")
    text.append("\nKeys that work everywhere\n", style="bold")
    for k in keymap.GLOBAL:
        text.append(f"  {key_label(k.key):<{width}}", style="bold")
        text.append(f"{k.meaning}\n")
    text.append("\nThe same key does the same thing on every screen that has it\n", style="bold")
    for k in keymap.VERBS:
        text.append(f"  {key_label(k.key):<{width}}", style="bold")
        text.append(f"{k.meaning}\n")
    step_key = getattr(screen, "step_key", "")
    if step_key:
        from peergroup import content

        s = content.step(step_key)
        text.append(f"\nStep {s['number']}: {s['title']}\n", style="bold")
        text.append(s["help"] + "\n")
    else:
        from peergroup import content

        text.append("\nThe ten steps\n", style="bold")
        for s in content.steps():
            text.append(f"{s['number']:>2}. {s['title']}: ", style="bold")
            text.append(f"{s['summary']}\n")
    return text


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1", "dismiss", "Close")]

    def __init__(self, about: Screen | None = None) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        about = self.about or self.app.screen
        with VerticalScroll(id="help"):
            yield Static(help_text(about))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
