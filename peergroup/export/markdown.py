"""Markdown escaping shared by every Markdown export (minutes, running list, reports).

Everything users typed goes through ``inline``, ``block``, ``item`` or
``cell``, so a name such as ``# Dana | x`` or minutes full of backticks and
asterisks come out as the same characters, never as headings, emphasis,
links, HTML or extra table columns. Control characters become U+FFFD so they
never reach a terminal that shows the file.
"""

from __future__ import annotations

import re

# Characters that mean something inline anywhere on a line (CommonMark + GFM).
_INLINE = re.compile(r"([\\`*_\[\]<>~|&#])")
# Control characters (other than tab and newline) would reach a terminal raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def inline(value: str) -> str:
    """One line of user text, safe anywhere in a paragraph, heading or list item."""
    value = _CONTROL.sub("\ufffd", " ".join((value or "").split()))
    return _INLINE.sub(r"\\\1", value)


def line(value: str) -> str:
    """A line that starts a Markdown line: also defuse block markers (lists, rules, quotes)."""
    out = _INLINE.sub(r"\\\1", _CONTROL.sub("\ufffd", value.strip()))
    if out[:1] in ("-", "+", "="):
        out = "\\" + out
    return _ORDERED.sub(r"\1\\\2", out)


def block(value: str) -> str:
    """Multi-line user text: line breaks kept, blank lines separate paragraphs."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[list[str]] = [[]]
    for raw in lines:
        if raw.strip():
            paragraphs[-1].append(line(raw))
        elif paragraphs[-1]:
            paragraphs.append([])
    # A backslash at the end of a line is a hard line break.
    return "\n\n".join("\\\n".join(p) for p in paragraphs if p)


def item(value: str, indent: str = "  ") -> str:
    """Multi-line user text as the body of a list item."""
    lines = [line(raw) for raw in (value or "").replace("\r", "\n").split("\n") if raw.strip()]
    return ("\\\n" + indent).join(lines)


def cell(value: str) -> str:
    """Text for a table cell: one line, ``|`` escaped."""
    return inline(value)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table's lines. Header and cells must already be escaped (``cell``)."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out
