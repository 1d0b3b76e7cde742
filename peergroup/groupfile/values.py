"""Reading typed values out of a parsed group file, naming the field at fault.

TOML has real types, and a group file must use them: a number is a number
(``target_size = 8``, not ``"8"``), a yes/no is ``true``/``false`` (not the
string ``"false"``), a date is a bare date (``2027-03-09``). Every reader
raises ``InputError`` with the dotted path of the field (``members[3].email``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, overload

from ..errors import InputError
from ..services.validate import YEAR_MAX, YEAR_MIN

# Section -> the fields it may hold. Later steps add theirs (core.register).
SECTIONS: dict[str, set[str]] = {
    "group": {
        "name",
        "uuid",
        "target_size",
        "membership",
        "end_date",
        "end_condition",
        "opt_in_month",
    },
    "peer": {
        "institution",
        "department",
        "track",
        "clinical_interest",
        "research_interest",
        "admin_interest",
        "career_stage",
        "identity",
        "free_text",
    },
    "mission": {"text", "revisit_by", "adopted"},
    "members": {"name", "email", "status", "joined", "left", "notes"},
    "goals": {
        "title",
        "owner",
        "horizon",
        "specific",
        "measure",
        "achievable",
        "relevant",
        "due",
        "status",
        "checkins",
        "competencies",
    },
    "checkins": {"on", "progress", "note"},
    "logistics": {
        "frequency",
        "interval",
        "weekday",
        "nth",
        "month_day",
        "dates",
        "start_time",
        "duration_minutes",
        "place",
        "video_link",
        "timezone",
        "first_meeting",
        "skip",
        "horizon_months",
        "planned_until",
    },
    "expectations": {"attendance", "communication", "agenda"},
    "roles": {"key", "name", "rotates", "holder"},
    "meetings": {
        "on",
        "title",
        "agenda",
        "scribe",
        "lead",
        "present",
        "apologies",
        "minutes",
        "decisions",
        "finalised",
        "actions",
        "uid",
        "by_hand",
        "series_date",
        "start_time",
        "duration_minutes",
        "place",
        "status",
        "sequence",
        "rotation",
        "roles_by_hand",
        "absent",
        "amendments",
    },
    "actions": {"text", "owner", "due", "status"},
}


def _table(doc: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise InputError(where, "must be a table ([section]).")
    _known(value, SECTIONS[key], where)
    return value


def _known(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(
                f"{where}.{key}",
                f"is not a field here; allowed fields: {', '.join(sorted(allowed))}.",
            )


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise InputError(where, "must be a date without a time, e.g. 2027-03-09.")
    if isinstance(value, dt.date):
        return _in_window(value, where)
    if isinstance(value, str):
        from ..services.validate import parse_date

        return parse_date(where, value)  # checks the same window
    raise InputError(where, f"must be a date such as 2027-03-09, not {type(value).__name__}.")


def _dates(value: Any, where: str) -> list[dt.date]:
    """A list of dates (``[2027-03-09, 2027-04-13]``); every entry must be one."""
    days = []
    for i, item in enumerate(_list(value, where)):
        day = _date(item, f"{where}[{i + 1}]")
        if day is None:
            raise InputError(f"{where}[{i + 1}]", "must be a date such as 2027-03-09.")
        days.append(day)
    return days


def _in_window(day: dt.date, where: str) -> dt.date:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise InputError(
            where, f"{day} is outside the years {YEAR_MIN} to {YEAR_MAX}; check the year."
        )
    return day


def _required_date(table: dict[str, Any], key: str, where: str) -> dt.date:
    """A date the services would otherwise take from the clock: the file must give it,
    so that importing it on another day gives the same group."""
    day = _date(table.get(key), f"{where}.{key}")
    if day is None:
        raise InputError(
            f"{where}.{key}",
            f"is missing; give the date, e.g. {key} = 2026-09-08 "
            "(a group file never takes the day it is imported).",
        )
    return day


def _str(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(where, f"must be text in quotes, not {type(value).__name__}.")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(where, 'must be a list, e.g. ["a", "b"].')
    return value


def _tags(value: Any, where: str) -> list[str] | None:
    """An optional list of competency keys or labels (``competencies = ["scholar"]``);
    None when the field is absent (older files have none)."""
    if value is None:
        return None
    return [_str(v, f"{where}[{i + 1}]") for i, v in enumerate(_list(value, where))]


def _prefix(where: str, exc: InputError) -> InputError:
    """Re-home a service's field error under the group-file path."""
    field = exc.field if exc.field.startswith(where) else f"{where}.{exc.field}"
    return InputError(field, exc.message)


@overload
def _int(value: Any, where: str, default: int) -> int: ...
@overload
def _int(value: Any, where: str, default: None = None) -> int | None: ...
def _int(value: Any, where: str, default: int | None = None) -> int | None:
    """A whole number written as a TOML number (``8``, never ``"8"``)."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "text in quotes" if isinstance(value, str) else type(value).__name__
        raise InputError(where, f"must be a whole number without quotes (e.g. 8), not {kind}.")
    return value


def _bool(value: Any, where: str, default: bool = False) -> bool:
    """Yes or no written as TOML ``true``/``false`` (never the text ``"false"``)."""
    if value is None:
        return default
    if not isinstance(value, bool):
        kind = "text in quotes" if isinstance(value, str) else type(value).__name__
        raise InputError(where, f"must be true or false without quotes, not {kind}.")
    return value
