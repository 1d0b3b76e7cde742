"""Outside experts (step 7): the roster, invitations through their pipeline,
the agenda and calendar naming a confirmed guest, and the roadmap statuses.

Stories: an expert's e-mail is checked; an invitation to a cancelled or past
meeting is refused with the field named; invited -> confirmed puts the guest
on the agenda and in the .ics description with a higher SEQUENCE; an invited
expert who has not answered two weeks before the meeting jumps the roadmap
queue; a wanted topic that needs outside input and has no expert is flagged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from curriculum_helpers import TODAY, build_group

from peergroup import steps
from peergroup.errors import InputError
from peergroup.services import (
    calendar_export,
    curriculum,
    experts,
    groups,
    meetings,
    minutes,
    needs,
)


def _expert(s, gid, **change):  # noqa: ANN001, ANN202
    data = dict(name="Dr. Lena Ortiz", affiliation="IRB office", email="lena@example.org")
    data.update(change)
    return experts.save_expert(s, gid, None, experts.ExpertInput(**data))


def _invite(s, gid, eid, meeting_id, status="idea", today=TODAY, iid=None):  # noqa: ANN001, ANN202
    return experts.save_invitation(
        s, gid, iid, experts.InvitationInput(eid, meeting_id, status=status), today
    )


def test_an_expert_needs_a_name_and_a_real_email_and_nothing_half_saves(db):
    with db.write() as s:
        gid, _people, t = build_group(s)
        for change, field in (({"name": "  "}, "name"), ({"email": "lena at irb"}, "email")):
            with pytest.raises(InputError) as err:
                _expert(s, gid, **change)
            assert err.value.field == field
        with pytest.raises(InputError):
            _expert(s, gid, topic_ids=(t["scholarly-irb-basics"], 99_999))
        assert experts.guests(s, gid) == {}
        eid = _expert(s, gid, topic_ids=(t["scholarly-irb-basics"],))
        assert experts.linked_topic_ids(s, gid) == {t["scholarly-irb-basics"]}
        assert experts.get_expert(s, eid).email == "lena@example.org"


def test_no_invitation_to_a_cancelled_or_past_meeting(db):
    with db.write() as s:
        gid, _people, _t = build_group(s)
        eid = _expert(s, gid)
        ms = curriculum.upcoming(s, gid, TODAY)
        meetings.cancel_meeting(s, ms[0])
        with pytest.raises(InputError) as err:
            _invite(s, gid, eid, ms[0].id)
        assert err.value.field == "meeting" and "cancelled" in err.value.message
        with pytest.raises(InputError) as err:
            _invite(s, gid, eid, ms[1].id, today=ms[1].on + dt.timedelta(days=1))
        assert err.value.field == "meeting" and "in the past" in err.value.message
        iid = _invite(s, gid, eid, ms[1].id)
        with pytest.raises(InputError) as err:
            _invite(s, gid, eid, ms[1].id)  # one invitation per expert and meeting
        assert err.value.field == "meeting"
        # changing an invitation to a meeting that has passed is fine (marking it attended)
        _invite(s, gid, eid, ms[1].id, "invited", iid=iid)
        _invite(s, gid, eid, ms[1].id, "confirmed", iid=iid)
        later = ms[1].on + dt.timedelta(days=1)
        _invite(s, gid, eid, ms[1].id, "attended", today=later, iid=iid)


def test_the_status_pipeline_allows_its_steps_and_refuses_jumps(db):
    with db.write() as s:
        gid, _people, _t = build_group(s)
        eid = _expert(s, gid)
        m = curriculum.upcoming(s, gid, TODAY)[2]
        iid = _invite(s, gid, eid, m.id)
        with pytest.raises(InputError) as err:
            _invite(s, gid, eid, m.id, "confirmed", iid=iid)  # idea -> confirmed skips asking
        assert err.value.field == "status" and "invited" in err.value.message
        assert experts.advance(s, iid, TODAY) == "Dr. Lena Ortiz: invited."
        row = experts.get_invitation(s, iid)
        assert (row.status, row.invited_on, row.answered_on) == ("invited", TODAY, None)
        with pytest.raises(InputError) as err:  # the meeting has not happened yet
            _invite(s, gid, eid, m.id, "attended", iid=iid)
        _invite(s, gid, eid, m.id, "declined", today=TODAY + dt.timedelta(days=2), iid=iid)
        assert experts.get_invitation(s, iid).answered_on == TODAY + dt.timedelta(days=2)
        with pytest.raises(InputError):
            experts.advance(s, iid, TODAY)  # declined: no "next" step, edit instead
        _invite(s, gid, eid, m.id, "invited", iid=iid)  # asked again
        assert experts.get_invitation(s, iid).answered_on is None
        experts.advance(s, iid, TODAY)
        with pytest.raises(InputError):
            experts.advance(s, iid, TODAY)  # confirmed -> attended only after the meeting
        assert experts.advance(s, iid, m.on) == "Dr. Lena Ortiz: attended."
        with pytest.raises(InputError) as err:
            experts.remove_expert(s, eid)
        assert "for the record" in err.value.message


def test_a_confirmed_expert_is_on_the_agenda_and_in_the_calendar_event(db):
    with db.write() as s:
        gid, _people, _t = build_group(s)
        group = groups.get_group(s, gid)
        eid = _expert(s, gid)
        m = curriculum.upcoming(s, gid, TODAY)[1]
        iid = _invite(s, gid, eid, m.id, "invited")
        seq = m.sequence
        assert minutes.open_meeting(s, m, TODAY).guests == ()
        experts.advance(s, iid, TODAY)  # confirmed
        assert m.sequence == seq + 1
        assert minutes.open_meeting(s, m, TODAY).guests == ("Dr. Lena Ortiz (IRB office)",)
        ics = calendar_export.group_calendar(s, group)[0].decode().replace("\r\n ", "")
        assert "Guest expert: Dr. Lena Ortiz (IRB office)" in ics
        experts.remove_invitation(s, iid)
        assert m.sequence == seq + 2
        ics = calendar_export.group_calendar(s, group)[0].decode()
        assert "Lena" not in ics


def test_home_statuses_for_outside_expertise(db):
    with db.write() as s:
        gid, people, t = build_group(s)
        group = groups.get_group(s, gid)

        def step7(today=TODAY):  # noqa: ANN001, ANN202
            return next(x for x in steps.roadmap(s, group, today) if x.key == "experts")

        assert step7().state == "optional"
        rid = needs.open_round(s, gid, TODAY, TODAY, TODAY)
        for pid in people.values():
            needs.save_ratings(s, rid, pid, {t["scholarly-irb-basics"]: 5}, "", TODAY)
        flagged = step7(TODAY + dt.timedelta(days=1))
        assert flagged.state == "todo" and "IRB basics" in flagged.next_action
        eid = _expert(s, gid, topic_ids=(t["scholarly-irb-basics"],))
        assert step7().state == "done"
        m = curriculum.upcoming(s, gid, TODAY)[1]  # 9 Feb 2027
        iid = _invite(s, gid, eid, m.id, "invited")
        assert step7().state == "done"  # more than two weeks ahead
        close = m.on - dt.timedelta(days=10)
        late = step7(close)
        assert late.state == "attention" and "has not confirmed" in late.next_action
        assert "Tue 9 Feb 2027" in late.next_action
        experts.advance(s, iid, close)
        assert step7(close).state == "done"
