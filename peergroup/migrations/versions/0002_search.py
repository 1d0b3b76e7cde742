"""full-text search index over minutes, decisions, action items, amendments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00

An SQLite FTS5 table ``search_index`` kept in sync by triggers, so every
writer (the app, a script, an older copy mid-upgrade) updates it without
having to remember to. Each source row maps to one index row whose rowid is
``id * 4 + kind`` (minutes 0, decision 1, action 2, amendment 3): the
triggers then find "their" row by rowid, which is a B-tree lookup, instead of
scanning the UNINDEXED columns.

On PostgreSQL the same rows go into an ordinary table ``search_index`` (its
``id`` is the same ``ref_id * 4 + kind``) with a generated ``tsvector`` column
under a GIN index, kept in sync by plpgsql triggers with the same names. The
text search configuration ``peergroup_search`` is made to tokenise as FTS5's
``porter unicode61 remove_diacritics 2`` does:

* no stop words (FTS5 has none: "not final" must not find "final"), and the
  original Porter stemmer (snowball ``porter``, not ``english``'s Porter2);
* ``peergroup_search_text(body)`` turns punctuation, symbols and control
  characters into spaces one for one (so positions stay those of the text, which
  the search service relies on for snippets), so "a:b", e-mail addresses,
  "grant_writing", "well-being" and "3.5" split into words as in unicode61
  rather than into PostgreSQL's e-mail/URL/float/hyphenated tokens;
* diacritics are removed by the ``unaccent`` dictionary when the extension can
  be installed (it is a trusted extension from PostgreSQL 13: a database owner
  may create it); otherwise ``peergroup_search_text`` also maps accented Latin
  letters to their base letter with translate(), which gives the same matches
  but costs more per character.

Caution for later migrations: SQLite drops a table's triggers with the table,
and Alembic's batch mode rebuilds tables by copying them. A migration that
batch-alters minutes, decision, actionitem or minutesamendment must create
the triggers below again (tests/unit/test_search.py catches a missing one).
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# kind name, source table, text column, rowid offset, SQL giving the meeting id
# for a source row (``{row}`` is NEW or OLD).
_SOURCES = (
    ("minutes", "minutes", "text", 0, "{row}.meeting_id"),
    ("decision", "decision", "text", 1, "{row}.meeting_id"),
    ("action", "actionitem", "text", 2, "{row}.meeting_id"),
    (
        "amendment",
        "minutesamendment",
        "text",
        3,
        "(SELECT meeting_id FROM minutes WHERE id = {row}.minutes_id)",
    ),
)
# Columns whose change must refresh the index row.
_WATCHED = {
    "minutes": "text, meeting_id",
    "decision": "text, meeting_id",
    "actionitem": "text, meeting_id",
    "minutesamendment": "text, minutes_id",
}


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


# Punctuation, symbols, separators and control characters (Unicode categories
# P*, S*, Z*, C*) in Latin-1 and General Punctuation: unicode61 separates words
# at these. Written with escapes so the SQL holds no ":" or "%".
_SEPARATORS = (
    r"[\u0001-\u001f\u0021-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1"
    r"\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u2000-\u2064\u2066-\u206f]"
)


def _latin_base_letters() -> tuple[str, str]:
    """Accented Latin letters and their base letters, for translate() (no unaccent)."""
    import unicodedata

    src, dst = [], []
    for i in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(i)
        if unicodedata.category(ch)[0] != "L":
            continue
        marks = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in marks if not unicodedata.combining(c))
        if ch in "\u017f\u1e9b":  # long s
            base = "s"
        if len(base) == 1 and base.isascii() and base != ch and ch not in "\u01e0\u01e1":
            src.append(ch)
            dst.append(base)
    return "".join(src), "".join(dst)


def _pg_has_unaccent() -> bool:
    """Install unaccent if this role may; False (and no harm done) if it may not."""
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'").first():
        return True
    if not bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    ).first():
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except sa.exc.DBAPIError:
        return False
    return True


def _pg_trigger_functions() -> list[tuple[str, str, str]]:
    """(table, function name, CREATE FUNCTION) for each source table."""
    out = []
    for kind, table, column, offset, meeting in _SOURCES:
        name = f"search_index_{table}_sync"
        key = "{row}.id::bigint * 4 + " + str(offset)
        out.append(
            (
                table,
                name,
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
                "BEGIN\n"
                "    IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
                f"        DELETE FROM search_index WHERE id = {key.format(row='OLD')};\n"
                "    END IF;\n"
                "    IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
                "        INSERT INTO search_index (id, kind, ref_id, meeting_id, body)\n"
                f"        VALUES ({key.format(row='NEW')}, '{kind}', NEW.id, "
                f"{meeting.format(row='NEW')}, NEW.{column});\n"
                "    END IF;\n"
                "    RETURN NULL;\n"
                "END\n"
                "$body$",
            )
        )
    return out


def _pg_upgrade() -> None:
    unaccent = _pg_has_unaccent()
    fold = f"regexp_replace($1, '{_SEPARATORS}', ' ', 'g')"
    if not unaccent:
        src, dst = _latin_base_letters()
        fold = f"translate({fold}, '{src}', '{dst}')"
    op.execute(
        "CREATE FUNCTION peergroup_search_text(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $body$ SELECT {fold} $body$"
    )
    op.execute(
        "CREATE TEXT SEARCH DICTIONARY peergroup_search_porter "
        "(TEMPLATE = snowball, Language = porter)"
    )
    op.execute("CREATE TEXT SEARCH CONFIGURATION peergroup_search (PARSER = default)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION peergroup_search ADD MAPPING FOR "
        "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
        "hword_numpart, email, url, host, url_path, file, sfloat, float, int, uint, version "
        "WITH " + ("unaccent, " if unaccent else "") + "peergroup_search_porter"
    )
    op.execute(
        "CREATE TABLE search_index ("
        "id BIGINT PRIMARY KEY, "  # ref_id * 4 + kind, as the rowid on SQLite
        "kind TEXT NOT NULL, ref_id INTEGER NOT NULL, meeting_id INTEGER, body TEXT, "
        "tsv TSVECTOR GENERATED ALWAYS AS "
        # A tsvector holds at most 1 MB: the first 250,000 characters of a text are
        # indexed (minutes may hold 1,000,000; beyond 16,383 words PostgreSQL keeps
        # no positions anyway), so a long text is saved, never refused.
        "(to_tsvector('peergroup_search'::regconfig, "
        "peergroup_search_text(left(body, 250000)))) STORED)"
    )
    op.execute("CREATE INDEX search_index_tsv ON search_index USING gin (tsv)")
    for table, function, sql in _pg_trigger_functions():
        op.execute(sql)
        for when, event in (
            ("ai", "INSERT"),
            ("au", f"UPDATE OF {_WATCHED[table]}"),
            ("ad", "DELETE"),
        ):
            op.execute(
                f"CREATE TRIGGER search_index_{table}_{when} AFTER {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    for kind, table, column, offset, meeting in _SOURCES:
        op.execute(
            "INSERT INTO search_index (id, kind, ref_id, meeting_id, body) "
            f"SELECT id::bigint * 4 + {offset}, '{kind}', id, {meeting.format(row=table)}, "
            f"{column} FROM {table}"
        )


def _pg_downgrade() -> None:
    # unaccent stays installed: something else may use it, and it costs nothing.
    for table, function, _sql in _pg_trigger_functions():
        for when in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS search_index_{table}_{when} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS peergroup_search")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS peergroup_search_porter")
    op.execute("DROP FUNCTION IF EXISTS peergroup_search_text(text)")


def _triggers() -> list[tuple[str, str]]:
    out = []
    for kind, table, column, offset, meeting in _SOURCES:
        new_row = (
            "INSERT INTO search_index(rowid, kind, ref_id, meeting_id, body) "
            f"VALUES (NEW.id * 4 + {offset}, '{kind}', NEW.id, {meeting.format(row='NEW')}, NEW.{column});"
        )
        drop_old = f"DELETE FROM search_index WHERE rowid = OLD.id * 4 + {offset};"
        out.append(
            (
                f"search_index_{table}_ai",
                f"CREATE TRIGGER search_index_{table}_ai AFTER INSERT ON {table} BEGIN {new_row} END",
            )
        )
        out.append(
            (
                f"search_index_{table}_au",
                f"CREATE TRIGGER search_index_{table}_au AFTER UPDATE OF {_WATCHED[table]} ON {table} "
                f"BEGIN {drop_old} {new_row} END",
            )
        )
        out.append(
            (
                f"search_index_{table}_ad",
                f"CREATE TRIGGER search_index_{table}_ad AFTER DELETE ON {table} BEGIN {drop_old} END",
            )
        )
    return out


def upgrade() -> None:
    if not _is_sqlite():
        _pg_upgrade()
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, meeting_id UNINDEXED, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for _name, sql in _triggers():
        op.execute(sql)
    # Backfill what was written before this revision.
    for kind, table, column, offset, meeting in _SOURCES:
        op.execute(
            "INSERT INTO search_index(rowid, kind, ref_id, meeting_id, body) "
            f"SELECT id * 4 + {offset}, '{kind}', id, {meeting.format(row=table)}, {column} FROM {table}"
        )


def downgrade() -> None:
    if not _is_sqlite():
        _pg_downgrade()
        return
    for name, _sql in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_index")
