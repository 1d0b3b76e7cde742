"""Step 2: membership rules, members over time, openings and the opt-in round."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from peergroup.errors import InputError
from peergroup.models import Group, Member, OptInRound
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc
from peergroup.services.membership import MemberInput

TODAY = dt.date(2026, 11, 25)
GROUP = "Harbour Lights Peer Group"


@pytest.fixture
def group_id(db) -> int:
    with db.write() as s:
        return groups_svc.create_group(s, GROUP, timezone="UTC").id


def _members(db) -> list[tuple[str, str]]:  # noqa: ANN001
    with db.write() as s:
        return sorted((m.name, m.email) for m in s.exec(select(Member)))


def _add(s, group: Group, name: str, **kw) -> Member:  # noqa: ANN001
    kw.setdefault("joined_on", "2025-09-09")
    return membership_svc.add_member(s, group, MemberInput(name=name, **kw))


# --- rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "warns", "words"),
    [(3, True, "small"), (4, False, ""), (12, False, ""), (13, True, "large")],
)
def test_target_size_outside_four_to_twelve_warns_but_is_allowed(
    db, group_id: int, size: int, warns: bool, words: str
):
    with db.write() as s:
        group = s.get(Group, group_id)
        groups_svc.set_membership_rules(s, group, target_size=size, membership="ongoing")
    with db.write() as s:
        group = s.get(Group, group_id)
        assert group.target_size == size  # a warning, not a refusal
        warning = membership_svc.summary(s, group, TODAY).size_warning
    if warns:
        assert warning is not None
        assert str(size) in warning and words in warning and "4 to 12" in warning
    else:
        assert warning is None


def test_a_time_limited_group_needs_an_end_date_or_condition(db, group_id: int):
    # the form shows the error and the session is committed anyway: nothing may have changed
    with db.write() as s, pytest.raises(InputError) as err:
        groups_svc.set_membership_rules(
            s, s.get(Group, group_id), target_size=8, membership="time-limited"
        )
    assert err.value.field == "end_date"
    assert "end date" in err.value.message and "end condition" in err.value.message
    with db.write() as s:
        group = s.get(Group, group_id)
        assert (group.membership, group.target_size) == ("ongoing", None)  # nothing changed

    with db.write() as s:
        groups_svc.set_membership_rules(
            s,
            s.get(Group, group_id),
            target_size=8,
            membership="time-limited",
            end_condition="when all members are promoted",
        )
    with db.write() as s:
        group = s.get(Group, group_id)
        assert (group.membership, group.end_condition, group.end_date) == (
            "time-limited",
            "when all members are promoted",
            None,
        )

    with db.write() as s:
        groups_svc.set_membership_rules(
            s,
            s.get(Group, group_id),
            target_size=8,
            membership="time-limited",
            end_date="2028-06-30",
        )
    with db.write() as s:
        assert s.get(Group, group_id).end_date == dt.date(2028, 6, 30)


def test_switching_to_ongoing_clears_the_end_date_and_condition(db, group_id: int):
    with db.write() as s:
        groups_svc.set_membership_rules(
            s,
            s.get(Group, group_id),
            target_size=8,
            membership="time-limited",
            end_date="2028-06-30",
            end_condition="when the grant ends",
        )
    with db.write() as s:
        groups_svc.set_membership_rules(
            s,
            s.get(Group, group_id),
            target_size=8,
            membership="ongoing",
            end_date="2028-06-30",
            end_condition="when the grant ends",
            opt_in_month=9,
        )
    with db.write() as s:
        group = s.get(Group, group_id)
        assert (group.membership, group.end_date, group.end_condition, group.opt_in_month) == (
            "ongoing",
            None,
            "",
            9,
        )


# --- members -----------------------------------------------------------------


def test_members_keep_their_joining_and_leaving_dates_and_status(db, group_id: int):
    with db.write() as s:
        group = s.get(Group, group_id)
        _add(s, group, "Priya Raman", email="priya@example.org", joined_on="2024-09-10")
        _add(
            s,
            group,
            "Rachel Goldberg",
            status="alumni",
            joined_on="2024-09-10",
            left_on="2026-06-30",
        )
        _add(s, group, "Tomás Herrera", status="prospective", joined_on=None)
    with db.write() as s:
        group = s.get(Group, group_id)
        rows = [
            (m.name, m.status, m.joined_on, m.left_on)
            for m in membership_svc.list_members(s, group)
        ]
    assert rows == [
        ("Priya Raman", "active", dt.date(2024, 9, 10), None),
        ("Tomás Herrera", "prospective", None, None),
        ("Rachel Goldberg", "alumni", dt.date(2024, 9, 10), dt.date(2026, 6, 30)),
    ]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (dict(status="alumni", joined_on="2024-09-10"), "left", "date they left"),
        (
            dict(status="active", joined_on="2024-09-10", left_on="2026-06-30"),
            "left",
            "only alumni",
        ),
        (
            dict(status="alumni", joined_on="2026-06-30", left_on="2024-09-10"),
            "left",
            "before the joining date",
        ),
        (dict(status="member"), "status", "prospective, active, alumni"),
        (dict(email="priya.example.org"), "email", "not an e-mail address"),
    ],
)
def test_inconsistent_member_details_are_refused_naming_the_field(
    db, group_id: int, data: dict, field: str, words: str
):
    with db.write() as s, pytest.raises(InputError) as err:
        membership_svc.add_member(
            s, s.get(Group, group_id), MemberInput(name="Priya Raman", **data)
        )
    assert err.value.field == field
    assert words in err.value.message
    assert _members(db) == []


def test_a_second_member_with_the_same_email_in_other_case_is_refused_and_nothing_saved(
    db, group_id: int
):
    with db.write() as s:
        _add(s, s.get(Group, group_id), "Priya Raman", email="Priya.Raman@Northbridge.example.org")
    # the screen catches the error and carries on; the commit must save nothing
    with db.write() as s, pytest.raises(InputError) as err:
        _add(s, s.get(Group, group_id), "Marcus Bell", email="priya.raman@northbridge.example.org")
    assert err.value.field == "email"
    assert "already belongs to Priya Raman" in err.value.message
    assert _members(db) == [("Priya Raman", "Priya.Raman@Northbridge.example.org")]


def test_the_same_email_is_allowed_in_another_group(db, group_id: int):
    with db.write() as s:
        other = groups_svc.create_group(s, "Northbridge Writing Circle", timezone="UTC")
        _add(s, s.get(Group, group_id), "Priya Raman", email="priya@example.org")
        _add(s, other, "Priya Raman", email="priya@example.org")
    assert len(_members(db)) == 2


def test_a_duplicate_email_with_accented_capitals_is_refused_too(db, group_id: int):
    with db.write() as s:
        _add(s, s.get(Group, group_id), "Zoë Adler", email="ZOË@example.org")
    with db.write() as s, pytest.raises(InputError) as err:
        _add(s, s.get(Group, group_id), "Zoe Adler", email="zoë@example.org")
    assert "already belongs to Zoë Adler" in err.value.message
    assert _members(db) == [("Zoë Adler", "ZOË@example.org")]


def test_an_impossible_date_is_refused_naming_the_field(db, group_id: int):
    with db.write() as s, pytest.raises(InputError) as err:
        _add(s, s.get(Group, group_id), "Priya Raman", joined_on="2026-02-30")
    assert err.value.field == "joined"
    assert "2026-02-30" in err.value.message and "not a real calendar date" in err.value.message
    assert _members(db) == []


def test_a_pasted_100000_character_name_is_refused_with_its_length(db, group_id: int):
    with db.write() as s, pytest.raises(InputError) as err:
        _add(s, s.get(Group, group_id), "x" * 100_000)
    assert err.value.field == "name"
    assert "100,000 characters" in err.value.message and "200" in err.value.message
    assert _members(db) == []


@pytest.mark.parametrize("name", ["", "   ", "\n"])
def test_an_empty_name_is_refused(db, group_id: int, name: str):
    with db.write() as s, pytest.raises(InputError) as err:
        _add(s, s.get(Group, group_id), name)
    assert err.value.field == "name"
    assert "empty" in err.value.message
    assert _members(db) == []


def test_a_member_who_leaves_stays_on_record_as_alumni(db, group_id: int):
    with db.write() as s:
        member_id = _add(s, s.get(Group, group_id), "Rachel Goldberg", joined_on="2024-09-10").id
    with db.write() as s:
        membership_svc.member_leaves(s, s.get(Member, member_id), "2026-06-30")
    with db.write() as s:
        rows = list(s.exec(select(Member)))
        assert [(m.id, m.name, m.status, m.left_on) for m in rows] == [
            (member_id, "Rachel Goldberg", "alumni", dt.date(2026, 6, 30))
        ]
        assert rows[0].joined_on == dt.date(2024, 9, 10)


def test_leaving_before_joining_is_refused(db, group_id: int):
    with db.write() as s:
        member_id = _add(s, s.get(Group, group_id), "Mei-Lin Zhou", joined_on="2026-09-08").id
    with db.write() as s, pytest.raises(InputError) as err:
        membership_svc.member_leaves(s, s.get(Member, member_id), "2026-01-01")
    assert err.value.field == "left" and "before Mei-Lin Zhou joined" in err.value.message
    with db.write() as s:
        assert s.get(Member, member_id).status == "active"


# --- openings, recruitment, opt-in ------------------------------------------------


def test_summary_counts_openings_and_the_recruitment_shortfall(db, group_id: int):
    with db.write() as s:
        group = s.get(Group, group_id)
        groups_svc.set_membership_rules(
            s, group, target_size=8, membership="ongoing", opt_in_month=9
        )
        for i in range(5):
            _add(s, group, f"Active {i}", joined_on=f"2025-0{i + 1}-01")
        _add(s, group, "Tomás Herrera", status="prospective", joined_on=None)
        _add(
            s,
            group,
            "Rachel Goldberg",
            status="alumni",
            joined_on="2024-09-10",
            left_on="2026-06-30",
        )
    with db.write() as s:
        summary = membership_svc.summary(s, s.get(Group, group_id), TODAY)
    assert (summary.active, summary.prospective, summary.alumni) == (5, 1, 1)
    assert summary.target == 8
    assert summary.openings == 3
    assert summary.recruits_short == 2  # three openings, one person on the list
    assert summary.size_warning is None
    assert summary.next_opt_in == dt.date(2027, 9, 1)
    assert summary.last_joined == dt.date(2025, 5, 1)


def test_no_openings_when_the_group_is_over_its_target(db, group_id: int):
    with db.write() as s:
        group = s.get(Group, group_id)
        groups_svc.set_membership_rules(s, group, target_size=4, membership="ongoing")
        for i in range(5):
            _add(s, group, f"Active {i}")
    with db.write() as s:
        summary = membership_svc.summary(s, s.get(Group, group_id), TODAY)
    assert (summary.openings, summary.recruits_short) == (0, 0)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 25), dt.date(2027, 9, 1)),  # this year's round is over
        (dt.date(2026, 8, 31), dt.date(2026, 9, 1)),  # the round is next month
        (dt.date(2026, 9, 15), dt.date(2026, 9, 1)),  # the round is this month
    ],
)
def test_next_opt_in_round_date(today: dt.date, expected: dt.date):
    assert membership_svc.next_opt_in(Group(name="g", opt_in_month=9), today) == expected
    assert membership_svc.next_opt_in(Group(name="g", opt_in_month=None), today) is None


def test_a_member_who_opts_out_becomes_alumni_and_the_others_stay(db, group_id: int):
    with db.write() as s:
        group = s.get(Group, group_id)
        stay = _add(s, group, "Priya Raman", joined_on="2024-09-10").id
        go = _add(s, group, "Marcus Bell", joined_on="2024-09-10").id
        _add(s, group, "Tomás Herrera", status="prospective", joined_on=None)
    with db.write() as s:
        rounds = membership_svc.start_opt_in_round(s, s.get(Group, group_id), 2027)
        assert sorted(r.member_id for r in rounds) == sorted(
            [stay, go]
        )  # only active members are asked
        again = membership_svc.start_opt_in_round(s, s.get(Group, group_id), 2027)
        assert sorted(r.id for r in again) == sorted(
            r.id for r in rounds
        )  # asking twice adds nothing
    with db.write() as s:
        by_member = {r.member_id: r for r in s.exec(select(OptInRound))}
        membership_svc.record_opt_in(s, by_member[stay], "in", on=dt.date(2027, 9, 3))
        membership_svc.record_opt_in(s, by_member[go], "out", on=dt.date(2027, 9, 5))
    with db.write() as s:
        assert s.exec(select(func.count()).select_from(OptInRound)).one() == 2
        answers = {r.member_id: (r.answer, r.answered_on) for r in s.exec(select(OptInRound))}
        assert answers == {stay: ("in", dt.date(2027, 9, 3)), go: ("out", dt.date(2027, 9, 5))}
        priya, marcus = s.get(Member, stay), s.get(Member, go)
        assert (priya.status, priya.left_on) == ("active", None)
        assert (marcus.status, marcus.left_on) == ("alumni", dt.date(2027, 9, 5))


# --- what the members screen reads and does (by id, on the database's clock) -------

A_TUESDAY = dt.date(2027, 3, 2)  # not the tests' usual "today": the clock decides


@pytest.fixture
def other_day_db(make_db):  # noqa: ANN001
    from peergroup.clock import FixedClock

    return make_db(clock=FixedClock(A_TUESDAY))


def test_the_members_view_has_the_rules_the_counts_and_every_member_in_order(db, group_id):
    with db.write() as s:
        group = s.get(Group, group_id)
        groups_svc.set_membership_rules(
            s, group, target_size=6, membership="time-limited", end_condition="all promoted"
        )
        _add(s, group, "Zara Young")
        _add(s, group, "ada byron", email="ada@example.org")
        _add(s, group, "Tomás Herrera", status="prospective", joined_on=None)
        _add(s, group, "Rachel Goldberg", status="alumni", left_on="2026-06-30")
    with db.read() as s:
        view = membership_svc.members_view(s, group_id, TODAY)
    assert view.group_name == GROUP
    assert (view.membership, view.end_condition, view.end_date) == (
        "time-limited",
        "all promoted",
        None,
    )
    assert [(m.name, m.status) for m in view.members] == [
        ("ada byron", "active"),
        ("Zara Young", "active"),
        ("Tomás Herrera", "prospective"),
        ("Rachel Goldberg", "alumni"),
    ]
    assert view.members[0].email == "ada@example.org"
    assert view.members[3].left_on == dt.date(2026, 6, 30)
    counts = view.summary
    assert (
        counts.active,
        counts.prospective,
        counts.alumni,
        counts.openings,
        counts.recruits_short,
    ) == (2, 1, 1, 4, 3)


def test_a_prospective_member_joins_on_the_databases_day(other_day_db):
    db = other_day_db
    with db.write() as s:
        group = groups_svc.create_group(s, GROUP, timezone="UTC")
        tomas = _add(s, group, "Tomás Herrera", status="prospective", joined_on=None).id
        priya = _add(s, group, "Priya Raman", joined_on="2024-09-10").id
    with db.write() as s:
        joined = membership_svc.join_group(s, tomas)
        again = membership_svc.join_group(s, priya)
    assert (joined.name, joined.joined_on, joined.already_active) == (
        "Tomás Herrera",
        A_TUESDAY,
        False,
    )
    assert (again.joined_on, again.already_active) == (dt.date(2024, 9, 10), True)
    with db.read() as s:
        assert (s.get(Member, tomas).status, s.get(Member, tomas).joined_on) == (
            "active",
            A_TUESDAY,
        )
        assert s.get(Member, priya).joined_on == dt.date(2024, 9, 10)  # unchanged


def test_leaving_and_opting_out_default_to_the_databases_day(other_day_db):
    db = other_day_db
    with db.write() as s:
        group = groups_svc.create_group(s, GROUP, timezone="UTC")
        dana = _add(s, group, "Dana Okafor").id
        ben = _add(s, group, "Ben Okri").id
        added = _add(s, group, "Cy Twombly", joined_on=None).id  # active, no date: today
    with db.write() as s:
        left = membership_svc.leave_group(s, dana)
        rounds = membership_svc.start_opt_in_round(
            s, s.get(Group, s.get(Member, ben).group_id), 2027
        )
        out = next(r for r in rounds if r.member_id == ben)
        membership_svc.record_opt_in(s, out, "out")
    assert (left.status, left.left_on) == ("alumni", A_TUESDAY)
    with db.read() as s:
        assert s.get(Member, ben).left_on == A_TUESDAY
        answered = s.exec(select(OptInRound).where(OptInRound.member_id == ben)).one()
        assert (answered.answer, answered.answered_on) == ("out", A_TUESDAY)
        assert s.get(Member, added).joined_on == A_TUESDAY


def test_saving_a_member_by_id_adds_or_changes_them(db, group_id):
    with db.write() as s:
        added = membership_svc.save_member(
            s, group_id, None, MemberInput(name="Ada Byron", joined_on="2026-01-13")
        )
    with db.write() as s:
        changed = membership_svc.save_member(
            s, group_id, added.id, MemberInput(name="Ada King", joined_on="2026-01-13", notes="n")
        )
    assert changed.id == added.id and (changed.name, changed.notes) == ("Ada King", "n")
    with db.read() as s:
        assert membership_svc.member_details(s, added.id).name == "Ada King"
    assert _members(db) == [("Ada King", "")]


def test_the_rules_form_reads_and_saves_by_group_id_with_the_size_warning(db, group_id):
    with db.write() as s:
        saved = groups_svc.save_rules(s, group_id, target_size="15", membership="ongoing")
    assert saved.group_id == group_id and "15 is large" in saved.warning
    with db.write() as s:
        quiet = groups_svc.save_rules(
            s, group_id, target_size=8, membership="ongoing", opt_in_month=9
        )
    assert quiet.warning is None
    with db.read() as s:
        rules = groups_svc.rules_view(s, group_id)
    assert (rules.group_name, rules.target_size, rules.membership, rules.opt_in_month) == (
        GROUP,
        8,
        "ongoing",
        9,
    )
