"""One keymap for the whole app: every key means one thing on every screen.

Three kinds of keys:

* ``GLOBAL``: work everywhere (bound on the app or on every screen).
* ``VERBS``: the same kind of action on any screen that has it (add, edit,
  remove, export, answer, plan, ...). A screen binds the key to the verb's
  action name, e.g. ``Binding("a", "add", "Add member")``.
* ``SPECIFIC``: actions only some screens have; the key is theirs alone, so no
  other screen may bind it to anything else.
* ``QUESTION``: y and n, inside a modal yes/no question only.

Screens with live text entry (the minutes, the journal) cannot use letters:
their actions are on F-keys, and an F-key also means one thing everywhere
(``FKEYS``). The help screen (F1) is generated from these tables and the
current screen's bindings; ``tests/tui/test_keymap.py`` walks every screen and
fails on a key bound to something this map does not allow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    key: str  # Textual key name
    action: str  # action name (without "action_"); "*" = any, for app-level keys
    meaning: str  # what the key does, for help


GLOBAL: tuple[Key, ...] = (
    Key("escape", "*", "back to the previous screen, or close a dialog"),
    Key("f1", "*", "help for the screen you are on"),
    Key("ctrl+p", "*", "command palette: every screen and action by name"),
    Key("ctrl+q", "*", "quit (asks first if something typed is not saved)"),
    Key("ctrl+c", "*", "says how to quit (ctrl+q) and how to copy text"),
    Key("ctrl+g", "*", "switch to another group, or create one"),
    Key("ctrl+s", "*", "save the form or text you are editing"),
    Key("slash", "*", "search minutes, decisions and action items"),
)

VERBS: tuple[Key, ...] = (
    Key("enter", "*", "open the selected row"),
    Key("a", "add", "add (a member, a goal, a topic, an expert, a request ...)"),
    Key("e", "edit", "edit the selected row"),
    Key(
        "d",
        "remove",
        "take the selected row out of use: cancel or restore a meeting, "
        "retire a topic, a member leaves; history is kept, and it asks first",
    ),
    Key("x", "export", "export what this screen shows to a file"),
    Key("r", "answer", "answer as a member: rate topics, a check, a survey, a pulse"),
    Key("g", "plan", "plan ahead: six months of meetings, roles in rotation, a curriculum"),
    Key("o", "open_round", "start a new round (needs assessment, check, opt-in, review)"),
    Key("h", "history", "earlier versions or earlier rounds"),
    Key("u", "setup", "the settings of this step (schedule, membership rules, intervals)"),
    Key(
        "t", "toggle", "switch the selected row's state (done or open, shared or not, next status)"
    ),
    Key("left_square_bracket", "previous", "previous member, round or year"),
    Key("right_square_bracket", "next", "next member, round or year"),
)

SPECIFIC: tuple[Key, ...] = (
    Key("n", "do_next", "home: open the one next thing to do"),
    Key("m", "app.open_meeting", "home: meeting day (today's or the next meeting)"),
    Key("1", "step('peer')", "home: step 1"),
    Key("2", "step('membership')", "home: step 2"),
    Key("3", "step('goals')", "home: step 3"),
    Key("4", "step('logistics')", "home: step 4"),
    Key("5", "step('support')", "home: step 5"),
    Key("6", "step('topics')", "home: step 6"),
    Key("7", "step('experts')", "home: step 7"),
    Key("8", "step('reflection')", "home: step 8"),
    Key("9", "step('consequences')", "home: step 9"),
    Key("0", "step('tracking')", "home: step 10"),
    Key("plus", "extend", "calendar: plan six more months after the last meeting"),
    Key("v", "move", "calendar: move the selected meeting"),
    Key("k", "skip", "calendar: a date the group will not meet"),
    Key("b", "norms", "calendar: what members expect of each other"),
    Key("l", "roles", "calendar: roles and who holds them"),
    Key("j", "join", "members: the selected person becomes an active member"),
    Key("full_stop", "pairs", "members: one-on-one pair check-ins"),
    Key("c", "checkin", "goals: record progress on the selected goal"),
    Key("w", "mission", "goals: the mission statement"),
    Key("s", "assign", "roles: give the selected role at a meeting to someone"),
    Key("i", "my_items", "minutes: open action items per member"),
    Key("p", "prompts", "reflection: the prompt library"),
    Key("f", "experts", "topics: the outside experts roster"),
    Key("z", "whoami", "journal: who is writing (this copy's owner)"),
)

# On screens with live text entry, where letters are typed into the text.
FKEYS: tuple[Key, ...] = (
    Key("f2", "attendance", "meeting: attendance"),
    Key("f3", "decision", "meeting: record a decision"),
    Key("f4", "action_item", "meeting: new action item"),
    Key("f5", "close_item", "meeting: close an action item"),
    Key("f6", "scribe", "meeting: someone else takes the minutes"),
    Key("f7", "finalise", "meeting: finalise the minutes"),
    Key("f8", "amend", "meeting: amend finalised minutes"),
    Key("f9", "export", "export this text to a file"),
    Key("f10", "toggle", "journal: share or stop sharing this reflection"),
    Key("ctrl+r", "kept_copies", "meeting: texts kept beside the minutes (read them)"),
    Key("ctrl+o", "keep_mine", "two copies saved the minutes: keep my text (theirs is kept too)"),
    Key(
        "ctrl+t", "take_theirs", "two copies saved the minutes: continue from theirs (mine is kept)"
    ),
)

# Inside a yes/no question (a modal dialog that only asks), and nowhere else.
QUESTION: tuple[Key, ...] = (
    Key("y", "answer_yes", "yes"),
    Key("n", "answer_no", "no"),
)

ALL: tuple[Key, ...] = GLOBAL + VERBS + SPECIFIC + FKEYS
_BY_KEY = {k.key: k for k in ALL}


def allowed(key: str, action: str) -> str | None:
    """None if binding ``key`` to ``action`` keeps the map, else what is wrong."""
    entry = _BY_KEY.get(key)
    if entry is None:
        return f"{key!r} is not in the keymap (screens/keymap.py): add it there first"
    if entry.action in ("*", action) or action.split("(")[0] == entry.action.split("(")[0]:
        return None
    return f"{key!r} means {entry.action!r} everywhere ({entry.meaning}), not {action!r}"


def meaning(key: str) -> str:
    entry = _BY_KEY.get(key)
    return entry.meaning if entry else ""
