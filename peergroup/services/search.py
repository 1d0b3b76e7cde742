"""Full-text search over minutes, decisions, action items and amendments.

Migration 0002 keeps a ``search_index`` in sync with triggers: on SQLite an
FTS5 table ranked by bm25, on PostgreSQL a table with a ``tsvector`` under a
GIN index ranked by ts_rank_cd, tokenised the same way (Porter stemming, no stop
words, diacritics removed, punctuation splits words). Users type plain words,
never FTS5 or tsquery syntax: each word is literal text, so quotes, ``*``,
``-``, ``:``, parentheses and AND/OR/NOT are just text, all words must match,
and the last word also matches as a prefix (``mentor`` finds "mentoring" as
the user types). Both give the same hits; only the order among hits of
nearly equal rank, and the rank values themselves, differ.

Reflections are never indexed: they are private to their authors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.types import Text
from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import ActionItem, Group, Meeting
from ..text import without_lone_surrogates
from . import validate
from ._ids import id_of

QUERY_MAX = 500
SNIPPET_TOKENS = 12
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "«", "»", "…"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    on: dt.date  # date of the meeting the text belongs to
    group_name: str
    group_id: int
    meeting_id: int
    kind: str  # minutes | decision | action | amendment | owner | topic
    ref_id: int  # id of the Minutes / Decision / ActionItem / MinutesAmendment row
    snippet: str  # one line of plain text, matched terms in «»
    rank: float  # bm25 score, or minus ts_rank_cd: lower is better (hits come best first)


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
    if session.get_bind().dialect.name == "postgresql":
        found = _pg_search(session, query, group, limit)
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


# --- PostgreSQL ---------------------------------------------------------------

_CONFIG = "peergroup_search"  # the text search configuration of migration 0002
# ts_headline marks and ends: control characters, which peergroup_search_text
# turns into spaces, so they can only come from ts_headline itself.
_HL_OPEN, _HL_CLOSE = "\x02", "\x03"
_HEADLINE = (
    f"StartSel={_HL_OPEN}, StopSel={_HL_CLOSE}, MaxFragments=1, "
    f"MaxWords={SNIPPET_TOKENS}, MinWords={SNIPPET_TOKENS // 2}, ShortWord=0"
)


def _tsquery_word(word: str) -> str:
    """A word as a quoted tsquery operand (to_tsquery stems it like the text)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_tsquery(words: list[list[str]]) -> str:
    """The to_tsquery text for terms already split into words by peergroup_search_text.

    Words of one term follow each other (FTS5 reads ``"a:b"`` as the phrase
    "a b"), all terms must match, and the last word is a prefix. Every word is
    quoted, so nothing in it is tsquery syntax. "" when no word is left.
    """
    terms = [[_tsquery_word(w) for w in term] for term in words if term]
    if not terms:
        return ""
    terms[-1][-1] += ":*"
    return " & ".join("(" + " <-> ".join(term) + ")" for term in terms)


def _pg_search(session: Session, query: str, group: Group | None, limit: int) -> list[Hit]:
    # Imported here: PostgreSQL's dialect costs 20 ms that a SQLite search never needs.
    from sqlalchemy.dialects.postgresql import ARRAY

    connection = session.connection()
    # Split each term as the index splits text (punctuation becomes a space).
    split = text(
        "SELECT peergroup_search_text(t) FROM unnest(:terms) WITH ORDINALITY AS u(t, n) ORDER BY n"
    ).bindparams(bindparam("terms", type_=ARRAY(Text)))
    words = [
        (folded or "").split()
        for (folded,) in connection.execute(split, {"terms": _terms(query)}).all()
    ]
    tsquery = pg_tsquery(words)
    if not tsquery:
        return []
    # ts_rank_cd counts the matches and divides by 1 + log(length) (option 1),
    # as bm25 rewards mentions and discounts long texts; plain ts_rank, with
    # that option, put one mention in a three-word text above four in ten.
    sql = (
        f"WITH q AS (SELECT to_tsquery('{_CONFIG}', :tsquery) AS q), "
        "found AS ("
        "SELECT s.id, s.kind, s.ref_id, s.meeting_id, s.body, "
        f'ts_rank_cd(s.tsv, q.q, 1) AS score, m."on" AS on_day, g.name AS gname, g.id AS gid '
        'FROM q, search_index AS s JOIN meeting AS m ON m.id = s.meeting_id JOIN "group" AS g '
        "ON g.id = m.group_id WHERE s.tsv @@ q.q"
        + (" AND m.group_id = :group_id" if group is not None else "")
        + " ORDER BY score DESC, on_day DESC, s.id LIMIT :limit) "
        "SELECT f.kind, f.ref_id, f.meeting_id, f.body, f.folded, "
        f"ts_headline('{_CONFIG}', f.folded, q.q, :headline) AS hl, "
        "f.score, f.on_day, f.gname, f.gid "
        "FROM (SELECT found.*, peergroup_search_text(found.body) AS folded FROM found) AS f, q "
        "ORDER BY f.score DESC, f.on_day DESC, f.id"
    )
    params = {
        "tsquery": tsquery,
        "limit": limit,
        "headline": _HEADLINE,
        "group_id": group.id if group is not None else None,
    }
    rows = connection.execute(text(sql), params).all()
    return [
        Hit(
            on=on,
            group_name=gname,
            group_id=gid,
            meeting_id=meeting_id,
            kind=kind,
            ref_id=ref_id,
            snippet=_one_line(_pg_snippet(body or "", folded or "", hl or "")),
            rank=-float(score),
        )
        for kind, ref_id, meeting_id, body, folded, hl, score, on, gname, gid in rows
    ]


def _pg_snippet(body: str, folded: str, headline: str) -> str:
    """ts_headline's excerpt of the folded text, told again in the body's own characters.

    peergroup_search_text replaces characters one for one, so the excerpt's
    text is found at the same place in the body; the marks become «» and
    ends that are not the body's own get an ellipsis, as FTS5's snippet() does.
    """
    plain = headline.replace(_HL_OPEN, "").replace(_HL_CLOSE, "")
    start = folded.find(plain) if plain else -1
    if start < 0 or len(folded) != len(body):  # not from migration 0002's function
        return plain
    out: list[str] = []
    at = start
    for ch in headline:
        if ch == _HL_OPEN:
            out.append(MARK_OPEN)
        elif ch == _HL_CLOSE:
            out.append(MARK_CLOSE)
        else:
            out.append(body[at])
            at += 1
    # Text before or after with no word in it (".", " »") is shown; else an ellipsis.
    head, tail = body[:start], body[at:]
    return (
        (ELLIPSIS if _WORD.search(head) else head)
        + "".join(out)
        + (ELLIPSIS if _WORD.search(tail) else tail)
    )
