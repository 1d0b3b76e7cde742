"""A small, deterministic TOML writer (``tomllib`` only reads).

``dumps(doc)`` writes a document built from plain values: str, int, float,
bool, ``datetime.date``/``time``/``datetime``, lists and dicts. Keys keep the
order they were inserted in, so the same data always gives the same bytes.
Inside a table, plain values come first, then sub-tables (``[a.b]``), then
arrays of tables (``[[a.c]]``): the order TOML needs for a value to belong to
the right table. A list whose items are all tables becomes an array of tables;
an empty list is ``[]``.

Strings are TOML basic strings with every character that needs it escaped
(quotes, backslashes, control characters including DEL); other Unicode is
written as UTF-8, unchanged (no normalisation). Text with line breaks is a
multi-line basic string, so minutes stay readable in the file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _escape_char(ch: str, *, multiline: bool) -> str:
    if multiline and ch in "\n\t":
        return ch
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or code == 0x7F:
        return f"\\u{code:04X}"
    return ch


def string(value: str) -> str:
    """``value`` as a TOML basic string (multi-line when it holds a line break)."""
    multiline = "\n" in value
    body = "".join(_escape_char(ch, multiline=multiline) for ch in value)
    if multiline:
        # The line break right after the opening quotes is not part of the value.
        return f'"""\n{body}"""'
    return f'"{body}"'


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else string_one_line(name)


def string_one_line(value: str) -> str:
    return '"' + "".join(_escape_char(ch, multiline=False) for ch in value) + '"'


def value(v: Any) -> str:
    """One TOML value written inline."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(v, str):
        return string(v)
    if isinstance(v, dt.datetime | dt.date | dt.time):  # datetime before date: it is one
        return v.isoformat()
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    for k, v in table.items():
        if v is None or isinstance(v, dict) or _is_table_array(v):
            continue
        lines.append(f"{key(k)} = {value(v)}")
    for k, v in table.items():
        if isinstance(v, dict):
            sub = [*path, key(k)]
            lines.append("")
            lines.append(f"[{'.'.join(sub)}]")
            _table(lines, sub, v)
    for k, v in table.items():
        if _is_table_array(v):
            sub = [*path, key(k)]
            for item in v:
                lines.append("")
                lines.append(f"[[{'.'.join(sub)}]]")
                _table(lines, sub, item)


def dumps(doc: dict[str, Any], header: str = "") -> str:
    """The document as TOML text; ``None`` values are left out."""
    lines: list[str] = [f"# {line}" if line else "#" for line in header.splitlines()]
    _table(lines, [], doc)
    text = "\n".join(lines).lstrip("\n")
    return text + "\n"
