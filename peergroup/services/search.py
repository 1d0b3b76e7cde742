"""Full-text search over minutes, decisions, action items and amendments.

On SQLite this queries the FTS5 table ``search_index`` that migration 0002
keeps in sync with triggers; results are ranked by bm25 (best first). Users
type plain words, never FTS5 syntax: each word is quoted, so quotes, ``*``,
``-``, ``:``, parentheses and AND/OR/NOT are just text, and the last word
also matches as a prefix (``mentor`` finds "mentoring" as the user types).
Elsewhere (PostgreSQL) a slower LIKE search gives the same kind of results.

Reflections are never indexed: they are private to their authors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select

from ..errors import InputError
from ..models import ActionItem, Decision, Group, Meeting, Minutes, MinutesAmendment
from ..text import without_lone_surrogates
from . import validate
from ._ids import id_of

QUERY_MAX = 500
SNIPPET_TOKENS = 12
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "«", "»", "…"
_WORD = re.compile(r"\w+")


class _Searched(Protocol):
    """What the searched tables (minutes, decisions, action items, amendments) share."""

    id: int | None
    text: str


@dataclass(frozen=True)
class Hit:
    on: dt.date  # date of the meeting the text belongs to
    group_name: str
    group_id: int
    meeting_id: int
    kind: str  # minutes | decision | action | amendment | owner | topic
    ref_id: int  # id of the Minutes / Decision / ActionItem / MinutesAmendment row
    snippet: str  # one line of plain text, matched terms in «»
    rank: float  # bm25 score: lower is better (hits come best first)


def _terms(query: str) -> list[str]:
    """Whitespace-separated user terms that contain something searchable."""
    return [t for t in query.split() if _WORD.search(t)]


def fts_query(query: str) -> str:
    """Turn what the user typed into a safe FTS5 MATCH expression.

    Each term becomes a quoted string (FTS5 reads ``"a:b"`` as the phrase
    "a b", and ``"NOT"`` as the word), all terms must match, and the last is
    a prefix. Returns "" when nothing searchable is left (e.g. just ``*``).
    """
    terms = ['"' + t.replace('"', '""') + '"' for t in _terms(query)]
    if terms:
        terms[-1] += "*"
    return " ".join(terms)


def _clean(query: str | None) -> str:
    # Control characters (a NUL would end FTS5's string early) are only separators here.
    query = re.sub(r"[\x00-\x1f\x7f]", " ", without_lone_surrogates(query or "")).strip()
    if not query:
        raise InputError("search", "is empty; type one or more words to look for.")
    if len(query) > QUERY_MAX:
        raise InputError(
            "search", f"is {len(query):,} characters long; use a few words (up to {QUERY_MAX})."
        )
    return query


def search(
    session: Session, query: str, *, group: Group | None = None, limit: int = 20
) -> list[Hit]:
    """Best matches first; at most ``limit`` (1 to 500).

    Besides the text of minutes, decisions, action items and amendments, a
    member's name finds the action items they own (kind ``owner``) and a
    topic finds the meetings about it (kind ``topic``); those come first.
    """
    query = _clean(query)
    limit = validate.int_in_range("limit", limit, 1, 500, required=True)
    named = _named_hits(session, query, group)
    if session.get_bind().dialect.name != "sqlite":
        found = _like_search(session, query, group, limit)
    else:
        found = _fts_search(session, query, group, limit)
    seen = {(h.kind if h.kind != "owner" else "action", h.ref_id) for h in named}
    return [*named, *(h for h in found if (h.kind, h.ref_id) not in seen)][:limit]


def _named_hits(session: Session, query: str, group: Group | None) -> list[Hit]:
    """Action items by their owner's name, meetings by their topic (every word must match)."""
    from ..models import Member, Topic
    from ..text import fold

    terms = [fold(t) for t in _terms(query)]
    if not terms:
        return []

    def matches(value: str) -> bool:
        folded = fold(value)
        return all(t in folded for t in terms)

    hits: list[Hit] = []
    owners = (
        select(ActionItem, Member, Meeting, Group)
        .join(Member, col(Member.id) == ActionItem.owner_id)
        .join(Meeting, col(Meeting.id) == ActionItem.meeting_id)
        .join(Group, col(Group.id) == Meeting.group_id)
    )
    topics = (
        select(Meeting, Topic, Group)
        .outerjoin(Topic, col(Topic.id) == Meeting.topic_id)
        .join(Group, col(Group.id) == Meeting.group_id)
        .where(Meeting.status == "scheduled")
    )
    if group is not None:
        owners = owners.where(Meeting.group_id == group.id)
        topics = topics.where(Meeting.group_id == group.id)
    for item, owner, meeting, in_group in session.exec(owners):
        if matches(owner.name):
            state = "" if item.status == "open" else f" ({item.status})"
            hits.append(
                Hit(
                    meeting.on,
                    in_group.name,
                    id_of(in_group),
                    id_of(meeting),
                    "owner",
                    id_of(item),
                    f"{owner.name}: {item.text}{state}",
                    -1e9,
                )
            )
    for meeting, topic, in_group in session.exec(topics):
        title = topic.title if topic is not None else meeting.title
        if title and matches(title):
            hits.append(
                Hit(
                    meeting.on,
                    in_group.name,
                    id_of(in_group),
                    id_of(meeting),
                    "topic",
                    id_of(meeting),
                    f"Topic: {title}",
                    -1e9,
                )
            )
    hits.sort(key=lambda h: (h.kind != "owner", -h.on.toordinal(), h.ref_id))
    return hits


def _fts_search(session: Session, query: str, group: Group | None, limit: int) -> list[Hit]:
    match = fts_query(query)
    if not match:
        return []
    sql = (
        "SELECT s.kind, s.ref_id, s.meeting_id, "
        f"snippet(search_index, 3, '{MARK_OPEN}', '{MARK_CLOSE}', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snip, "
        'bm25(search_index) AS score, m."on", g.name, g.id '
        'FROM search_index AS s JOIN meeting AS m ON m.id = s.meeting_id JOIN "group" AS g ON g.id = m.group_id '
        "WHERE search_index MATCH :match"
        + (" AND m.group_id = :group_id" if group is not None else "")
        + ' ORDER BY score, m."on" DESC, s.rowid LIMIT :limit'
    )
    params = {"match": match, "limit": limit, "group_id": group.id if group is not None else None}
    rows = session.connection().execute(text(sql), params).all()
    return [
        Hit(
            on=on if isinstance(on, dt.date) else dt.date.fromisoformat(on),
            group_name=gname,
            group_id=gid,
            meeting_id=meeting_id,
            kind=kind,
            ref_id=ref_id,
            snippet=_one_line(snip),
            rank=score,
        )
        for kind, ref_id, meeting_id, snip, score, on, gname, gid in rows
    ]


def _one_line(snippet: str) -> str:
    return " ".join((snippet or "").split())


# --- fallback for databases without FTS5 ------------------------------------


def _like_search(session: Session, query: str, group: Group | None, limit: int) -> list[Hit]:
    terms = [t.lower() for t in _terms(query)]
    if not terms:
        return []
    # (kind, table, the column naming its meeting)
    sources: tuple[tuple[str, type[_Searched], Mapped[int]], ...] = (
        ("minutes", Minutes, col(Minutes.meeting_id)),
        ("decision", Decision, col(Decision.meeting_id)),
        ("action", ActionItem, col(ActionItem.meeting_id)),
        ("amendment", MinutesAmendment, col(Minutes.meeting_id)),
    )
    hits: list[Hit] = []
    for kind, model, meeting_col in sources:
        stmt = select(model, Meeting, Group)
        if model is MinutesAmendment:
            stmt = stmt.join(Minutes, col(Minutes.id) == MinutesAmendment.minutes_id)
        stmt = stmt.join(Meeting, col(Meeting.id) == meeting_col).join(
            Group, col(Group.id) == Meeting.group_id
        )
        for term in terms:
            stmt = stmt.where(func.lower(model.text).contains(term, autoescape=True))
        if group is not None:
            stmt = stmt.where(Meeting.group_id == group.id)
        for row, meeting, in_group in session.exec(stmt):
            folded = row.text.lower()
            count = sum(folded.count(t) for t in terms)
            hits.append(
                Hit(
                    meeting.on,
                    in_group.name,
                    id_of(in_group),
                    id_of(meeting),
                    kind,
                    id_of(row),
                    plain_snippet(row.text, terms),
                    -float(count),
                )
            )
    hits.sort(key=lambda h: (h.rank, -h.on.toordinal(), h.kind, h.ref_id))
    return hits[:limit]


def plain_snippet(body: str, terms: list[str], width: int = 80) -> str:
    """A one-line excerpt around the first match, matches marked like FTS5's snippet()."""
    flat = " ".join(body.split())
    folded = flat.lower()
    found = [i for t in terms if (i := folded.find(t)) >= 0]
    first = min(found) if found else 0
    start = max(0, first - width // 3)
    end = min(len(flat), start + width)
    part = flat[start:end]
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    part = pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", part)
    return (ELLIPSIS if start else "") + part + (ELLIPSIS if end < len(flat) else "")
