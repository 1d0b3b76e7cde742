"""The text of an answer file: plain, commented TOML a member fills in with any editor.

User text goes into TOML strings with every control character escaped (``q``) and
into comments on one line (``comment``), so no name or topic can break the file.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import Attendance, Meeting, Member
from .answer_forms import Header, Spec
from .meetings import day_label
from .roles import is_member_on

SCORES = "1 strongly disagree, 2 disagree, 3 neutral, 4 agree, 5 strongly agree"


def q(text: str) -> str:
    """A TOML basic string (every control character escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def comment(text: str) -> str:
    """User text on one comment line: control characters (newlines too) become spaces."""
    return " ".join("".join(" " if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text).split())


INTRO = {
    "needs": (
        "Rate how much you want the group to spend a meeting on each topic: replace the",
        '"" after score with a number from 1 (not interested) to 5 (very interested),',
        'without quotes (score = 4). Leave "" for a topic you do not want to rate.',
    ),
    "survey": (
        'Say how much you agree with each statement: replace the "" after score with',
        f"a number ({SCORES}), without quotes (score = 4).",
        'Leave "" to skip a statement. In the app your answers are saved without your',
        "name and only totals of three or more people are shown; but whoever collects",
        "this file can read it, so hand it over yourself, to be deleted once imported.",
    ),
    "check": (
        'Say how much you agree with each statement: replace the "" after score with',
        f"a number ({SCORES}), without quotes (score = 4).",
        'Leave "" to skip a question. In the app your answers are saved without your',
        "name and only totals of three or more people are shown; but whoever collects",
        "this file can read it, so hand it over yourself, to be deleted once imported.",
    ),
    "apologies": (
        "For each meeting you cannot come to, change apologies = false to",
        "apologies = true. Your roles at that meeting go to someone else.",
        "To take back apologies you already sent, tell the facilitator.",
    ),
}


def render(session: Session, spec: Spec, head: Header, member: Member) -> str:
    lines = [
        f"# Peergroup answer file: {comment(spec.label)}",
        f"# for {comment(member.name)}, of {comment(head.group)}.",
        "#",
        *(f"# {line}" for line in INTRO[spec.kind]),
        "#",
        "# Save the file as it is (plain text) and give it back to your facilitator.",
        "# Leave the five lines below as they are: they say whose form this is, and the",
        "# token proves it. A form with a changed header is refused.",
        "",
        *(f"{k} = {q(getattr(head, k))}" for k in ("group", "kind", "round", "member", "token")),
        "",
    ]
    if spec.kind == "needs":
        lines += [
            "# A topic you would like the group to take up (optional), inside the quotes.",
            'suggestion = ""',
        ]
        for _key, title, family in spec.items:
            lines += ["", f"# {comment(title)} ({family})", "[[rating]]"]
            lines += [f"topic = {q(title)}", 'score = ""  # 1 not interested ... 5 very interested']
    elif spec.kind in ("survey", "check"):
        name = "item" if spec.kind == "survey" else "question"
        for key, title, text in spec.items:
            lines += ["", f"# {comment(title)}: {comment(text)}", "[[answer]]"]
            lines += [
                f"{name} = {q(key)}",
                'score = ""  # 1 strongly disagree ... 5 strongly agree',
            ]
    else:
        mine = [m for m in spec.meetings if is_member_on(member, m.on)]
        sent = _apologies_sent(session, member, mine)
        if not mine:
            lines.append("# There are no upcoming meetings to send apologies for.")
        for m in mine:
            what = f" ({comment(m.title)})" if m.title else ""
            lines += ["", f"# {day_label(m.on)} at {m.start_time:%H:%M}{what}", "[[meeting]]"]
            lines += [
                f"date = {m.on.isoformat()}",
                f"time = {m.start_time:%H:%M:00}",
                f"apologies = {str(m.id in sent).lower()}",
            ]
    return "\n".join(lines) + "\n"


def _apologies_sent(session: Session, member: Member, meetings: list[Meeting]) -> set[int]:
    if not meetings:
        return set()
    rows = session.exec(
        select(Attendance.meeting_id).where(
            Attendance.member_id == member.id,
            Attendance.status == "apologies",
            col(Attendance.meeting_id).in_([m.id for m in meetings]),
        )
    )
    return set(rows)
