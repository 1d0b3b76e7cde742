"""The id of a stored row, as a plain ``int``.

SQLModel types every primary key ``int | None``: a row built in Python has no id
until the session flushes it. Rows read from the database, and rows the code
has just added and flushed, always have one; ``id_of`` says so once, and fails
loudly if that promise is broken (reading the id of a row nobody flushed is a
bug, never something the user can act on).
"""

from __future__ import annotations

from typing import Protocol


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """``row.id`` of a loaded or flushed row."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush the session first.")
    return row.id
