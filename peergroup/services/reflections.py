"""Step 8: reflective practice: the prompt library, prompts per meeting, and step status.

The library is the bundled prompts (``data/prompts.toml``, by theme) plus the
group's own (``GroupPrompt``, keys ``own-1``, ``own-2`` ...). A meeting names
its prompt by key (``Meeting.prompt_key``); the agenda, the calendar and the
journal look the text up here, so an own prompt shows everywhere a bundled
one does.

The journal itself (private reflections, passphrases) is ``services.journal``.
Only *shared* reflections ever leave it, through ``shared_for_meeting`` (the
minutes export); nothing here reads a private reflection's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import clock, content
from ..errors import InputError, NotFound
from ..models import Group, GroupPrompt, Meeting, Member, Reflection
from ..steps import StepStatus
from . import validate
from .groups import get_group

THEMES = (
    "meaning",
    "values",
    "compassion",
    "identity",
    "growth",
    "balance",
    "feedback",
    "gratitude",
)
OWN_PREFIX = "own-"
PROMPT_MAX = 1_000


@dataclass(frozen=True)
class PromptRow:
    key: str
    theme: str
    attribute: str  # the compassion attribute, for the six compassion prompts
    text: str
    own: bool  # written by the group
    retired: bool
    used_on: tuple[dt.date, ...]  # meetings that had it, oldest first


@dataclass(frozen=True)
class MeetingChoice:
    meeting_id: int
    on: dt.date
    prompt_key: str
    label: str  # "Tue 8 Dec 2026" (+ the prompt it has now)


@dataclass(frozen=True)
class PromptLibrary:
    themes: tuple[str, ...]
    rows: tuple[PromptRow, ...]  # by theme, bundled before own
    upcoming: tuple[MeetingChoice, ...]  # meetings a prompt can be picked for


def _bundled() -> list[dict]:
    return content.prompts()


def own_prompts(
    session: Session, group_id: int, *, include_retired: bool = True
) -> list[GroupPrompt]:
    stmt = select(GroupPrompt).where(GroupPrompt.group_id == group_id)
    if not include_retired:
        stmt = stmt.where(col(GroupPrompt.retired).is_(False))
    return list(session.exec(stmt.order_by(col(GroupPrompt.id))))


def prompt_texts(session: Session, group_id: int) -> dict[str, str]:
    """Every prompt key the group can meet (bundled, own, retired own) -> its text."""
    texts = {p["key"]: p["text"] for p in _bundled()}
    texts.update({p.key: p.text for p in own_prompts(session, group_id)})
    return texts


def prompt_text(session: Session, group_id: int, key: str) -> str:
    if not key:
        return ""
    return prompt_texts(session, group_id).get(key, "")


def prompt_choices(session: Session, group_id: int) -> list[tuple[str, str]]:
    """(label, key) for a picker: the bundled library, then the group's own."""
    out = [(f"{p['theme']}: {p['text'][:52]}", p["key"]) for p in _bundled()]
    out += [
        (f"own ({p.theme}): {p.text[:46]}", p.key)
        for p in own_prompts(session, group_id, include_retired=False)
    ]
    return out


def check_prompt_key(session: Session, group_id: int, key: str) -> str:
    """``key`` if the group can use it (bundled or its own, not retired), else InputError."""
    key = (key or "").strip()
    if not key:
        return ""
    if key in {p["key"] for p in _bundled()}:
        return key
    if key in {p.key for p in own_prompts(session, group_id, include_retired=False)}:
        return key
    raise InputError(
        "prompt_key", "is not a prompt of the library or of the group; pick one from the list."
    )


def _used(session: Session, group_id: int) -> dict[str, list[dt.date]]:
    used: dict[str, list[dt.date]] = {}
    rows = session.exec(
        select(col(Meeting.prompt_key), col(Meeting.on))
        .where(
            Meeting.group_id == group_id,
            Meeting.prompt_key != "",
            Meeting.status == "scheduled",
        )
        .order_by(col(Meeting.on))
    )
    for key, on in rows:
        used.setdefault(key, []).append(on)
    return used


def library(session: Session, group_id: int, today: dt.date | None = None) -> PromptLibrary:
    today = today or clock.today()
    used = _used(session, group_id)
    rows = [
        PromptRow(
            key=p["key"],
            theme=p["theme"],
            attribute=p.get("attribute", ""),
            text=p["text"],
            own=False,
            retired=False,
            used_on=tuple(used.get(p["key"], ())),
        )
        for p in _bundled()
    ]
    rows += [
        PromptRow(p.key, p.theme, "", p.text, True, p.retired, tuple(used.get(p.key, ())))
        for p in own_prompts(session, group_id)
        if not p.retired or used.get(p.key)
    ]
    order = {t: i for i, t in enumerate(THEMES)}
    rows.sort(key=lambda r: (order.get(r.theme, len(THEMES)), r.own))
    return PromptLibrary(THEMES, tuple(rows), tuple(upcoming_meetings(session, group_id, today)))


def upcoming_meetings(
    session: Session, group_id: int, today: dt.date, limit: int = 12
) -> list[MeetingChoice]:
    texts = prompt_texts(session, group_id)
    meetings = session.exec(
        select(Meeting)
        .where(Meeting.group_id == group_id, Meeting.on >= today, Meeting.status == "scheduled")
        .order_by(col(Meeting.on), col(Meeting.start_time))
        .limit(limit)
    ).all()
    out = []
    for m in meetings:
        label = f"{m.on:%a} {m.on.day} {m.on:%b %Y}"
        if m.prompt_key:
            label += f" (now: {texts.get(m.prompt_key, m.prompt_key)[:34]})"
        out.append(MeetingChoice(m.id or 0, m.on, m.prompt_key, label))
    return out


def use_prompt(session: Session, meeting_id: int, key: str) -> dt.date:
    """Make ``key`` the reflection prompt of a meeting (it shows on the agenda and in
    the calendar); returns the meeting's date."""
    from .meetings import get_meeting, touch_meeting

    meeting = get_meeting(session, meeting_id)
    if meeting.status != "scheduled":
        raise InputError("meeting", f"the meeting of {meeting.on} is cancelled; pick another.")
    key = check_prompt_key(session, meeting.group_id, key)
    if not key:
        raise InputError("prompt_key", "is empty; pick a prompt from the list.")
    if meeting.prompt_key != key:
        meeting.prompt_key = key
        touch_meeting(meeting)  # the calendar event's text changes
        session.add(meeting)
        session.flush()
    return meeting.on


def prompts_used(
    session: Session, group_id: int, today: dt.date | None = None
) -> list[tuple[dt.date, str]]:
    """(date, prompt text) of meetings up to ``today`` that had a prompt, newest first."""
    today = today or clock.today()
    texts = prompt_texts(session, group_id)
    rows = session.exec(
        select(col(Meeting.on), col(Meeting.prompt_key))
        .where(
            Meeting.group_id == group_id,
            Meeting.prompt_key != "",
            Meeting.status == "scheduled",
            Meeting.on <= today,
        )
        .order_by(col(Meeting.on).desc())
    ).all()
    return [(on, texts.get(key, key)) for on, key in rows]


# --- the group's own prompts --------------------------------------------------


def _clean_prompt(theme: str, text: str) -> tuple[str, str]:
    theme = (theme or "").strip().lower()
    if theme not in THEMES:
        raise InputError("theme", f"{theme[:40]!r} is not one of: {', '.join(THEMES)}.")
    text = validate.text("text", text, PROMPT_MAX)
    if not text:
        raise InputError("text", "is empty; write the question members will reflect on.")
    return theme, text


def add_own_prompt(
    session: Session, group_id: int, theme: str, text: str, key: str | None = None
) -> str:
    """A new prompt of the group's own; returns its key (``own-N``, or ``key`` if given)."""
    get_group(session, group_id)
    theme, text = _clean_prompt(theme, text)
    taken = {p.key for p in own_prompts(session, group_id)}
    if key is None:
        n = len(taken) + 1
        while f"{OWN_PREFIX}{n}" in taken:
            n += 1
        key = f"{OWN_PREFIX}{n}"
    else:
        key = key.strip()
        if not key.startswith(OWN_PREFIX) or len(key) > 60 or not key[len(OWN_PREFIX) :]:
            raise InputError("key", f"must start with {OWN_PREFIX!r}, e.g. own-night-shifts.")
        if key in taken:
            raise InputError("key", f"{key!r} is used by another of the group's prompts.")
    for p in own_prompts(session, group_id, include_retired=False):
        if p.text.casefold() == text.casefold():
            raise InputError("text", "the group already has this prompt.")
    session.add(GroupPrompt(group_id=group_id, key=key, theme=theme, text=text))
    session.flush()
    return key


def _own(session: Session, group_id: int, key: str) -> GroupPrompt:
    found = session.exec(
        select(GroupPrompt).where(GroupPrompt.group_id == group_id, GroupPrompt.key == key)
    ).first()
    if found is None:
        raise NotFound(
            "Only the group's own prompts can be changed; the bundled ones stay as they are."
        )
    return found


def edit_own_prompt(session: Session, group_id: int, key: str, theme: str, text: str) -> str:
    prompt = _own(session, group_id, key)
    prompt.theme, prompt.text = _clean_prompt(theme, text)
    session.add(prompt)
    session.flush()
    return key


def retire_own_prompt(session: Session, group_id: int, key: str) -> str:
    """Take an own prompt out of the list; meetings that used it keep showing it."""
    prompt = _own(session, group_id, key)
    prompt.retired = True
    session.add(prompt)
    session.flush()
    return prompt.text


# --- shared reflections, as the minutes show them ------------------------------


@dataclass(frozen=True)
class SharedReflection:
    author: str
    prompt: str
    text: str
    shared_at: dt.datetime | None


def shared_for_meeting(session: Session, meeting_id: int) -> list[SharedReflection]:
    """The reflections their authors shared for a meeting (never a private one)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return []
    rows = session.exec(
        select(Reflection, Member.name)
        .join(Member, col(Member.id) == Reflection.member_id)
        .where(
            Reflection.meeting_id == meeting_id,
            col(Reflection.shared).is_(True),
            col(Reflection.cipher).is_(None),
        )
        .order_by(col(Reflection.shared_at), col(Reflection.id))
    ).all()
    texts = prompt_texts(session, meeting.group_id)
    return [
        SharedReflection(name, texts.get(r.prompt_key, ""), r.text, r.shared_at)
        for r, name in rows
        if r.text.strip()
    ]


# --- step status -----------------------------------------------------------------


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("reflection")
    used = session.exec(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.group_id == group.id, Meeting.prompt_key != "")
    ).one()
    shared = session.exec(
        select(func.count())
        .select_from(Reflection)
        .join(Member, col(Member.id) == Reflection.member_id)
        .where(Member.group_id == group.id, col(Reflection.shared).is_(True))
    ).one()
    nxt = session.exec(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.on >= today, Meeting.status == "scheduled")
        .order_by(col(Meeting.on), col(Meeting.start_time))
    ).first()
    if not used:
        step.missing.append(
            "Pick a reflection prompt for the next meeting from the library (step 8, p)."
        )
    elif nxt is not None and not nxt.prompt_key:
        step.missing.append(
            f"The meeting of {nxt.on:%a} {nxt.on.day} {nxt.on:%b} has no reflection prompt yet: "
            "pick one (step 8, p)."
        )
    return step.finish(used > 0 or shared > 0)
