"""Full-text search: the FTS5 index, its triggers, ranking, snippets and odd input."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from peergroup.errors import InputError
from peergroup.models import Meeting, Minutes, Reflection
from peergroup.services import actions as actions_svc
from peergroup.services import decisions as decisions_svc
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc
from peergroup.services import minutes as minutes_svc
from peergroup.services import search as search_svc
from peergroup.services.search import MARK_OPEN

TRIGGERS = {
    f"search_index_{table}_{when}"
    for table in ("minutes", "decision", "actionitem", "minutesamendment")
    for when in ("ai", "au", "ad")
}


def exclude_search_index(name, type_, parent_names):  # noqa: ANN001, ARG001
    """The include_name filter env.py needs: FTS5 tables are not in the models."""
    return not (type_ == "table" and name.startswith("search_index"))


def build(session, name="Harbour Peers", dates=(dt.date(2026, 9, 8), dt.date(2026, 10, 13))):
    group = groups_svc.create_group(session, name, timezone="UTC")
    ada = membership_svc.add_member(
        session, group, membership_svc.MemberInput(name="Ada Lin", joined_on=dt.date(2025, 1, 1))
    )
    meetings = [Meeting(group_id=group.id, on=d, start_time=dt.time(8, 0)) for d in dates]
    session.add_all(meetings)
    session.flush()
    return group, ada, meetings


def write_minutes(session, meeting, text):
    day = minutes_svc.open_meeting(session, meeting)
    assert minutes_svc.save_minutes(session, meeting.id, text, day.revision).saved


@pytest.fixture
def world(db):
    with db.write() as s:
        group, ada, (m1, m2) = build(s)
    return db, group, ada, m1, m2


def test_more_mentions_rank_higher_and_snippets_mark_the_term(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        write_minutes(s, m1, "Budget talk. We reviewed the budget and agreed the budget is tight.")
        write_minutes(s, m2, "Teaching awards were discussed; the budget came up once.")
        hits = search_svc.search(s, "budget")
    assert [(h.meeting_id, h.kind) for h in hits] == [(m1.id, "minutes"), (m2.id, "minutes")]
    assert hits[0].rank < hits[1].rank  # bm25: lower is better
    assert all("«budget»" in h.snippet.lower() for h in hits)
    assert hits[0].on == m1.on and hits[0].group_name == "Harbour Peers"
    assert "\n" not in hits[0].snippet


def test_decisions_action_items_and_amendments_are_found(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        decisions_svc.add_decision(s, m1, "Adopt the portfolio template")
        actions_svc.add_action_item(s, m1, "Circulate the portfolio checklist", ada.id)
        write_minutes(s, m2, "Nothing about it here.")
        minutes_svc.finalise(s, m2.id, ada.id)
        minutes_svc.amend(s, m2.id, ada.id, "Add: the portfolio deadline moved to March.")
        hits = search_svc.search(s, "portfolio")
    assert sorted(h.kind for h in hits) == ["action", "amendment", "decision"]
    assert {h.meeting_id for h in hits if h.kind == "amendment"} == {m2.id}


def test_the_index_follows_edits_and_deletes(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        write_minutes(s, m1, "We talked about sabbaticals.")
    with db.write() as s:
        minutes_svc.save_minutes(s, m1.id, "We talked about fellowships.", 1)
        assert search_svc.search(s, "sabbaticals") == []
        assert [h.meeting_id for h in search_svc.search(s, "fellowships")] == [m1.id]
        decision = decisions_svc.add_decision(s, m2, "Fellowships need a letter")
        s.delete(decision)
        s.flush()
        assert [h.kind for h in search_svc.search(s, "fellowships")] == ["minutes"]
        s.delete(s.get(Meeting, m1.id))  # cascades to its minutes
        s.flush()
        assert search_svc.search(s, "fellowships") == []
        assert s.connection().exec_driver_sql("select count(*) from search_index").scalar() == 0


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "a:b",
        "NOT",
        "*",
        "AND OR",
        "(x",
        "-minus",
        "NEAR(a b)",
        "col:term",
        "^start",
        "'",
    ],
)
def test_fts_syntax_in_user_input_never_raises(world, query):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        write_minutes(s, m1, "Notes NOT final: a:b (x) minus start")
        hits = search_svc.search(s, query)
    assert isinstance(hits, list)


def test_operators_are_searched_as_words(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        write_minutes(s, m1, "These notes are NOT final")
        write_minutes(s, m2, "Final notes")
        assert [h.meeting_id for h in search_svc.search(s, "not final")] == [m1.id]
        assert [h.meeting_id for h in search_svc.search(s, '"unbalanced')] == []


def test_empty_query_is_refused(world):
    db, *_ = world
    with db.write() as s:
        for query in ("", "   ", None):
            with pytest.raises(InputError, match="search: is empty"):
                search_svc.search(s, query)


def test_last_word_matches_as_a_prefix_stems_and_diacritics(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        write_minutes(s, m1, "Mentoring plans for the café meeting")
        assert [h.meeting_id for h in search_svc.search(s, "mentoring pla")] == [m1.id]
        assert search_svc.search(s, "pla mentoring") == []  # only the last word is a prefix
        assert [h.meeting_id for h in search_svc.search(s, "mentor")] == [m1.id]  # porter stemming
        assert [h.meeting_id for h in search_svc.search(s, "cafe")] == [m1.id]  # diacritics removed


def test_search_within_one_group_and_limit(db):
    with db.write() as s:
        g1, _a, (m1, _) = build(s, "Group One")
        g2, _b, (m3, _) = build(s, "Group Two")
        write_minutes(s, m1, "curriculum review")
        write_minutes(s, m3, "curriculum design")
        assert {h.group_name for h in search_svc.search(s, "curriculum")} == {
            "Group One",
            "Group Two",
        }
        assert [h.group_name for h in search_svc.search(s, "curriculum", group=g2)] == ["Group Two"]
        assert len(search_svc.search(s, "curriculum", limit=1)) == 1


def test_private_reflections_are_never_searched(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        s.add(Reflection(member_id=ada.id, meeting_id=m1.id, text="My private burnout worries"))
        s.add(
            Reflection(member_id=ada.id, meeting_id=m1.id, text="Shared burnout note", shared=True)
        )
        s.flush()
        assert search_svc.search(s, "burnout") == []


def test_fts_query_quotes_every_term():
    assert search_svc.fts_query('say "hi" NOT a:b *') == '"say" """hi""" "NOT" "a:b"*'
    assert search_svc.fts_query("* - ()") == ""


def test_punctuation_splits_words_and_mentions_rank(world):
    db, group, ada, m1, m2 = world
    with db.write() as s:
        write_minutes(s, m1, "Grant, grant, grant: 100% of the grant_writing time")
        write_minutes(s, m2, "One grant mentioned.")
        hits = search_svc.search(s, "GRANT")
        assert search_svc.search(s, "100%")[0].meeting_id == m1.id
        assert [h.meeting_id for h in search_svc.search(s, "writing")] == [m1.id]
        assert search_svc.search(s, "t_me") == []  # "_" is neither a wildcard nor a letter
    assert [h.meeting_id for h in hits] == [m1.id, m2.id]
    assert "«Grant»" in hits[0].snippet and "«grant»" in hits[1].snippet


def test_pg_tsquery_quotes_every_word():
    assert search_svc.pg_tsquery([["say"], ["hi"], ["it's", "a\\b"], []]) == (
        "('say') & ('hi') & ('it''s' <-> 'a\\\\b':*)"
    )
    assert search_svc.pg_tsquery([[], []]) == ""


def test_snippets_keep_the_texts_own_characters(world):
    db, group, ada, m1, m2 = world
    body = "Before « the » café: «quoted» words — and NOT a:b, then " + "filler " * 20 + "end."
    with db.write() as s:
        write_minutes(s, m1, body)
        (hit,) = search_svc.search(s, "cafe")
        (tail,) = search_svc.search(s, "end")
    assert "«café»" in hit.snippet and "«quoted»" in hit.snippet
    assert hit.snippet.endswith("…") and not hit.snippet.startswith("…")
    assert tail.snippet.startswith("…") and tail.snippet.endswith("«end».")


# --- the migration ----------------------------------------------------------


def _search_objects(connection) -> set[str]:  # noqa: ANN001
    """Names of the search index's tables, triggers, functions and configurations."""
    if connection.dialect.name == "sqlite":
        sql = "select name from sqlite_master where name like 'search_index%'"
    else:
        sql = (
            "select relname from pg_class where starts_with(relname, 'search_index') "
            "union all select tgname from pg_trigger where starts_with(tgname, 'search_index') "
            "union all select proname from pg_proc where starts_with(proname, 'search_index') "
            "or proname = 'peergroup_search_text' "
            "union all select cfgname from pg_ts_config where cfgname = 'peergroup_search' "
            "union all select dictname from pg_ts_dict where dictname = 'peergroup_search_porter'"
        )
    return {r[0] for r in connection.exec_driver_sql(sql)}


def test_migration_installs_the_index_and_its_triggers(db):
    with db.engine.connect() as c:
        if c.dialect.name == "sqlite":
            names = {
                r[0]
                for r in c.exec_driver_sql("select name from sqlite_master where type = 'trigger'")
            }
            sql = c.exec_driver_sql(
                "select sql from sqlite_master where name = 'search_index'"
            ).scalar()
            assert "fts5" in sql and "porter unicode61 remove_diacritics 2" in sql
        else:
            names = {
                r[0]
                for r in c.exec_driver_sql(
                    "select tgname from pg_trigger where tgrelid in "
                    "('minutes'::regclass, 'decision'::regclass, 'actionitem'::regclass, "
                    "'minutesamendment'::regclass) and tgenabled = 'O'"
                )
            }
            index = c.exec_driver_sql(
                "select indexdef from pg_indexes where tablename = 'search_index' "
                "and indexname = 'search_index_tsv'"
            ).scalar()
            assert "USING gin (tsv)" in index
            column = c.exec_driver_sql(
                "select generation_expression from information_schema.columns "
                "where table_name = 'search_index' and column_name = 'tsv'"
            ).scalar()
            assert "peergroup_search" in column
            # No stop words: "not" and "the" are words like any other.
            vector = c.exec_driver_sql(
                "select to_tsvector('peergroup_search', peergroup_search_text('NOT the Café'))"
            ).scalar()
            assert vector == "'cafe':3 'not':1 'the':2"
    assert names >= TRIGGERS


def test_schema_matches_models_once_the_search_index_is_filtered(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from peergroup.models import metadata

    with db.engine.connect() as c:
        unfiltered = compare_metadata(MigrationContext.configure(c), metadata)
        ctx = MigrationContext.configure(
            c,
            opts={
                "include_name": exclude_search_index,
                "compare_type": True,
                "render_as_batch": True,
            },
        )
        diffs = compare_metadata(ctx, metadata)
        sqlite = c.dialect.name == "sqlite"
    if sqlite:
        assert diffs == []
    else:  # the rest of the PostgreSQL schema is compared in test_migrations
        assert not any("search_index" in str(d) for d in diffs)
    assert any("search_index" in str(d) for d in unfiltered)  # the filter is what hides it


def test_downgrade_drops_and_upgrade_backfills(db):
    from peergroup.db import run_migrations

    with db.write() as s:
        _g, ada, (m1, _m2) = build(s)
        write_minutes(s, m1, "Written before the index existed")
        decisions_svc.add_decision(s, m1, "Decided before too")
        minutes_svc.finalise(s, m1.id, ada.id)
        minutes_svc.amend(s, m1.id, ada.id, "Amended before too")
    with db.engine.connect() as c:
        assert len(_search_objects(c)) > len(TRIGGERS)
    run_migrations(db.engine, "0001", downgrade=True)
    with db.engine.connect() as c:
        assert _search_objects(c) == set()
    run_migrations(db.engine)
    with db.write() as s:
        kinds = sorted(h.kind for h in search_svc.search(s, "before"))
        minutes_id = s.exec(select(Minutes.id)).one()
    assert kinds == ["amendment", "decision", "minutes"]
    with db.engine.connect() as c:
        key = "rowid" if c.dialect.name == "sqlite" else "id"
        rowid = c.exec_driver_sql(
            f"select {key} from search_index where kind = 'minutes'"  # noqa: S608
        ).scalar()
    assert rowid == minutes_id * 4


def test_a_members_name_finds_their_action_items_and_a_topic_finds_its_meetings(demo_db):
    from peergroup.services import groups as groups_svc

    with demo_db.read() as s:
        hits = search_svc.search(s, "elena")
        owners = [h for h in hits if h.kind == "owner"]
        assert owners and all(h.snippet.startswith("Elena Sokolova: ") for h in owners)
        assert owners == hits[: len(owners)]  # they come first
        group = groups_svc.list_groups(s)[0]
        # "promotion" is in a meeting's topic in the demo's records
        topic_hits = [
            h for h in search_svc.search(s, "promotion", group=group) if h.kind == "topic"
        ]
        assert topic_hits and all("romotion" in h.snippet for h in topic_hits)
        assert search_svc.search(s, "nosuchpersonorword") == []


# --- both backends give the same hits ---------------------------------------

CORPUS = {
    "Harbour Peers": [
        (
            "Budget talk. We reviewed the budget and agreed the budget is tight; NOT final.",
            ["Adopt the portfolio template", "Budget: café fund for Zürich visit"],
            ["Circulate the portfolio checklist", "E-mail ada@example.org about v3.5.1"],
            "Add: the portfolio deadline moved to March.",
        ),
        (
            "Mentoring plans; naïve questions welcome. Robert'); DROP TABLE minutes;--",
            ["100% sure_about the grant_writing time"],
            ["Read «quoted» notes — and don’t forget the <b>html</b> &amp; entities"],
            None,
        ),
    ],
    "Groupe Été": [
        (
            "Ærøskøbing retreat: straße, Καλημέρα, Привет мир. Notes a:b (x) NEAR(a b) ^start",
            ["Final notes are final", "Budget mentioned once"],
            ['-minus signs and "unbalanced quotes'],
            "Amended: the mentors' café budget.",
        ),
    ],
}

QUERIES = [
    *("budget", "BUDGET", "budg", "portfolio deadline", "deadline portfolio", "portfolio"),
    *("cafe", "café", "CAFÉ", "naive", "zurich", "Zürich", "not final", "final notes"),
    *("a:b", "100%", "sure_about", "grant writing", "drop table", "'); DROP", "--"),
    *("ada@example.org", "example", "e-mail", "mail", "3.5", "v3", "html", "amp"),
    *("don’t", "dont", "«quoted»", "quoted", "mentor", "mentors", "mentoring pla"),
    *("pla mentoring", "Привет", "мир", "καλημέρα", "straße", "Ærøskøbing", "NEAR(a b)"),
    *("^start", "x", "the", "AND OR", "-minus", '"unbalanced', "(x", "*", "nothinghere"),
]

# "3.5" is the phrase "3 5", and "v3.5.1" holds "v3", "5", "1"; "--" and "*" hold no word.
NO_HITS = {"--", "3.5", "dont", "pla mentoring", "AND OR", "*", "nothinghere"}


def build_corpus(database):  # noqa: ANN001, ANN201
    with database.write() as s:
        for name, meetings in CORPUS.items():
            dates = tuple(
                dt.date(2026, 9, 1) + dt.timedelta(days=7 * i) for i in range(len(meetings))
            )
            _group, ada, made = build(s, name, dates)
            for meeting, (minutes, decisions, actions, amendment) in zip(
                made, meetings, strict=True
            ):
                write_minutes(s, meeting, minutes)
                for text in decisions:
                    decisions_svc.add_decision(s, meeting, text)
                for text in actions:
                    actions_svc.add_action_item(s, meeting, text, ada.id)
                if amendment:
                    minutes_svc.finalise(s, meeting.id, ada.id)
                    minutes_svc.amend(s, meeting.id, ada.id, amendment)


def test_sqlite_and_postgresql_find_the_same_hits(db, template_db, tmp_path):
    """The same records and queries on both backends: the same hits, each with a snippet."""
    import shutil

    from peergroup.db import open_database

    if db.engine.dialect.name != "postgresql":
        pytest.skip("compares the PostgreSQL run with SQLite")
    shutil.copyfile(template_db, tmp_path / "parity.db")
    lite = open_database(tmp_path / "parity.db")
    try:
        build_corpus(lite)
        build_corpus(db)
        for query in QUERIES:
            with lite.read() as s:
                on_sqlite = search_svc.search(s, query, limit=100)
            with db.read() as s:
                on_pg = search_svc.search(s, query, limit=100)

            def key(h):  # noqa: ANN001, ANN202
                return (h.group_name, h.on, h.kind, h.ref_id)

            assert {key(h) for h in on_pg} == {key(h) for h in on_sqlite}, query
            assert bool(on_pg) == (query not in NO_HITS), query
            # The order is not compared: bm25 weighs a text's length more than
            # ts_rank_cd does (one mention in three words beats three in fifteen).
            for hit in on_pg:
                assert "\x02" not in hit.snippet and "\x03" not in hit.snippet
                assert MARK_OPEN in hit.snippet or hit.kind in ("owner", "topic"), (query, hit)
    finally:
        lite.close()


def test_without_unaccent_accented_latin_letters_fold_as_in_sqlite():
    """Migration 0002's translate() fallback folds what unicode61 remove_diacritics 2 folds."""
    import importlib.util
    import sqlite3
    from pathlib import Path

    import peergroup.migrations.versions as versions

    path = Path(versions.__path__[0]) / "0002_search.py"
    spec = importlib.util.spec_from_file_location("peergroup_migration_0002_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    src, dst = module._latin_base_letters()
    table = str.maketrans(src, dst)
    c = sqlite3.connect(":memory:")
    c.execute("create virtual table t using fts5(b, tokenize='unicode61 remove_diacritics 2')")
    c.execute("create virtual table v using fts5vocab(t, 'instance')")
    letters = [chr(i) for i in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)] if chr(i).isalpha()]
    c.executemany("insert into t(rowid, b) values (?, ?)", [(ord(ch), ch) for ch in letters])
    on_sqlite = {chr(doc): term for doc, term in c.execute("select doc, term from v")}
    folded = {ch: ch.translate(table).lower() for ch in letters}
    differ = {ch for ch in letters if on_sqlite.get(ch) != folded[ch] and folded[ch] != ch.lower()}
    assert differ == set()
    assert "Zürich Ærø ſ".translate(table) == "Zurich Ærø s"


def test_the_longest_minutes_allowed_are_saved_and_their_start_is_found(world):
    """A million characters of distinct words: SQLite indexes all of it; PostgreSQL's
    tsvector holds at most 1 MB, so it indexes the first 250,000 characters. Either
    way the save goes in (it was refused on PostgreSQL before the cap)."""
    import random

    db, group, ada, m1, m2 = world
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(9)) for _ in range(98_000)]
    text = ("Opening zebraword. " + " ".join(words))[: minutes_svc.MINUTES_MAX]
    with db.write() as s:
        write_minutes(s, m1, text)
    with db.read() as s:
        assert len(s.get(Minutes, minutes_svc.minutes_row(s, m1, create=False).id).text) == len(
            text
        )
        assert [h.meeting_id for h in search_svc.search(s, "zebraword")] == [m1.id]
