"""One keymap: every key bound anywhere means what screens/keymap.py says it means.

Story: a member learns that `a` adds and `d` removes on the members screen and
expects the same on the calendar; `e` never means "edit" on one screen and
"norms" on another. The test walks every screen and dialog class and fails on
a key the map does not allow, so a clash cannot come back unnoticed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.screen import Screen

import screens
from screens import keymap

QUESTIONS = {
    "ConfirmDialog",
    "SchedulePreviewDialog",
    "PlanPreviewDialog",
}  # yes/no questions may use y and n


def _screen_classes() -> list[type[Screen]]:
    found: dict[str, type[Screen]] = {}
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__.startswith("screens."):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)]


def _bindings(cls: type[Screen]) -> list[tuple[str, str]]:
    """(key, action) for every binding the class and its screens.* bases declare."""
    out = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("screens."):
            continue
        for b in klass.__dict__.get("BINDINGS", []):
            binding = b if isinstance(b, Binding) else Binding(*b)
            for key in binding.key.split(","):
                out.append((key.strip(), binding.action))
    return out


CLASSES = _screen_classes()


def test_every_screen_and_dialog_is_checked():
    names = {cls.__name__ for cls in CLASSES}
    assert {
        "HomeScreen",
        "CalendarScreen",
        "MeetingScreen",
        "MembershipScreen",
        "FormDialog",
    } <= names
    assert len(CLASSES) >= 20


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_keys_mean_one_thing_everywhere(cls):
    problems = []
    for key, action in _bindings(cls):
        if cls.__name__ in QUESTIONS and key in {k.key for k in keymap.QUESTION}:
            continue
        if (why := keymap.allowed(key, action)) is not None:
            problems.append(why)
    assert problems == [], f"{cls.__qualname__}: " + "; ".join(problems)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_f_keys_come_in_order(cls):
    fkeys = [int(k[1:]) for k, _a in _bindings(cls) if k.startswith("f") and k[1:].isdigit()]
    assert fkeys == sorted(fkeys)


def test_the_map_itself_has_one_meaning_per_key():
    keys = [k.key for k in keymap.ALL]
    assert len(keys) == len(set(keys))
    # A key that is a screen's own is not also a verb or global.
    assert not {k.key for k in keymap.SPECIFIC} & {k.key for k in keymap.VERBS + keymap.GLOBAL}


_NAMES = {"+": "plus", "/": "slash", "esc": "escape", "?": "question_mark"}


# A dialog's notice, shown once it has closed, names a key of the screen beneath.
_BENEATH = {
    "screens.dialogs.calendar": "screens.calendar",
    "screens.dialogs.topics": "screens.topics",
    "screens.needs": "screens.topics",  # its notice shows once it has closed
}


def _bound_in(module) -> set[str]:  # noqa: ANN001
    keys = {k.key for k in keymap.GLOBAL}
    from screens.app import PeergroupApp

    for b in PeergroupApp.BINDINGS:
        keys |= {k.strip() for k in (b if isinstance(b, Binding) else Binding(*b)).key.split(",")}
    for cls in CLASSES:
        if cls.__module__ in (module.__name__, _BENEATH.get(module.__name__)):
            keys |= {k for k, _a in _bindings(cls)}
    return keys


@pytest.mark.parametrize(
    "name", sorted({cls.__module__ for cls in CLASSES}), ids=lambda n: n.removeprefix("screens.")
)
def test_a_key_a_screen_tells_the_user_to_press_is_bound_there(name):
    """Hints such as "press u to set the schedule" name the key that does it today."""
    import re

    module = importlib.import_module(name)
    said = re.findall(
        r"\b[Pp]ress ((?:ctrl\+)?(?:[A-Za-z0-9]+|[+/?]))(?![A-Za-z0-9])", inspect.getsource(module)
    )
    said += re.findall(r"first \(([a-z+])\)", inspect.getsource(module))
    bound = _bound_in(module)
    stale = sorted(
        {k for k in said if _NAMES.get(k.lower(), k.lower()) not in bound and k.lower() != "enter"}
    )
    assert stale == [], f"{name} tells the user to press keys it does not bind: {stale}"


async def test_slash_searches_from_any_screen(demo_db):
    from .helpers import SIZE, app_for, settle

    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for step in ("2", "4"):  # members, calendar: neither binds "/" itself
            await pilot.press(step)
            await settle(pilot)
            await pilot.press("slash")
            await settle(pilot)
            assert type(app.screen).__name__ == "SearchScreen"
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
