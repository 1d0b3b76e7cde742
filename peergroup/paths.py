"""Where Peergroup keeps its data.

Order of precedence: an explicit ``--db PATH``; then ``PEERGROUP_HOME`` (a
directory); then the platform's user data directory (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

DB_FILENAME = "peergroup.db"
HOME_ENV = "PEERGROUP_HOME"


def data_home() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("peergroup", appauthor=False))


def default_db_path() -> Path:
    return data_home() / DB_FILENAME
