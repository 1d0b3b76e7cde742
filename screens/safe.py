"""User text is data: turn it into Rich Text that is shown exactly as typed.

Rich/Textual markup in user text (``[bold]Dana[/]``) must not be parsed, and
terminal control characters (``\\x1b[31m``) must not reach the terminal, where
they would recolour or break the screen. Control characters are replaced by
their visible escape form, so what the user sees is what they typed.
"""

from __future__ import annotations

from rich.text import Text

from peergroup.text import visible


def literal(value: object, style: str = "") -> Text:
    """A Text that renders ``value`` literally (no markup, no control codes)."""
    return Text(visible(value), style=style)


def one_line(value: object, width: int | None = None, style: str = "") -> Text:
    """Literal text on one line (newlines shown as ⏎), optionally cut to ``width``.

    Without ``width`` it is cut with an ellipsis wherever it is shown (a table
    cell of any width), so a column can grow or shrink with the terminal.
    """
    s = visible(value).replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    if width is not None and len(s) > width:
        s = s[: max(0, width - 1)] + "…"
    return Text(s, style=style, no_wrap=True, overflow="ellipsis")
