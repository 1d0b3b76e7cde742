"""Answer files: forms for members who are not at the facilitator's keyboard.

``build_forms`` makes one plain, commented TOML file per member for the needs
assessment (``needs``), the yearly survey (``survey``), the consequences check
(``check``) or apologies for upcoming meetings (``apologies``). The member
fills it in with any text editor; ``apply_file`` reads it back in one write
unit, so a file is saved whole or not at all.

Every form carries a header (group, kind, round, member) and a token: the
HMAC-SHA256 of the group's uuid, the kind, the round and the member's id
under a random secret kept in the database (``AnswerFormKey``, one per group,
made on the first export). Editing any header field, or bringing a file to
another group, round or database, makes the token wrong and the file is
refused. The token is derived, not stored per form, so exporting again gives
the same file, and nothing but the secret has to be kept. Because the secret
never leaves the database, a member cannot make a form for someone else.

Answers are saved through the services' own functions (``needs.save_ratings``,
``survey.answer``, ``consequences.answer``, ``attendance.record_attendance``),
so the anonymous ones stay anonymous: only the respondent row gets the member.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError
from ..models import AnswerFormKey, Group, Member
from ..text import fold
from . import answer_forms as forms
from .answer_form_text import render

KINDS = forms.KINDS
MAX_BYTES = 256 * 1024  # a form for a hundred topics is a few kilobytes
HEADER = ("group", "kind", "round", "member", "token")


# --- the token ---------------------------------------------------------------------------


def _secret(session: Session, group: Group, *, create: bool) -> str | None:
    row = session.exec(select(AnswerFormKey).where(AnswerFormKey.group_id == group.id)).first()
    if row is None and create:
        row = AnswerFormKey(group_id=group.id or 0, secret=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return row.secret if row else None


def token(secret: str, group: Group, kind: str, round_key: str, member_id: int) -> str:
    message = f"{group.uuid}|{kind}|{round_key}|{member_id}".encode()
    return hmac.new(bytes.fromhex(secret), message, hashlib.sha256).hexdigest()[:32]


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormFile:
    file_name: str  # "needs-priya-raman.toml"
    member: str
    text: str


def slug(name: str) -> str:
    """ "Priya Raman" -> "priya-raman" (letters and digits only, accents dropped)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out, dash = [], False
    for ch in plain.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif out and not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:60]


def build_forms(
    session: Session,
    group: Group,
    kind: str,
    member: str | None = None,
    *,
    everyone: bool = False,
    today: dt.date | None = None,
) -> list[FormFile]:
    """The forms to write: for one member (by name) or for everyone still to answer.

    Writes the group's secret the first time (call inside a write unit)."""
    today = today or clock.today()
    if kind not in KINDS:
        raise InputError("KIND", f"{kind!r} is not a form; choose one of: {', '.join(KINDS)}.")
    if (member is None) == (not everyone):
        raise InputError("--member", "give one member (--member NAME) or everyone (--all).")
    spec = forms.current(session, group, kind, today)
    if member is not None:
        chosen = _named(session, group, member, "--member")
        if chosen.id in spec.answered:
            raise InputError("--member", f"{chosen.name} {forms.ALREADY[kind]}; no form is needed.")
        if chosen.id not in {m.id for m in spec.members}:
            raise InputError("--member", f"{chosen.name} {forms.NOT_ASKED[kind]}.")
        people = [chosen]
    else:
        people = [m for m in spec.members if m.id not in spec.answered]
        if not people:
            raise InputError(
                "--all", f"every member asked {forms.ALREADY[kind]}; no form is needed."
            )
    secret = _secret(session, group, create=True)
    assert secret is not None
    names = [slug(m.name) or f"member-{m.id}" for m in people]
    out = []
    for m, base in zip(people, names, strict=True):
        if names.count(base) > 1:  # two members of the same name
            base = f"{base}-id{m.id}"  # "-id": never another member's own slug
        head = forms.Header(group.name, kind, spec.round_key, m.name, "")
        head = head.signed(token(secret, group, kind, spec.round_key, m.id or 0))
        out.append(FormFile(f"{kind}-{base}.toml", m.name, render(session, spec, head, m)))
    return out


def _named(session: Session, group: Group, name: str, field: str) -> Member:
    found = list(
        session.exec(select(Member).where(Member.group_id == group.id).order_by(col(Member.id)))
    )
    same = [m for m in found if fold(m.name) == fold(name)]
    if not same:
        raise InputError(field, f"nobody called {name!r} is a member of {group.name}.")
    return same[0]


# --- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Taken:
    summary: str  # "12 ratings saved for Priya Raman"


def read_answer_file(path: Any) -> dict[str, Any]:
    """The TOML of an answer file: a regular file, at most MAX_BYTES, UTF-8."""
    from ..groupfile.reader import read

    return read(path, max_bytes=MAX_BYTES, what="an answer file")


def apply_file(session: Session, doc: dict[str, Any], today: dt.date | None = None) -> Taken:
    """Check one filled-in form and save its answers (call inside one write unit: any
    error raises ``InputError`` naming the field, and the unit saves nothing)."""
    today = today or clock.today()
    head = _header(doc)
    group = _group(session, head["group"])
    kind = head["kind"]
    member = _signer(session, group, head)
    spec = forms.current(session, group, kind, today, round_key=head["round"])
    unknown = sorted(set(doc) - set(HEADER) - set(forms.FIELDS[kind]))
    if unknown:
        raise InputError(unknown[0], "is not a field of this form; remove it.")
    if member.id in spec.answered:
        raise InputError("member", f"{member.name} {forms.ALREADY[kind]}.")
    return Taken(forms.apply(session, spec, member, doc, today))


def _header(doc: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key in HEADER:
        value = doc.get(key)
        if value is None:
            raise InputError(key, "is missing from the form's header; export the form again.")
        if not isinstance(value, str):
            raise InputError(key, "must be text in quotes, as the form was written.")
        out[key] = value
    if out["kind"] not in KINDS:
        raise InputError("kind", f"{out['kind'][:40]!r} is not a form ({', '.join(KINDS)}).")
    return out


def _group(session: Session, name: str) -> Group:
    found = session.exec(select(Group).where(Group.name_key == fold(name))).first()
    if found is None:
        raise InputError(
            "group", f"no group called {name[:80]!r} in this database; is it the right one?"
        )
    return found


def _signer(session: Session, group: Group, head: dict[str, str]) -> Member:
    """The member the form was made for: their name, and a token that matches."""
    secret = _secret(session, group, create=False)
    if secret is None:
        raise InputError("token", f"no form was ever exported for {group.name} here.")
    same = [
        m
        for m in session.exec(select(Member).where(Member.group_id == group.id))
        if fold(m.name) == fold(head["member"])
    ]
    if not same:
        raise InputError(
            "member", f"{head['member'][:80]!r} is not a member of {group.name}; was it edited?"
        )
    for m in same:
        expected = token(secret, group, head["kind"], head["round"], m.id or 0)
        if hmac.compare_digest(expected, head["token"]):
            return m
    raise InputError(
        "token",
        "does not match the group, form, round and member in the header: the header was "
        "edited or the file belongs elsewhere. Export a new form for this member.",
    )
