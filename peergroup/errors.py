"""Errors the domain raises for the user to read.

Every message names what was wrong and what to do about it. The UI shows
``str(error)``; the CLI prints it and exits non-zero.
"""

from __future__ import annotations


class PeergroupError(Exception):
    """Base for problems the user can act on (never a programming error)."""


class InputError(PeergroupError, ValueError):
    """Something the user typed is not acceptable.

    ``field`` is the name of the form field or group-file key at fault, so a
    screen can put the message beside it and a CLI can name it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DatabaseProblem(PeergroupError):
    """The database file cannot be used as it is; it has not been changed."""


class NotFound(PeergroupError):
    """A group, member or meeting the user named does not exist."""


class DatabaseBusy(PeergroupError):
    """Another process holds the database's write lock; the work can be retried."""


class DatabaseReadOnly(PeergroupError):
    """The database file (or its folder, or the disk) cannot be written."""


class DiskFull(PeergroupError):
    """The disk holding the database is full."""
