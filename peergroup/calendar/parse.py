"""Lenient parsing of what people type for a schedule: days of the week and
times of day ("tue", "Tuesdays", "7:30", "0730", "7pm"). No database, no UI."""

from __future__ import annotations

import datetime as dt
import re

from peergroup.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_WEEKDAY_ALIASES = {"weds": 2, "thur": 3, "thurs": 3, "tues": 1}
_TIME_RE = re.compile(
    r"""^(?P<h>\d{1,2})
        (?:[:.h]?(?P<m>\d{2}))?        # 7:30, 7.30, 7h30, 0730
        (?::(?P<s>00))?                # 07:30:00 (seconds must be zero)
        \s*(?:(?P<ap>[ap])\.?\s*m?\.?)?$  # 7pm, 7:30 a.m.
    """,
    re.VERBOSE,
)


def parse_weekday(text: str, field: str = "weekday") -> int:
    """0 for Monday .. 6 for Sunday, from "tue", "Tuesday", "Tuesdays", "th"..."""
    if not isinstance(text, str):
        raise InputError(field, "Type a day of the week, such as Tuesday.")
    word = text.strip().casefold().rstrip(".")
    if word in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[word]
    if word.endswith("s") and word[:-1] in WEEKDAYS:  # "Tuesdays"
        word = word[:-1]
    matches = [i for i, name in enumerate(WEEKDAYS) if word and name.startswith(word)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        options = " or ".join(WEEKDAYS[i].capitalize() for i in matches)
        raise InputError(field, f"{text.strip()!r} could be {options}; type a little more.")
    raise InputError(field, f"{text.strip()!r} is not a day of the week. Type one such as Tuesday.")


def parse_time(text: str, field: str = "start_time") -> dt.time:
    """A time of day from "7:30", "07:30", "19:00", "0730", "7pm" or "7:30 am"."""
    match = _TIME_RE.match(text.strip().casefold()) if isinstance(text, str) else None
    problem = f"{text!r} is not a time of day. Type it like 07:30 or 19:00."
    if match is None:
        raise InputError(field, problem)
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ap"]:
        if not 1 <= hour <= 12:
            raise InputError(field, problem)
        hour = hour % 12 + (12 if match["ap"] == "p" else 0)
    if hour > 23 or minute > 59:
        raise InputError(field, problem)
    return dt.time(hour, minute)
