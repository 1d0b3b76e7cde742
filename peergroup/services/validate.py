"""Checks for text and dates typed by users. Each failure is an InputError
naming the field and saying what to do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, overload

from ..errors import InputError
from ..text import nfc, without_lone_surrogates

NAME_MAX = 200
LINE_MAX = 500
TEXT_MAX = 20_000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Every date a user gives: wide enough for any group's history and plans, narrow
# enough that a typo (2200, 1066) is caught instead of planned for.
YEAR_MIN, YEAR_MAX = 1950, 2100
LAST_DAY = dt.date(YEAR_MAX, 12, 31)  # nothing is ever planned after it


def _too_long(field: str, value: str, limit: int) -> InputError:
    return InputError(field, f"is {len(value):,} characters long; keep it to {limit:,} or fewer.")


def required_line(field: str, value: str | None, limit: int = NAME_MAX) -> str:
    """A one-line value that must not be empty (names, titles)."""
    value = nfc(without_lone_surrogates((value or "").strip()))
    if not value:
        raise InputError(field, "is empty; type a value.")
    if len(value) > limit:
        raise _too_long(field, value, limit)
    if "\n" in value or "\r" in value:
        raise InputError(field, "must be a single line; remove the line breaks.")
    return value


def optional_line(field: str, value: str | None, limit: int = LINE_MAX) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    return required_line(field, value, limit)


def text(field: str, value: str | None, limit: int = TEXT_MAX) -> str:
    """Free text (may span lines, may be empty)."""
    value = nfc(without_lone_surrogates((value or "").strip()))
    if len(value) > limit:
        raise _too_long(field, value, limit)
    return value


def email(field: str, value: str | None) -> str:
    value = nfc((value or "").strip())
    if not value:
        return ""
    if len(value) > 254:
        raise _too_long(field, value, 254)
    if not EMAIL_RE.match(value):
        raise InputError(
            field, f"{value!r} is not an e-mail address; use the form name@example.org."
        )
    return value


@overload
def parse_date(field: str, value: str | dt.date | None, *, required: Literal[True]) -> dt.date: ...
@overload
def parse_date(
    field: str, value: str | dt.date | None, *, required: bool = False
) -> dt.date | None: ...
def parse_date(
    field: str, value: str | dt.date | None, *, required: bool = False
) -> dt.date | None:
    """A date typed as YYYY-MM-DD (or given as a date) within the years we plan in;
    empty gives None, or an error when ``required``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _in_range(field, value)
    value = (value or "").strip()
    if not value:
        if required:
            raise InputError(field, "is empty; type a date as YYYY-MM-DD.")
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not m:
        raise InputError(
            field, f"{value[:40]!r} is not a date; type it as YYYY-MM-DD, e.g. 2027-03-09."
        )
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InputError(
            field, f"{value} is not a real calendar date; check the month and day."
        ) from None
    return _in_range(field, day)


def _in_range(field: str, day: dt.date) -> dt.date:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise InputError(
            field, f"{day} is outside the years {YEAR_MIN} to {YEAR_MAX}; check the year."
        )
    return day


@overload
def int_in_range(
    field: str, value: str | int | None, lo: int, hi: int, *, required: Literal[True]
) -> int: ...
@overload
def int_in_range(
    field: str, value: str | int | None, lo: int, hi: int, *, required: bool = False
) -> int | None: ...
def int_in_range(
    field: str, value: str | int | None, lo: int, hi: int, *, required: bool = False
) -> int | None:
    """A whole number from ``lo`` to ``hi``; empty gives None, or an error when ``required``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(field, f"is empty; type a whole number from {lo} to {hi}.")
        return None
    if isinstance(value, bool):
        raise InputError(field, f"must be a whole number from {lo} to {hi}.")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(
            field, f"{str(value)[:40]!r} is not a whole number; type one from {lo} to {hi}."
        ) from None
    if not lo <= number <= hi:
        raise InputError(field, f"{number} is out of range; type a whole number from {lo} to {hi}.")
    return number


def choice(field: str, value: str | None, options: tuple[str, ...] | list[str]) -> str:
    value = (value or "").strip().lower()
    if value not in options:
        raise InputError(field, f"{value[:40]!r} is not one of: {', '.join(options)}.")
    return value


def timezone(field: str, value: str | None) -> str:
    """An IANA time zone name such as America/New_York."""
    from ..calendar.zones import check_timezone

    name = (value or "").strip()
    if not name:
        raise InputError(
            field, "is empty; type a time zone such as America/New_York or Europe/London."
        )
    return check_timezone(name[:80], field)
