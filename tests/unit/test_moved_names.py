"""Code written before a module was split keeps working: every name that moved
is still importable from its old module, as the same object, in any import order."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

import peergroup

# old module -> the modules its screen-facing names moved to
MOVED = {
    "peergroup.services.roles": ("roles_views",),
    "peergroup.services.goals": ("goals_views",),
    "peergroup.services.meetings": ("meetings_views",),
    "peergroup.services.minutes": ("minutes_views", "scribe"),
}
HOMES = [(old, home) for old, homes in MOVED.items() for home in homes]
PACKAGE_ROOT = str(Path(peergroup.__file__).resolve().parent.parent)


def _home(old: str, home: str):
    return importlib.import_module(f"{old.rpartition('.')[0]}.{home}")


@pytest.mark.parametrize(("old", "home"), HOMES)
def test_every_moved_name_is_the_same_object_from_the_old_module(old: str, home: str):
    old_module, new_module = importlib.import_module(old), _home(old, home)
    assert new_module.__all__
    for name in new_module.__all__:
        assert getattr(old_module, name) is getattr(new_module, name), name


@pytest.mark.parametrize(("old", "home"), HOMES)
def test_the_type_checker_sees_every_moved_name(old: str, home: str):
    # The names under `if TYPE_CHECKING:` are what mypy knows the old module has.
    tree = ast.parse(inspect.getsource(importlib.import_module(old)))
    seen = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == home and node.level == 1
        for alias in node.names
    }
    assert seen == set(_home(old, home).__all__)


@pytest.mark.parametrize("old", list(MOVED))
def test_a_name_that_never_existed_is_still_an_attribute_error(old: str):
    module = importlib.import_module(old)
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
    assert not hasattr(module, "__path__")


@pytest.mark.parametrize(("old", "home"), HOMES)
def test_importing_the_new_module_first_works(old: str, home: str):
    # A fresh interpreter: the new module imports the old one while it loads.
    new = f"{old.rpartition('.')[0]}.{home}"
    code = (
        f"import {new} as new\n"
        f"import {old} as old\n"
        "assert all(getattr(old, n) is getattr(new, n) for n in new.__all__)\n"
    )
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_the_schedule_still_offers_parsing_and_zone_names():
    from peergroup.calendar import parse, recurrence, zones

    for name in ("WEEKDAYS", "parse_time", "parse_weekday"):
        assert getattr(recurrence, name) is getattr(parse, name)
    for name in ("check_timezone", "machine_timezone"):
        assert getattr(recurrence, name) is getattr(zones, name)
