"""The calendar and roles screens never touch the database on the UI thread."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FORBIDDEN = (
    ".db.write(",  # a unit of work opened on the UI thread
    ".db.read(",
    "session.get(",  # rows fetched by the screen instead of a service
    "self.group(",  # gone: screens get ids and view objects
    "confirm_overwrite",  # gone: ExportFileDialog asks before replacing a file
    "date.today(",  # the app's clock, never the machine's, decides "today"
    "from peergroup.models",  # screens never see model rows
)


def _screens() -> Path:
    spec = importlib.util.find_spec("screens")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


@pytest.mark.parametrize("name", ["calendar.py", "roles.py", "dialogs/calendar.py"])
def test_the_screen_reads_and_writes_only_through_workers(name):
    source = (_screens() / name).read_text(encoding="utf-8")
    found = [f for f in FORBIDDEN if f in source]
    assert found == [], f"{name} still uses {found}"
