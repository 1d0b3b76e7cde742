"""The group folder for a shared drive: members open it from disk, with no network
and no scripts; a republish updates it in place and never shows half a page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlmodel import select

from peergroup.cli import run
from peergroup.clock import FixedClock
from peergroup.db import Database
from peergroup.models import Meeting, Member, Minutes
from peergroup.services import groups as groups_svc
from peergroup.services import meetings as meetings_svc
from peergroup.services import minutes as minutes_svc

TODAY = dt.date(2026, 11, 25)
DEMO = "Northbridge GIM Clinician-Educator Peer Group"
EPOCH = "1795000000"
MANIFEST = ".peergroup-publish.json"


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peergroup.db.SYSTEM", FixedClock(TODAY))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def publish(db: Database, out: Path, capsys, *extra: str) -> int:  # noqa: ANN001
    code = run(["--db", db.target, "publish", str(out), *extra])
    captured = capsys.readouterr()
    publish.last = captured.out + captured.err  # type: ignore[attr-defined]
    return code


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _meeting(session, on: dt.date) -> Meeting:  # noqa: ANN001
    return session.exec(select(Meeting).where(Meeting.on == on)).one()


# --- what the folder holds -----------------------------------------------------------------


def test_the_folder_holds_index_meeting_pages_markdown_and_calendars(demo_db, tmp_path, capsys):
    out = tmp_path / "shared" / "group"
    assert publish(demo_db, out, capsys) == 0, publish.last
    files = tree(out)
    with demo_db.read() as s:
        dates = [m.on for m in s.exec(select(Meeting)).all()]
        active = s.exec(select(Member).where(Member.status == "active")).all()
    for day in dates:
        assert f"meetings/{day}.html" in files and f"meetings/{day}.md" in files
    assert {"index.html", "index.md", "calendar/group.ics", MANIFEST} <= set(files)
    assert len([f for f in files if f.startswith("calendar/")]) == 1 + len(active)
    assert b"BEGIN:VCALENDAR" in files["calendar/priya-raman.ics"]
    index = files["index.html"].decode()
    for part in ("Mission", "Members", "Next meetings", "Open action items", "All meetings"):
        assert f"<h2>{part}</h2>" in index
    # the next meeting with its topic, lead, scribe and place; open items by owner
    assert "Giving difficult feedback to learners" in index
    assert "<h3>Mei-Lin Zhou</h3>" in index
    assert "Find out who approved the hospitalist teaching half-day" in index
    assert 'href="meetings/2026-12-08.html"' in index
    assert "](<meetings/2026-12-08.md>)" in files["index.md"].decode()
    listed = json.loads(files[MANIFEST])["files"]
    assert sorted(listed) == sorted(f for f in files if f != MANIFEST)
    # a finalised meeting: minutes, decisions, attendance, its action items
    october = files["meetings/2026-10-13.html"].decode()
    assert "Everyone logs teaching hours monthly" in october
    assert "Set up the shared teaching-hours sheet" in october
    assert "<dt>Apologies</dt><dd>Jamal Okafor</dd>" in october


def test_draft_minutes_are_never_published(demo_db, tmp_path, capsys):
    with demo_db.write() as s:
        nov = _meeting(s, dt.date(2026, 11, 10))
        minutes = s.exec(select(Minutes).where(Minutes.meeting_id == nov.id)).one()
        assert minutes.finalised_at is None
        minutes_svc.save_minutes(
            s, nov.id, minutes.text + "\nDRAFTWORDQX not agreed", minutes.revision
        )
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0, publish.last
    files = tree(out)
    assert not [name for name, data in files.items() if b"DRAFTWORDQX" in data]
    assert "Minutes not finalised yet." in files["meetings/2026-11-10.html"].decode()
    assert "Minutes not finalised yet." in files["meetings/2026-11-10.md"].decode()
    # Once finalised, they are published.
    with demo_db.write() as s:
        minutes_svc.finalise(s, _meeting(s, dt.date(2026, 11, 10)).id)
    assert publish(demo_db, out, capsys) == 0, publish.last
    assert b"DRAFTWORDQX" in (out / "meetings/2026-11-10.html").read_bytes()


# --- republishing --------------------------------------------------------------------------


def test_publishing_twice_gives_the_same_bytes_and_no_extra_files(demo_db, tmp_path, capsys):
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0
    first = tree(out)
    assert publish(demo_db, out, capsys) == 0
    assert "0 file(s) written" in publish.last and "0 removed" in publish.last
    assert tree(out) == first  # same names, same bytes, no temporary files left behind
    other = tmp_path / "other"
    assert publish(demo_db, other, capsys) == 0
    assert tree(other) == first  # another folder, the same bytes


def test_a_moved_meeting_s_old_page_goes_and_unrelated_files_stay(demo_db, tmp_path, capsys):
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0
    (out / "notes.txt").write_text("ours")
    (out / "meetings" / "our-notes.md").write_text("ours too")
    (out / "old.html").write_text("<p>kept</p>")
    with demo_db.write() as s:
        meetings_svc.move_meeting(s, _meeting(s, dt.date(2027, 2, 9)), dt.date(2027, 2, 16))
    assert publish(demo_db, out, capsys) == 0, publish.last
    assert "2 removed" in publish.last  # its .html and .md
    assert not (out / "meetings/2027-02-09.html").exists()
    assert not (out / "meetings/2027-02-09.md").exists()
    assert (out / "meetings/2027-02-16.html").exists()
    assert (out / "notes.txt").read_text() == "ours"
    assert (out / "meetings" / "our-notes.md").read_text() == "ours too"
    assert (out / "old.html").read_text() == "<p>kept</p>"
    assert "2027-02-09" not in (out / MANIFEST).read_text()


def test_a_folder_with_files_but_no_manifest_is_refused_unless_forced(demo_db, tmp_path, capsys):
    home = tmp_path / "home-folder"
    home.mkdir()
    (home / "thesis.docx").write_bytes(b"mine")
    assert publish(demo_db, home, capsys) == 2
    assert "did not publish" in publish.last and "--force" in publish.last
    assert sorted(p.name for p in home.iterdir()) == ["thesis.docx"]  # nothing written
    assert publish(demo_db, home, capsys, "--force") == 0, publish.last
    assert (home / "index.html").exists() and (home / "thesis.docx").read_bytes() == b"mine"
    # From now on the manifest says the folder is ours: no --force needed.
    assert publish(demo_db, home, capsys) == 0, publish.last


# The database's own folder and file exist only for an SQLite database: a server
# database has no folder on this machine to keep out of a shared one.
@pytest.mark.sqlite_only
def test_the_database_s_folder_is_refused(demo_db, tmp_path, capsys):
    assert publish(demo_db, demo_db.path.parent, capsys) == 2
    assert "holds the database" in publish.last
    assert not (demo_db.path.parent / "index.html").exists()
    assert publish(demo_db, demo_db.path, capsys) == 2  # a file, not a folder


def test_a_manifest_naming_files_outside_the_folder_deletes_nothing_there(
    demo_db, tmp_path, capsys
):
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0
    victim = tmp_path / "victim.md"
    victim.write_text("precious")
    (out / "notes.md").write_text("mine")
    listed = json.loads((out / MANIFEST).read_text())
    listed["files"] += ["../victim.md", str(victim), "notes.txt", ".."]
    (out / MANIFEST).write_text(json.dumps(listed))
    assert publish(demo_db, out, capsys) == 0, publish.last
    assert victim.read_text() == "precious" and (out / "notes.md").read_text() == "mine"
    (out / MANIFEST).write_text("{not json")
    assert publish(demo_db, out, capsys) == 2
    assert "damaged" in publish.last


def test_a_linked_subfolder_is_refused_and_nothing_is_written_through_it(demo_db, tmp_path, capsys):
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2026-12-08.html").write_text("not ours")
    for page in (out / "meetings").iterdir():
        page.unlink()
    (out / "meetings").rmdir()
    (out / "meetings").symlink_to(elsewhere)
    assert publish(demo_db, out, capsys) == 2
    assert "is a link" in publish.last
    assert [p.name for p in elsewhere.iterdir()] == ["2026-12-08.html"]
    assert (elsewhere / "2026-12-08.html").read_text() == "not ours"


def test_a_member_called_group_does_not_take_the_group_calendar(demo_db, tmp_path, capsys):
    with demo_db.write() as s:
        group = groups_svc.find_group(s, DEMO)
        s.add(Member(group_id=group.id, name="Group", status="active", joined_on=TODAY))
        s.add(Member(group_id=group.id, name="Priya  RAMAN", status="active", joined_on=TODAY))
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0, publish.last
    assert b"X-WR-CALNAME:" + DEMO.encode() + b"\r\n" in (out / "calendar/group.ics").read_bytes()
    assert b"(Group)" in (out / "calendar/group-2.ics").read_bytes()
    assert (out / "calendar/priya-raman.ics").exists() and (
        out / "calendar/priya-raman-2.ics"
    ).exists()


# --- a reader never sees half a page -------------------------------------------------------

_READER = """
import hashlib, pathlib, sys
target, stop, ready, out = map(pathlib.Path, sys.argv[1:])
seen = set()
def read():
    seen.add(hashlib.sha256(target.read_bytes()).hexdigest())
read()
ready.write_text("reading")
reads = 1
while not stop.exists():
    read()
    reads += 1
read()
out.write_text(str(reads) + "\\n" + "\\n".join(sorted(seen)))
"""


def test_a_reader_in_another_process_only_ever_sees_whole_pages(
    demo_db, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "folder"
    assert publish(demo_db, out, capsys) == 0
    index = out / "index.html"
    complete = {hashlib.sha256(index.read_bytes()).hexdigest()}
    stop, ready, report = tmp_path / "stop", tmp_path / "ready", tmp_path / "seen"
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(index), str(stop), str(ready), str(report)]
    )
    try:
        for _ in range(400):  # up to 20 s for a loaded machine to start Python
            if ready.exists() or reader.poll() is not None:
                break
            time.sleep(0.05)
        assert ready.exists(), "the reader did not start"
        for i in range(6):  # every publish changes index.html (its stamp)
            monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 3600 * (i + 1)))
            assert publish(demo_db, out, capsys) == 0, publish.last
            complete.add(hashlib.sha256(index.read_bytes()).hexdigest())
    finally:
        stop.write_text("stop")
        reader.wait(timeout=30)
    reads, *seen = report.read_text().splitlines()
    assert len(complete) == 7
    assert set(seen) <= complete, "a reader saw a page that was never complete"
    assert len(seen) >= 2 and int(reads) >= 2  # it really read while pages changed


# --- well-formed, self-contained, escaped --------------------------------------------------

VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "source", "wbr"}


class _Checker(HTMLParser):
    """Tags nest and close; collects every href/src and every event-handler attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src", "action", "srcset", "poster"):
                self.links.append(value or "")
            if name.startswith("on") or name == "style":
                self.errors.append(f"<{tag} {name}=...>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


HOSTILE_NAME = "<script>alert('name')</script> Zed"
HOSTILE_MINUTES = (
    "[click me](javascript:alert(1)) <img src=x onerror=alert(2)> "
    "<a href='https://evil.example/x.js'>x</a> **bold** ![i](https://evil.example/i.png)"
)


@pytest.fixture
def hostile(demo_db):
    with demo_db.write() as s:
        group = groups_svc.find_group(s, DEMO)
        s.add(Member(group_id=group.id, name=HOSTILE_NAME, status="active", joined_on=TODAY))
        nov = _meeting(s, dt.date(2026, 11, 10))
        minutes = s.exec(select(Minutes).where(Minutes.meeting_id == nov.id)).one()
        minutes_svc.save_minutes(s, nov.id, HOSTILE_MINUTES, minutes.revision)
        minutes_svc.finalise(s, nov.id)
    return demo_db


def test_every_page_is_well_formed_self_contained_and_escapes_user_text(hostile, tmp_path, capsys):
    out = tmp_path / "folder"
    assert publish(hostile, out, capsys) == 0, publish.last
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
        checker = _Checker()
        checker.feed(text)
        checker.close()
        assert not checker.errors and not checker.stack, (page, checker.errors, checker.stack)
        assert "script" not in checker.tags and "link" not in checker.tags, page
        assert "img" not in checker.tags and "iframe" not in checker.tags, page
        assert checker.tags.count("style") == 1
        for href in checker.links:
            assert not href.lower().startswith(("http:", "https:", "javascript:", "data:", "//"))
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page.name}: {href} leads nowhere"
            assert out.resolve() in target.parents
    index = (out / "index.html").read_text()
    assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt; Zed" in index
    assert "calendar/script-alert-name-script-zed.ics" in index
    nov = (out / "meetings/2026-11-10.html").read_text()
    assert "[click me](javascript:alert(1)) &lt;img src=x onerror=alert(2)&gt;" in nov
    nov_md = (out / "meetings/2026-11-10.md").read_text()
    assert "\\[click me\\](javascript:alert(1)) \\<img" in nov_md
    unescaped = re.compile(r"(?<!\\)(\]\(javascript|<img|<a )")
    assert not unescaped.search(nov_md)
    index_md = (out / "index.md").read_text()
    assert "\\<script\\>" in index_md and "<script>" not in index_md


def test_file_names_made_unique_never_take_a_name_someone_else_has():
    from peergroup.services.publish import _unique

    assert _unique(["group", "group", "group-2"]) == ["group", "group-3", "group-2"]
    assert _unique(["a", "a", "a"]) == ["a", "a-2", "a-3"]
    for names in (["group", "group", "group-2"], ["a", "a", "a-2", "a-2"], ["b", "b-2", "b"]):
        assert len(set(_unique(names))) == len(names)


def test_force_never_replaces_a_file_of_ones_own_with_the_same_name(demo_db, tmp_path):
    from peergroup.errors import InputError
    from peergroup.export.publish import publish_folder
    from peergroup.services import groups as groups_svc
    from peergroup.services import publish as publish_svc

    folder = tmp_path / "shared"
    folder.mkdir()
    mine = folder / "index.html"
    mine.write_text("my own page", encoding="utf-8")
    with demo_db.read() as s:
        files = publish_svc.build_folder(s, groups_svc.find_group(s, None))
    with pytest.raises(InputError, match="not published by Peergroup"):
        publish_folder(folder, files, force=True)
    assert mine.read_text(encoding="utf-8") == "my own page"
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]
