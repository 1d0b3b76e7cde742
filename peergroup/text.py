"""Plain-text helpers shared by the CLI, exports and the UI."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(value: object) -> str:
    """``value`` with control characters (except newline and tab) spelled out as \\xNN.

    User text is shown as typed: an escape code in a name must appear as text,
    never reach a terminal and recolour or clear it.
    """
    s = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def without_lone_surrogates(value: str) -> str:
    """Replace unpaired surrogates (invalid text SQLite cannot store) with U+FFFD."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if value else value


def fold(value: str) -> str:
    """The form two names are compared in: NFC, then case-folded, outer spaces gone.

    "Zoë" typed with a combining diaeresis (NFD) and "ZOË" fold to the same key.
    """
    return unicodedata.normalize("NFC", value or "").strip().casefold()


def nfc(value: str) -> str:
    """``value`` in Unicode NFC, the one spelling stored for typed text."""
    return unicodedata.normalize("NFC", value) if value else value
