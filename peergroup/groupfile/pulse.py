"""Group files: meeting pulses (anonymous usefulness scores after held meetings).

```toml
[[pulses]]
on = 2026-10-13                              # the date of a meeting that was held
respondents = ["Priya Raman", "Marcus Bell", "Elena Sokolova"]   # who gave one (never which)
scores = [4, 5, 3]                           # one per respondent, in no particular order
lines = ["More time for cases"]              # optional lines, in no particular order
```

Like the database, a file keeps who answered apart from what was answered:
nothing links a score or a line to a name. The meeting must be in the file (or
already in the group) and not cancelled; nothing here depends on the day of
the import.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..errors import InputError
from .core import Area, ImportContext, register
from .values import _date, _int, _known, _list, _prefix, _str

SECTIONS = {"pulses": {"on", "respondents", "scores", "lines"}}


def _load(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import meetings as meetings_svc
    from ..services import pulse as pulse_svc

    if "pulses" not in doc:
        return
    meetings = {m.on: m for m in meetings_svc.list_meetings(session, ctx.group)}
    seen: set = set()
    for i, p in enumerate(_list(doc.get("pulses"), "pulses")):
        where = f"pulses[{i + 1}]"
        if not isinstance(p, dict):
            raise InputError(where, "must be a table ([[pulses]]).")
        _known(p, SECTIONS["pulses"], where)
        day = _date(p.get("on"), f"{where}.on")
        if day is None:
            raise InputError(f"{where}.on", "is missing; give the date of the meeting.")
        meeting = meetings.get(day)
        if meeting is None or meeting.id is None:
            raise InputError(f"{where}.on", f"no meeting of the group is on {day}.")
        if meeting.status == "cancelled":
            raise InputError(f"{where}.on", f"the meeting of {day} was cancelled; it has no pulse.")
        if day in seen:
            raise InputError(f"{where}.on", f"{day} has pulses already; give each meeting once.")
        seen.add(day)
        names = _list(p.get("respondents"), f"{where}.respondents")
        members = [ctx.member_id(n, f"{where}.respondents[{j + 1}]") for j, n in enumerate(names)]
        scores = [
            _int(v, f"{where}.scores[{j + 1}]") or 0
            for j, v in enumerate(_list(p.get("scores"), f"{where}.scores"))
        ]
        lines = [
            _str(v, f"{where}.lines[{j + 1}]")
            for j, v in enumerate(_list(p.get("lines"), f"{where}.lines"))
        ]
        try:
            pulse_svc.add_recorded_pulses(session, meeting.id, members, scores, lines)
        except InputError as exc:
            raise _prefix(where, exc) from None


register(Area(sections=SECTIONS, load=_load))
