"""Group files: a whole group from TOML, in one transaction, with errors that
name the field at fault (``members[2].emial``) and leave nothing behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import func, select

from peergroup import content, groupfile
from peergroup.errors import InputError
from peergroup.models import (
    Goal,
    GoalCheckin,
    Group,
    Meeting,
    Member,
    MissionVersion,
    PeerTrait,
    Role,
    SkipDate,
)
from peergroup.services import goals as goals_svc
from peergroup.services import groups as groups_svc
from peergroup.services import meetings as meetings_svc
from peergroup.services import membership as membership_svc

TODAY = dt.date(2026, 11, 25)  # "today" for the demo
DEMO_NAME = "Northbridge GIM Clinician-Educator Peer Group"

SMALL_GROUP = """\
[group]
name = "Harbour Lights Peer Group"
target_size = 6

[[members]]
name = "Ada Byron"
email = "ada@example.org"
joined = 2026-01-13

[[members]]
name = "Ben Okri"
email = "ben@example.org"
joined = 2026-01-13

[[goals]]
title = "Everyone drafts a teaching portfolio"
specific = "Each member drafts a teaching portfolio and shares it."
"""

ALL_TABLES = (Group, Member, Role, PeerTrait, Goal, GoalCheckin, MissionVersion, Meeting, SkipDate)


def _write(tmp_path: Path, text: str, name: str = "group.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _row_counts(db) -> dict[str, int]:  # noqa: ANN001
    with db.write() as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in ALL_TABLES}


def _import(db, path: Path) -> str:  # noqa: ANN001
    with db.write() as s:
        return groupfile.import_group(s, groupfile.read(path)).name


def _refused(db, path: Path) -> InputError:  # noqa: ANN001
    """Import ``path`` as the CLI does and return the error; the scope rolls back."""
    with pytest.raises(InputError) as err, db.write() as s:
        groupfile.import_group(s, groupfile.read(path))
    return err.value


# --- the demo file -----------------------------------------------------------


def test_the_demo_group_file_imports_whole(demo_db):
    with demo_db.write() as s:
        group = groups_svc.find_group(s, None)
        assert group.name == DEMO_NAME
        assert (group.target_size, group.membership, group.opt_in_month) == (8, "ongoing", 9)

        summary = membership_svc.summary(s, group, TODAY)
        assert (summary.active, summary.prospective, summary.alumni) == (7, 2, 1)
        assert (summary.openings, summary.recruits_short) == (1, 0)
        rachel = membership_svc.find_member(s, group, "Rachel Goldberg")
        assert (rachel.status, rachel.joined_on, rachel.left_on) == (
            "alumni",
            dt.date(2024, 9, 10),
            dt.date(2026, 6, 30),
        )

        goals = goals_svc.list_goals(s, group)
        assert len(goals) == 8
        assert sum(g.member_id is None for g in goals) == 3
        priya = membership_svc.find_member(s, group, "Priya Raman")
        review = next(g for g in goals if g.title == "Submit a first-author systematic review")
        assert review.member_id == priya.id
        assert goals_svc.latest_progress(s, review) == 55
        assert s.exec(select(func.count()).select_from(GoalCheckin)).one() == 8

        mission = goals_svc.current_mission(s, group)
        assert (mission.adopted_on, mission.revisit_by) == (
            dt.date(2026, 9, 8),
            dt.date(2027, 9, 7),
        )
        assert mission.text.startswith("We are junior clinician-educators")

        assert "Clinician-educator track" in [t.value for t in s.exec(select(PeerTrait))]
        assert group.expect_agenda.startswith("The facilitator circulates the agenda")


def test_the_demos_deliberate_gaps_are_the_only_smart_problems(demo_db):
    with demo_db.write() as s:
        group = groups_svc.find_group(s, DEMO_NAME)
        badges = {g.title: goals_svc.smart_badge(g, TODAY) for g in goals_svc.list_goals(s, group)}
    flagged = {title: badge for title, badge in badges.items() if badge != "SMART"}
    assert flagged == {
        "Win protected time for the group": "SMAR·",  # no due date
        "Get better at difficult feedback conversations": "S·ART",  # no measure
    }


DEMO_MEETINGS = [
    dt.date(2026, 9, 8),
    dt.date(2026, 10, 13),
    dt.date(2026, 11, 10),
    dt.date(2026, 12, 8),
    # 2027-01-12 is a skip date (interview season)
    dt.date(2027, 2, 9),
    # [curriculum] through = 2027-06-08: the plan's meetings to June
    dt.date(2027, 3, 9),
    dt.date(2027, 4, 13),
    dt.date(2027, 5, 11),
    dt.date(2027, 6, 8),
]


def _meeting_dates(db) -> list[tuple[dt.date, dt.time, str]]:  # noqa: ANN001
    with db.write() as s:
        group = groups_svc.find_group(s, None)
        return [(m.on, m.start_time, m.status) for m in meetings_svc.list_meetings(s, group)]


def test_the_demo_schedule_gives_the_same_second_tuesdays_every_time(demo_db, db):
    expected = [(d, dt.time(7, 30), "scheduled") for d in DEMO_MEETINGS]
    assert _meeting_dates(demo_db) == expected
    _import(db, content.demo_group_file())  # a second, separate database
    assert _meeting_dates(db) == expected
    with db.write() as s:
        assert [d.on for d in s.exec(select(SkipDate))] == [dt.date(2027, 1, 12)]
        group = groups_svc.find_group(s, None)
        assert (group.frequency, group.weekday, group.nth, group.timezone) == (
            "monthly-nth-weekday",
            1,
            2,
            "America/New_York",
        )


def test_a_small_group_file_imports(db, tmp_path: Path):
    assert _import(db, _write(tmp_path, SMALL_GROUP)) == "Harbour Lights Peer Group"
    counts = _row_counts(db)
    assert (counts["Group"], counts["Member"], counts["Goal"], counts["Meeting"]) == (1, 2, 1, 0)


# --- bad files: the field is named and nothing is written -----------------------


def test_a_misspelt_member_field_is_named_and_nothing_is_saved(db, tmp_path: Path):
    text = SMALL_GROUP.replace('email = "ben@example.org"', 'emial = "ben@example.org"')
    err = _refused(db, _write(tmp_path, text))
    assert err.field == "members[2].emial"
    assert "not a field here" in err.message and "email" in err.message
    assert str(err).startswith("members[2].emial: ")
    assert set(_row_counts(db).values()) == {0}


BAD_INPUTS = [
    pytest.param(
        SMALL_GROUP + 'owner = "Zed Unknown"\n',
        "goals[1].owner",
        ["'Zed Unknown'", "not one of the [[members]]"],
        id="unknown-goal-owner",
    ),
    pytest.param(
        SMALL_GROUP.replace(
            "joined = 2026-01-13\n\n[[members]]", "joined = 2026-01-13T09:00:00\n\n[[members]]"
        ),
        "members[1].joined",
        ["without a time"],
        id="datetime-for-a-date",
    ),
    pytest.param(
        SMALL_GROUP.replace(
            "joined = 2026-01-13\n\n[[goals]]", 'joined = "2026-02-30"\n\n[[goals]]'
        ),
        "members[2].joined",
        ["2026-02-30", "not a real calendar date"],
        id="impossible-date",
    ),
    pytest.param(
        SMALL_GROUP.replace('name = "Harbour Lights Peer Group"\n', ""),
        "group.name",
        ["is missing"],
        id="group-without-a-name",
    ),
    pytest.param(
        SMALL_GROUP.replace('name = "Ben Okri"', 'name = "ada byron"'),
        "members[2].name",
        ["appears twice"],
        id="same-member-twice",
    ),
    pytest.param(
        SMALL_GROUP + "[agenda]\nfirst = 1\n",
        "file.agenda",
        ["not a field here"],
        id="unknown-section",
    ),
    pytest.param(
        SMALL_GROUP.replace("target_size = 6", "target_size = 600"),
        "group.target_size",
        ["600", "out of range"],
        id="target-size-out-of-range",
    ),
]


@pytest.mark.parametrize(("text", "field", "words"), BAD_INPUTS)
def test_a_bad_group_file_names_the_field_and_writes_nothing(
    db, tmp_path: Path, text: str, field: str, words: list[str]
):
    err = _refused(db, _write(tmp_path, text))
    assert err.field == field
    for word in words:
        assert word in err.message, f"{word!r} missing from {err.message!r}"
    assert set(_row_counts(db).values()) == {0}


def test_a_file_that_is_not_toml_is_refused_with_where_it_broke(tmp_path: Path):
    path = _write(tmp_path, '[group]\nname = "Harbour Lights\n')
    with pytest.raises(InputError) as err:
        groupfile.read(path)
    assert err.value.field == str(path)
    assert "not valid TOML" in err.value.message and "line 2" in err.value.message


def test_a_missing_or_non_utf8_file_is_refused(tmp_path: Path):
    with pytest.raises(InputError) as err:
        groupfile.read(tmp_path / "nowhere.toml")
    assert "no such file" in err.value.message
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[group]\nname = "Études"\n'.encode("latin-1"))
    with pytest.raises(InputError) as err:
        groupfile.read(latin1)
    assert "not UTF-8" in err.value.message


def test_importing_a_group_whose_name_is_taken_is_refused_and_the_first_is_kept(db, tmp_path: Path):
    _import(db, _write(tmp_path, SMALL_GROUP))
    before = _row_counts(db)
    again = SMALL_GROUP.replace("Harbour Lights Peer Group", "HARBOUR LIGHTS peer group")
    err = _refused(db, _write(tmp_path, again, "again.toml"))
    assert err.field == "group.name"
    assert "'Harbour Lights Peer Group' already exists" in err.message
    assert _row_counts(db) == before


def test_a_peer_value_error_names_the_group_file_key(db, tmp_path: Path):
    text = SMALL_GROUP.replace(
        "target_size = 6\n", 'target_size = 6\n\n[peer]\ninstitution = ["Northbridge", ""]\n'
    )
    err = _refused(db, _write(tmp_path, text))
    # the group file calls it `institution` (the form's label is "Institution")
    assert err.field.startswith("peer.institution"), err.field
    assert "empty" in err.message
    assert set(_row_counts(db).values()) == {0}


# --- records of meetings already held ---------------------------------------


def _demo_doc() -> dict:
    from peergroup import content, groupfile

    return groupfile.read(content.demo_group_file())


def test_demo_meeting_records_become_minutes_attendance_and_carried_items(db):
    import datetime as dt

    from sqlmodel import select

    from peergroup import groupfile
    from peergroup.models import ActionItem, Attendance, Meeting, Minutes

    with db.write() as s:
        groupfile.import_group(s, _demo_doc())
        sept = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 9, 8))).one()
        mins = s.exec(select(Minutes).where(Minutes.meeting_id == sept.id)).one()
        assert "Welcomed Mei-Lin" in mins.text and mins.finalised_at is not None
        assert len(s.exec(select(Attendance).where(Attendance.meeting_id == sept.id)).all()) == 7
        statuses = {a.text[:30]: a.status for a in s.exec(select(ActionItem))}
        assert statuses["Circulate a template for the te"[:30]] == "done"
        assert sum(1 for v in statuses.values() if v == "open") == 3
        assert sept.sequence == 0  # an imported record is the meeting's first version
        from peergroup.services import roles

        assert all(
            roles.holder_name(s, m, "Scribe")
            for m in s.exec(select(Meeting))
            if m.status == "scheduled"
        )


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (
            lambda d: d["meetings"][0].__setitem__("on", __import__("datetime").date(2026, 9, 9)),
            "meetings[1].on",
        ),
        (
            lambda d: d["meetings"][1]["actions"][0].__setitem__("owner", "Nobody Here"),
            "meetings[2].actions[1].owner",
        ),
        (
            lambda d: d["meetings"][0]["actions"][0].__setitem__("stat", "done"),
            "meetings[1].actions[1].stat",
        ),
        (lambda d: d["meetings"][2].__setitem__("present", ["Ghost"]), "meetings[3].present[1]"),
    ],
)
def test_a_bad_meeting_record_names_its_field_and_imports_nothing(db, patch, field):
    from sqlmodel import select

    from peergroup import groupfile
    from peergroup.models import Group

    doc = _demo_doc()
    patch(doc)
    with pytest.raises(InputError) as err, db.write() as s:
        groupfile.import_group(s, doc)
    assert err.value.field == field
    with db.write() as s:
        assert s.exec(select(Group)).all() == []


# --- the same file gives the same group whatever day it is imported --------------


def _demo_without_joined_dates() -> str:
    """The demo file with every ``joined`` left out (the alumna keeps her leaving date)."""
    import re

    text = content.demo_group_file().read_text(encoding="utf-8")
    stripped = re.sub(r"(?m)^joined = .*\n", "", text)
    assert stripped.count("joined = ") == 0 and stripped != text
    return stripped


def _import_on(make_db, path: Path, day: dt.date):  # noqa: ANN001, ANN202
    """Import ``path`` into a fresh database whose clock says ``day``; return what it gives."""
    from peergroup.clock import FixedClock
    from peergroup.services import calendar_export
    from peergroup.services import roles as roles_svc

    db = make_db(clock=FixedClock(day))
    with db.write() as s:
        groupfile.import_group(s, groupfile.read(path))
    with db.read() as s:
        group = groups_svc.find_group(s, None)
        members = membership_svc.list_members(s, group)
        joined = {m.name: m.joined_on for m in members}
        group_ics = calendar_export.group_calendar(s, group)[0]
        member_ics = {
            m.name: calendar_export.group_calendar(s, group, member=m)[0] for m in members
        }
        held = roles_svc.holders_by_meeting(s, group)
        role_lines = [
            f"{m.on} {h.role_name}: {h.member_name}"
            for m in meetings_svc.list_meetings(s, group)
            for h in held.get(m.id, {}).values()
        ]
    return joined, group_ics, member_ics, role_lines


def test_a_file_without_joining_dates_imports_the_same_on_any_day(
    make_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    path = _write(tmp_path, _demo_without_joined_dates())
    before = _import_on(make_db, path, dt.date(2026, 8, 3))  # before the first meeting
    after = _import_on(make_db, path, dt.date(2027, 5, 20))  # after every planned one
    joined, group_ics, member_ics, role_lines = before
    # Active members join at the first meeting (2026-09-08), which is also the first
    # recorded meeting they appear in; prospective members and the alumna have no date.
    assert joined["Priya Raman"] == joined["Mei-Lin Zhou"] == dt.date(2026, 9, 8)
    assert joined["Tomás Herrera"] is None and joined["Rachel Goldberg"] is None
    assert group_ics == after[1]
    assert set(member_ics) == set(after[2]) and len(member_ics) == 10
    for name, data in member_ics.items():
        assert data == after[2][name], f"{name}'s calendar differs between the two imports"
    assert member_ics["Priya Raman"].count(b"BEGIN:VEVENT") == len(
        DEMO_MEETINGS
    )  # every planned one
    assert role_lines == after[3] and len(role_lines) == 2 * len(DEMO_MEETINGS)  # scribe, lead
    assert before == after


def test_an_active_member_without_joined_needs_a_schedule_to_take_it_from(db, tmp_path: Path):
    text = SMALL_GROUP.replace("joined = 2026-01-13\n\n[[goals]]", "\n[[goals]]")
    err = _refused(db, _write(tmp_path, text))
    assert err.field == "members[2].joined"
    assert "is missing" in err.message and "Ben Okri" in err.message
    assert "joined = " in err.message and "first_meeting" in err.message
    assert set(_row_counts(db).values()) == {0}
    # Prospective members need no date.
    fine = text.replace('name = "Ben Okri"', 'name = "Ben Okri"\nstatus = "prospective"')
    assert _import(db, _write(tmp_path, fine, "fine.toml")) == "Harbour Lights Peer Group"


def test_a_schedule_without_a_first_meeting_is_refused(db, tmp_path: Path):
    text = SMALL_GROUP + (
        '\n[logistics]\nfrequency = "weekly"\nweekday = "tuesday"\nstart_time = "07:30"\n'
    )
    err = _refused(db, _write(tmp_path, text))
    assert err.field == "logistics.first_meeting"
    assert "is missing" in err.message and "first_meeting = " in err.message
    assert set(_row_counts(db).values()) == {0}


def test_a_member_joins_at_their_earliest_recorded_meeting_if_before_the_first():
    # The rule itself (the schedule today never records a meeting before its first).
    appears = groupfile.core._first_appearances(
        {
            "meetings": [
                {"on": dt.date(2026, 10, 13), "present": ["Zoe\u0308 Ng"]},
                {"on": dt.date(2026, 9, 1), "actions": [{"owner": "ZOË NG", "text": "x"}]},
                {"on": dt.date(2026, 9, 8), "scribe": "Ada Byron"},
                "not a record",
            ]
        }
    )
    assert appears == {"zoë ng": dt.date(2026, 9, 1), "ada byron": dt.date(2026, 9, 8)}
    first = dt.date(2026, 9, 8)
    assert groupfile.core._default_joined("Zoë Ng", first, appears, "m") == dt.date(2026, 9, 1)
    assert groupfile.core._default_joined("Ada Byron", first, appears, "m") == first
    assert groupfile.core._default_joined("Cy", first, appears, "m") == first


# --- text: one spelling of a name, and a byte order mark --------------------------


ZOE_NFC = "Zo\u00eb Ng"
ZOE_NFD = "Zoe\u0308 Ng"


def test_a_name_spelt_in_nfc_and_nfd_is_one_member(db, tmp_path: Path):
    text = SMALL_GROUP.replace("Ada Byron", ZOE_NFC).replace("Ben Okri", ZOE_NFD)
    err = _refused(db, _write(tmp_path, text))
    assert err.field == "members[2].name" and "appears twice" in err.message
    assert set(_row_counts(db).values()) == {0}


def test_an_owner_spelt_in_nfd_finds_the_member_spelt_in_nfc(db, tmp_path: Path):
    text = SMALL_GROUP.replace("Ada Byron", ZOE_NFC) + f'owner = "{ZOE_NFD}"\n'
    _import(db, _write(tmp_path, text))
    with db.read() as s:
        goal = s.exec(select(Goal)).one()
        assert s.get(Member, goal.member_id).name == ZOE_NFC


def test_an_email_spelt_in_nfc_and_nfd_is_one_address(db, tmp_path: Path):
    text = SMALL_GROUP.replace("ada@example.org", "zo\u00eb@example.org").replace(
        "ben@example.org", "zoe\u0308@example.org"
    )
    err = _refused(db, _write(tmp_path, text))
    assert err.field == "members[2].email" and "already belongs to Ada Byron" in err.message
    assert set(_row_counts(db).values()) == {0}


def test_a_byte_order_mark_at_the_start_is_accepted(db, tmp_path: Path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL_GROUP.encode("utf-8"))
    assert _import(db, path) == "Harbour Lights Peer Group"
    assert _row_counts(db)["Member"] == 2


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ('\n[mission]\ntext = "To grow."\n', "mission.adopted"),
        ("\n[[goals.checkins]]\nprogress = 40\n", "goals[1].checkins[1].on"),
    ],
    ids=["mission-adopted", "checkin-on"],
)
def test_dates_that_would_be_the_import_day_must_be_in_the_file(
    db, tmp_path: Path, extra: str, field: str
):
    err = _refused(db, _write(tmp_path, SMALL_GROUP + extra))
    assert err.field == field
    assert "is missing" in err.message and "never takes the day it is imported" in err.message
    assert set(_row_counts(db).values()) == {0}
