"""A report as a small tree of blocks, written once and rendered as Markdown or HTML.

Every report (the support brief, the annual report, a member's statement, the
department view, the published group folder) builds a ``Document`` from plain
values, and ``to_markdown`` / ``to_html`` turn it into a file. User text is
only ever escaped by the renderers, never by the report code, so no report
can forget it: in Markdown through ``export.markdown``, in HTML through
``html.escape``. The HTML is one self-contained page: inline CSS (with print
rules), inline SVG charts, no scripts, no external resources.

A ``Document`` holds only what may leave the database. Private reflections and
individual answers never belong in one (the privacy canary test runs every
report).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import markdown as md


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 is the document title


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""  # "" | "note" (smaller, muted) | "lead" (emphasised)


@dataclass(frozen=True)
class Facts:
    """Label: value pairs, shown as a definition list."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: Sequence[int] = ()  # column indexes to right-align


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no value for that category


@dataclass(frozen=True)
class Chart:
    """A bar chart: one group of bars per category, one bar per series.

    Rendered as an inline SVG in HTML and as a table in Markdown.
    """

    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    unit: str = ""  # e.g. "%" or "" for counts
    max_value: float | None = None  # fixed scale (e.g. 5 for survey means, 100 for %)


@dataclass(frozen=True)
class Link:
    """A relative link to another page of a published folder."""

    text: str
    href: str


@dataclass(frozen=True)
class Links:
    items: Sequence[Link]


Block = Heading | Para | Facts | Bullets | Table | Chart | Links


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text + unit


# --- Markdown ---------------------------------------------------------------------


def to_markdown(doc: Document) -> str:
    out = [f"# {md.inline(doc.title)}", ""]
    if doc.subtitle:
        out += [f"*{md.inline(doc.subtitle)}*", ""]
    for block in doc.blocks:
        out += _md_block(block)
        out.append("")
    if doc.footer:
        out += ["---", "", md.block(doc.footer), ""]
    return "\n".join(out).rstrip() + "\n"


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * max(2, min(block.level, 6)) + " " + md.inline(block.text)]
    if isinstance(block, Para):
        text = md.block(block.text)
        return [f"*{text}*" if block.style == "note" and "\n" not in text else text]
    if isinstance(block, Facts):
        return [f"- **{md.inline(k)}:** {md.inline(v)}" for k, v in block.rows]
    if isinstance(block, Bullets):
        return [f"- {md.item(i)}" for i in block.items] or ["*None.*"]
    if isinstance(block, Table):
        if not block.rows:
            return ["*None.*"]
        return md.table(
            [md.cell(h) for h in block.header],
            [[md.cell(str(c)) for c in row] for row in block.rows],
        )
    if isinstance(block, Chart):
        header = [md.cell(block.title), *(md.cell(s.label) for s in block.series)]
        rows = [
            [md.cell(cat), *(md.cell(_number(s.values[i], block.unit)) for s in block.series)]
            for i, cat in enumerate(block.categories)
        ]
        return md.table(header, rows)
    if isinstance(block, Links):
        return [f"- [{md.inline(link.text)}](<{_md_href(link.href)}>)" for link in block.items]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _md_href(href: str) -> str:
    return href.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


# --- HTML -------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d2530; --muted: #5b6672; --rule: #d5dbe1; --accent: #2f6b8a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .5rem; border-bottom: 1px solid var(--rule);
     padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
p.note, footer { color: var(--muted); font-size: .9rem; }
p.lead { font-size: 1.05rem; }
p { white-space: pre-line; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { background: #f2f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dt { font-weight: 600; }
dd { margin: 0; }
figure { margin: 1rem 0; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, figure, dl { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

# Colour-blind-safe palette (Okabe-Ito), one per series.
_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")


def esc(value: object) -> str:
    """User text for HTML: escaped, control characters replaced."""
    text = "" if value is None else str(value)
    text = "".join(
        ch if ch in "\n\t" or ord(ch) >= 32 and ch != "\x7f" else "\ufffd" for ch in text
    )
    return html.escape(text, quote=True)


def to_html(doc: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(doc.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{esc(doc.title)}</h1>",
    ]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{esc(doc.subtitle)}</p>')
    parts.append("</header>")
    parts.append("<main>")
    for i, block in enumerate(doc.blocks):
        parts.append(_html_block(block, i))
    parts.append("</main>")
    if doc.footer:
        parts.append(f"<footer>{esc(doc.footer)}</footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_block(block: Block, index: int) -> str:
    if isinstance(block, Heading):
        level = max(2, min(block.level, 6))
        return f"<h{level}>{esc(block.text)}</h{level}>"
    if isinstance(block, Para):
        cls = f' class="{block.style}"' if block.style in ("note", "lead") else ""
        return f"<p{cls}>{esc(block.text)}</p>"
    if isinstance(block, Facts):
        rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in block.rows)
        return f"<dl>{rows}</dl>"
    if isinstance(block, Bullets):
        if not block.items:
            return '<p class="note">None.</p>'
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        if not block.rows:
            return '<p class="note">None.</p>'
        num = set(block.numeric)

        def num_class(i: int) -> str:
            return ' class="num"' if i in num else ""

        head = "".join(f"<th{num_class(i)}>{esc(h)}</th>" for i, h in enumerate(block.header))
        body = "".join(
            "<tr>"
            + "".join(f"<td{num_class(i)}>{esc(c)}</td>" for i, c in enumerate(row))
            + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, Chart):
        return svg_chart(block, index)
    if isinstance(block, Links):
        return (
            "<ul>"
            + "".join(
                f'<li><a href="{esc(link.href)}">{esc(link.text)}</a></li>' for link in block.items
            )
            + "</ul>"
        )
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def svg_chart(chart: Chart, index: int = 0) -> str:
    """A grouped horizontal bar chart as inline SVG, with a text alternative.

    Horizontal bars keep long category names (survey areas, member names)
    readable; values are printed at the end of each bar.
    """
    series = list(chart.series)
    values = [v for s in series for v in s.values if v is not None]
    top = chart.max_value or max(values, default=0) or 1
    label_w, bar_area, bar_h, gap = 170, 330, 12, 10
    group_h = bar_h * max(1, len(series)) + gap
    legend_h = 18 if len(series) > 1 else 0
    height = legend_h + group_h * len(chart.categories) + 6
    width = label_w + bar_area + 60
    title_id = f"chart-{index}-title"
    out = [
        f'<figure><figcaption id="{title_id}">{esc(chart.title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{title_id}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
    ]
    x = label_w
    for si, s in enumerate(series if len(series) > 1 else []):
        colour = _PALETTE[si % len(_PALETTE)]
        out.append(f'<rect x="{x}" y="3" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="12">{esc(s.label)}</text>')
        x += 14 + 7 * len(s.label) + 16
    for ci, category in enumerate(chart.categories):
        y0 = legend_h + ci * group_h
        out.append(
            f'<text x="{label_w - 6}" y="{y0 + group_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{esc(_clip(category, 28))}</text>'
        )
        for si, s in enumerate(series):
            value = s.values[ci] if ci < len(s.values) else None
            y = y0 + si * bar_h
            if value is None:
                out.append(f'<text x="{label_w + 4}" y="{y + bar_h - 2}">–</text>')
                continue
            w = max(0.0, min(1.0, float(value) / float(top))) * bar_area
            colour = _PALETTE[si % len(_PALETTE)]
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{colour}"><title>{esc(s.label)}: {esc(_number(value, chart.unit))}</title>'
                "</rect>"
            )
            out.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">'
                f"{esc(_number(value, chart.unit))}</text>"
            )
    out.append("</svg></figure>")
    return "".join(out)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(doc: Document, fmt: str) -> str:
    """``fmt`` is "md" or "html" (what the output file's suffix asks for)."""
    if fmt == "html":
        return to_html(doc)
    if fmt == "md":
        return to_markdown(doc)
    raise ValueError(f"unknown format {fmt!r}")


def format_for(path_name: str) -> str:
    """ "html" for .html/.htm, else "md" (the CLI's -o FILE.md|FILE.html)."""
    lower = path_name.lower()
    return "html" if lower.endswith((".html", ".htm")) else "md"
