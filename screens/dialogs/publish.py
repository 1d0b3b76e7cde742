"""Publish the group folder (issue 13): web pages, Markdown and calendars for a shared
drive or e-mail, from the running list's palette entry.

The folder is built and written in a worker (``FormDialog.save``) through
``peergroup.services.publish`` and ``peergroup.export.publish``. A folder that
holds files Peergroup did not publish is used only after a second ctrl+s, as an
export replaces a file only after a second ctrl+s.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.export import default_folder
from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session


class PublishDialog(FormDialog[str]):
    WRITES = False  # reads the database, writes only files

    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"Publish the group folder of {group_name}"
        self._force_for: Path | None = None

    def load(self, session: Session) -> Any:
        from peergroup.services import groups as groups_svc
        from peergroup.services.publish import slug

        return slug(groups_svc.get_group(session, self.group_id).name)

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "path",
                "Folder",
                str(default_folder() / f"{self.data or 'group'}-folder"),
                hint="Web pages, Markdown and calendars for a shared drive or e-mail. "
                "Publishing again updates the folder; the database is never put there.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.errors import InputError
        from peergroup.export.files import database_files
        from peergroup.export.publish import FolderNotOurs, publish_folder
        from peergroup.services import groups as groups_svc
        from peergroup.services import publish as publish_svc

        raw = (values.get("path") or "").strip()
        if not raw:
            raise InputError("path", "is empty; give a folder to publish into.")
        folder = Path(raw).expanduser()
        files = publish_svc.build_folder(
            session, groups_svc.get_group(session, self.group_id), self.app.clock.today()
        )
        try:
            done = publish_folder(
                folder,
                files,
                force=self._force_for == folder,
                protected=database_files(self.app.db.path),
            )
        except FolderNotOurs:
            self._force_for = folder
            raise InputError(
                "path",
                f"{folder} already holds files Peergroup did not publish. Press ctrl+s again "
                "to publish beside them (they are kept), or choose a new folder.",
            ) from None
        return done.summary

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)
