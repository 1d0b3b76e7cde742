"""Two copies of the app on one database: no 'database is locked', no lost minutes."""

from __future__ import annotations

import datetime as dt
import threading

from sqlmodel import select

from peergroup.db import open_database
from peergroup.models import Meeting, Minutes, MinutesConflict
from peergroup.services import minutes as minutes_svc


def test_two_copies_saving_at_once_never_fail_and_keep_every_text(demo_db):
    with demo_db.write() as s:
        meeting_id = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one().id
        minutes_svc.open_meeting(s, s.get(Meeting, meeting_id))
    copies = [open_database(demo_db.target), open_database(demo_db.target)]
    errors: list[BaseException] = []
    written: dict[int, list[str]] = {0: [], 1: []}

    def scribe(n: int) -> None:
        db = copies[n]
        revision = 0
        text = ""
        try:
            for i in range(40):
                text += f"copy{n}-line{i}\n"
                with db.write() as s:
                    # each copy also reads, as the screen does between saves
                    minutes_svc.open_meeting(s, s.get(Meeting, meeting_id))
                    result = minutes_svc.save_minutes(s, meeting_id, text, revision)
                revision = result.revision
                written[n].append(text)
                if result.conflict:
                    text = result.their_text or ""
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=scribe, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for db in copies:
        db.close()
    assert errors == []
    with demo_db.write() as s:
        final = s.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).one().text
        kept = {c.text for c in s.exec(select(MinutesConflict))}
    # each copy's last text survives: the stored minutes grew from it, or it is kept as a conflict copy
    for n in (0, 1):
        last = written[n][-1]
        assert final.startswith(last) or last in kept, (n, last[-40:], final[-40:])
