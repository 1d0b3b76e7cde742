"""Reports are built once as blocks and rendered as Markdown or a self-contained page.

Story: a member called ``<script>alert(1)</script> | **Dana**`` appears in a
report; in both formats she is shown as typed, and nothing runs or breaks.
"""

from __future__ import annotations

from html.parser import HTMLParser

from peergroup.export import document as doc_

HOSTILE = "<script>alert(1)</script> | **Dana** [x](http://e) # h"


def _doc() -> doc_.Document:
    d = doc_.Document(HOSTILE, subtitle="Year 2027 & after", footer="Made by Peergroup")
    d.add(
        doc_.Heading(HOSTILE),
        doc_.Para(HOSTILE + "\nsecond line"),
        doc_.Facts([("Members", "7"), (HOSTILE, HOSTILE)]),
        doc_.Bullets([HOSTILE, "plain"]),
        doc_.Table(["Name", "Count"], [[HOSTILE, "3"]], numeric=[1]),
        doc_.Chart(
            "Attendance",
            [HOSTILE, "B"],
            [doc_.Series("2026", [50, None]), doc_.Series("2027", [75.5, 80])],
            unit="%",
            max_value=100,
        ),
        doc_.Links([doc_.Link(HOSTILE, "meetings/2027-01-12.html")]),
    )
    return d


class _Checker(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "rect"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src"):
                self.urls.append(value or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)


def test_html_is_well_formed_self_contained_and_shows_user_text_as_typed():
    page = doc_.to_html(_doc())
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert "script" not in checker.tags
    assert all(not u.startswith(("http:", "https:", "//")) for u in checker.urls)
    assert HOSTILE in "".join(checker.text)
    assert "<svg" in page and "@media print" in page


def test_markdown_shows_user_text_as_typed_and_keeps_its_structure():
    text = doc_.to_markdown(_doc())
    assert "<script>" not in text
    assert "\\<script\\>" in text
    assert "| Name | Count |" in text
    # The hostile name's "|" is escaped, so the table keeps two columns.
    row = next(line for line in text.splitlines() if "alert" in line and line.startswith("|"))
    assert row.count(" | ") == 1
    assert "| Attendance | 2026 | 2027 |" in text
    assert "50% | 75.5%" in text and "– | 80%" in text


def test_format_follows_the_file_suffix():
    assert doc_.format_for("report.HTML") == "html"
    assert doc_.format_for("report.md") == "md"
    assert doc_.render(doc_.Document("T"), "md").startswith("# T")
