"""Group-file sections for steps 5, 8 and 9: prompts, reflections, support, checks.

```toml
[[own_prompts]]            # the group's own reflection prompts
key = "own-night-float"    # starts with "own-"
theme = "balance"
text = "..."

[[prompts_used]]           # a meeting's reflection prompt (bundled or own key)
on = 2026-11-10
prompt = "values-core-three"

[[reflections]]            # private unless shared = true
author = "Priya Raman"
on = 2026-11-10            # the meeting it belongs to (optional)
written = 2026-11-12       # needed when there is no meeting
prompt = "values-core-three"   # default: the meeting's prompt
text = "..."
shared = false

[[support]]
to = "Division chief"
kind = "financial-direct"  # financial-direct | financial-indirect | non-financial
ask = "..."
why = "..."
forum = "annual-review"    # annual-review | retreat | other
forum_note = "..."
status = "granted"         # planned | asked | granted | declined
asked = 2025-10-02
answered = 2025-11-03
outcome = "..."

[consequences]
interval_months = 6

[[consequences.checks]]
on = 2025-12-09
respondents = ["Priya Raman", "Marcus Bell", "..."]   # who answered (never what)
[consequences.checks.answers]                          # every score per question,
worth_time = [4, 4, 3, 5, 4]                           # in no particular order
```

Answers carry no names: a file holds who answered a check and, apart from
that, the scores per question, exactly as the database does. Every date comes
from the file, never from the day of the import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from ..errors import InputError
from ..models import ConsequenceCheck, Meeting, Member, Reflection
from .core import Area, ImportContext, register
from .values import _bool, _date, _int, _known, _list, _prefix, _str, _table

_CHECK_FIELDS = {"on", "notes", "respondents", "answers"}


def _meetings_by_date(session: Session, ctx: ImportContext) -> dict[dt.date, Meeting]:
    from ..services import meetings as meetings_svc

    return {m.on: m for m in meetings_svc.list_meetings(session, ctx.group)}


def _items(doc: dict[str, Any], name: str) -> list[tuple[str, dict]]:
    out = []
    for i, item in enumerate(_list(doc.get(name), name)):
        where = f"{name}[{i + 1}]"
        if not isinstance(item, dict):
            raise InputError(where, f"must be a table ([[{name}]]).")
        _known(item, SECTIONS[name], where)
        out.append((where, item))
    return out


def _as_file_field(exc: InputError) -> InputError:
    """A service names ``prompt_key``; the file calls it ``prompt``."""
    return InputError("prompt", exc.message) if exc.field == "prompt_key" else exc


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), dt.UTC)


def _load_prompts(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import reflections as reflections_svc

    group_id = ctx.group.id or 0
    for where, p in _items(doc, "own_prompts"):
        try:
            reflections_svc.add_own_prompt(
                session,
                group_id,
                _str(p.get("theme"), f"{where}.theme"),
                _str(p.get("text"), f"{where}.text"),
                key=_str(p.get("key"), f"{where}.key"),
            )
        except InputError as exc:
            raise _prefix(where, exc) from None
    meetings = _meetings_by_date(session, ctx)
    for where, p in _items(doc, "prompts_used"):
        day = _date(p.get("on"), f"{where}.on")
        meeting = meetings.get(day) if day else None
        if meeting is None:
            raise InputError(
                f"{where}.on", f"there is no meeting on {day}; use a date from the schedule."
            )
        try:
            # Set directly (not use_prompt): an imported meeting keeps SEQUENCE 0.
            meeting.prompt_key = reflections_svc.check_prompt_key(
                session, group_id, _str(p.get("prompt"), f"{where}.prompt")
            )
        except InputError as exc:
            raise _prefix(where, _as_file_field(exc)) from None
        session.add(meeting)
    session.flush()


def _load_reflections(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import reflections as reflections_svc
    from ..services import validate

    meetings = _meetings_by_date(session, ctx)
    group_id = ctx.group.id or 0
    for where, r in _items(doc, "reflections"):
        author = ctx.member_id(r.get("author"), f"{where}.author")
        person = session.get(Member, author)
        if person is not None and person.status == "prospective":
            raise InputError(
                f"{where}.author", f"{person.name} has not joined yet, so has no journal."
            )
        day = _date(r.get("on"), f"{where}.on")
        meeting = meetings.get(day) if day else None
        if day is not None and meeting is None:
            raise InputError(f"{where}.on", f"there is no meeting on {day}.")
        written = _date(r.get("written"), f"{where}.written") or day
        if written is None:
            raise InputError(
                f"{where}.written",
                "is missing; give the date it was written (or the meeting's date as on = ...).",
            )
        try:
            key = reflections_svc.check_prompt_key(
                session, group_id, _str(r.get("prompt"), f"{where}.prompt")
            ) or (meeting.prompt_key if meeting else "")
            text = validate.text("text", _str(r.get("text"), f"{where}.text"), 50_000)
        except InputError as exc:
            raise _prefix(where, _as_file_field(exc)) from None
        if not text:
            raise InputError(f"{where}.text", "is empty; a reflection needs its text.")
        shared = _bool(r.get("shared"), f"{where}.shared")
        when = _noon(written)
        session.add(
            Reflection(
                member_id=author,
                meeting_id=meeting.id if meeting else None,
                prompt_key=key,
                text=text,
                shared=shared,
                shared_at=when if shared else None,
                revision=1,
                created_at=when,
                updated_at=when,
            )
        )
    session.flush()


def _load_support(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import support as support_svc

    for where, s in _items(doc, "support"):
        try:
            support_svc.import_request(
                session,
                ctx.group.id or 0,
                support_svc.SupportInput(
                    to_whom=_str(s.get("to"), f"{where}.to"),
                    ask=_str(s.get("ask"), f"{where}.ask"),
                    kind=_str(s.get("kind", "non-financial"), f"{where}.kind"),
                    why=_str(s.get("why"), f"{where}.why"),
                    forum=_str(s.get("forum", "annual-review"), f"{where}.forum"),
                    forum_note=_str(s.get("forum_note"), f"{where}.forum_note"),
                    status=_str(s.get("status", "planned"), f"{where}.status"),
                    asked_on=_date(s.get("asked"), f"{where}.asked"),
                    answered_on=_date(s.get("answered"), f"{where}.answered"),
                    outcome=_str(s.get("outcome"), f"{where}.outcome"),
                ),
            )
        except InputError as exc:
            field = {"to_whom": "to", "asked_on": "asked", "answered_on": "answered"}.get(
                exc.field, exc.field
            )
            raise _prefix(where, InputError(field, exc.message)) from None


def _load_checks(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import consequences as checks_svc
    from ..services import validate

    if "consequences" not in doc:
        return
    section = _table(doc, "consequences", "consequences")
    group = ctx.group
    months = _int(section.get("interval_months"), "consequences.interval_months")
    if months is not None:
        try:
            checks_svc.set_interval(session, group.id or 0, months)
        except InputError as exc:
            raise InputError("consequences.interval_months", exc.message) from None
    last: dt.date | None = None
    for i, c in enumerate(_list(section.get("checks"), "consequences.checks")):
        where = f"consequences.checks[{i + 1}]"
        if not isinstance(c, dict):
            raise InputError(where, "must be a table ([[consequences.checks]]).")
        _known(c, _CHECK_FIELDS, where)
        day = _date(c.get("on"), f"{where}.on")
        if day is None:
            raise InputError(f"{where}.on", "is missing; give the date the check was opened.")
        if last is not None and day <= last:
            raise InputError(f"{where}.on", f"{day} must come after the check before ({last}).")
        last = day
        names = _list(c.get("respondents"), f"{where}.respondents")
        members = [ctx.member_id(n, f"{where}.respondents[{j + 1}]") for j, n in enumerate(names)]
        answers = c.get("answers", {})
        if not isinstance(answers, dict):
            raise InputError(f"{where}.answers", "must be a table of question = [scores].")
        scores = {
            key: [
                _int(v, f"{where}.answers.{key}[{j + 1}]")
                for j, v in enumerate(_list(values, f"{where}.answers.{key}"))
            ]
            for key, values in answers.items()
        }
        check = ConsequenceCheck(
            group_id=group.id or 0,
            on=day,
            notes=validate.text("notes", _str(c.get("notes"), f"{where}.notes"), 2_000),
        )
        session.add(check)
        session.flush()
        try:
            checks_svc.add_anonymous_answers(
                session,
                check.id or 0,
                members,
                {k: [int(v or 0) for v in vs] for k, vs in scores.items()},
            )
        except InputError as exc:
            field = exc.field if exc.field == "respondents" else f"answers.{exc.field}"
            raise _prefix(where, InputError(field, exc.message)) from None


def _load(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    _load_prompts(session, doc, ctx)  # first: reflections may name an own prompt
    _load_reflections(session, doc, ctx)
    _load_support(session, doc, ctx)
    _load_checks(session, doc, ctx)


SECTIONS = {
    "own_prompts": {"key", "theme", "text"},
    "prompts_used": {"on", "prompt"},
    "reflections": {"author", "on", "written", "prompt", "text", "shared"},
    "support": {
        "to",
        "kind",
        "ask",
        "why",
        "forum",
        "forum_note",
        "status",
        "asked",
        "answered",
        "outcome",
    },
    "consequences": {"interval_months", "checks"},
}

register(Area(sections=SECTIONS, load=_load))
