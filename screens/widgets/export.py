"""A dialog that writes a file: the shared ``save`` of every export in the TUI.

Subclasses describe their own fields plus a ``path`` field and implement
``file_data(session, values) -> (data, summary)``. (Not ``render``: that name is
Textual's, which calls ``render()`` to draw every screen.) Writing goes through
``peergroup.export.files.write_file`` (atomic, never the database, never through
a symlink); an existing file is replaced only after the user presses ctrl+s a
second time for the same name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .form import FormDialog

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


def default_folder() -> Path:
    """Exports go to the folder Peergroup was started from, as a CLI would."""
    return Path.cwd()


class ExportFileDialog(FormDialog[str]):
    WRITES = False  # reading the database is enough

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[bytes | str, str]:
        raise NotImplementedError  # pragma: no cover - abstract

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.errors import InputError
        from peergroup.export.files import TargetExists, check_target, database_files, write_file

        raw = (values.get("path") or "").strip()
        if not raw:
            raise InputError("path", "is empty; give a file name.")
        path = Path(raw).expanduser()
        protected = database_files(self.app.db.path)
        replace = getattr(self, "_replace_ok", None) == path
        try:
            check_target(path, replace=replace, protected=protected)
        except TargetExists:
            self._replace_ok = path
            raise InputError(
                "path",
                f"{path} already exists. Press ctrl+s again to replace it, or change the name.",
            ) from None
        data, summary = self.file_data(session, values)
        write_file(path, data, replace=replace, protected=protected)
        # The summary names the file where it says {path}, else at its end.
        return summary.replace("{path}", str(path)) if "{path}" in summary else f"{summary} {path}."

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)
