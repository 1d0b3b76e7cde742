"""The user's own settings, kept in their config folder and never in the database.

A database may be passed to someone else (a laptop handed round, a shared
server); settings that belong to the person at the keyboard stay on their
machine: the theme, and who "I" am in each group (the journal's owner). One
small TOML-ish JSON file, written atomically.

``PEERGROUP_CONFIG`` moves the folder (tests point it at a temporary one).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CONFIG_ENV = "PEERGROUP_CONFIG"
FILENAME = "settings.json"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("peergroup", appauthor=False))


def _path() -> Path:
    return config_dir() / FILENAME


def load() -> dict[str, Any]:
    """All settings; an unreadable or damaged file counts as empty (and is kept)."""
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return {}
    return data if isinstance(data, dict) else {}


def get(key: str, default: Any = None) -> Any:
    return load().get(key, default)


def put(key: str, value: Any) -> None:
    """Set one setting (None removes it), writing the file atomically (0600)."""
    from .export.files import write_file

    data = load()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    folder = config_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _path()
    if not path.exists():
        path.touch(mode=0o600)
    write_file(path, json.dumps(data, indent=2, sort_keys=True) + "\n", replace=True)


def owner_key(db_path: Path | str, group_uuid: str) -> str:
    """Where a copy's owner for one group is kept: per database file and group."""
    return f"owner:{Path(db_path).resolve()}:{group_uuid}"
