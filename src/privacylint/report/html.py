"""`--format html=report.html`: one self-contained evidence report for a privacy officer.

The inventory (who receives visitor data, how, on how many pages, behind which gate), a bar per
third party of the pages it reaches and how many of them gated, the cookies and who writes them,
then the problems, one per root cause with its pages and its fix, each linked to its check's
documentation at the end of the file. Nothing is fetched: inline CSS, no script, no font, no
image, and a Content-Security-Policy that forbids any request should site text ever smuggle
markup in (all site text is escaped).

Each check's documentation is its README rendered by markdown-it-py (CommonMark and tables) with
raw HTML off, so a README's `<script>` is text, and images off, so it cannot ask for one; its
headings sit under the report's own.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape

from privacylint import __version__
from privacylint.explain import readme
from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report.common import Group, groups, pages_of, spread, summary, where
from privacylint.report.tables import COOKIE_COLUMNS, PARTY_COLUMNS, cookie_rows, party_rows, ungated_pages

_SHOWN = 20  # pages listed per problem
_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right}
.bar{display:flex;width:12rem;height:.8rem;background:#eee;border-radius:2px;overflow:hidden}
.gated{background:#2e7d32}.ungated{background:#c62828}
.finding{border-left:4px solid #999;padding:.4rem .8rem;margin:.8rem 0;background:#fafafa}
.finding.error{border-color:#c62828}.finding.warning{border-color:#ef6c00}.finding.note{border-color:#1565c0}
.sev{font-weight:600;text-transform:uppercase;font-size:.8rem}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6rem}
section.doc{border-top:1px solid #e3e3e3;margin-top:1.5rem}section.doc h3{font-size:1.25rem}
.no{color:#c62828;font-weight:600}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def escape(text: str) -> str:
    """Site text, inert as HTML and printable (no control character or line break of its own)."""
    return _escape(printable(text))


def render(result: Result) -> str:
    found = groups(result.findings)
    parts = [(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
              f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">'
              f"<title>privacylint report</title><style>{_CSS}</style></head><body>"),
             f"<h1>privacylint report</h1><p id=\"summary\">{escape(summary(result))}</p>"]
    parts += _inventory(result)
    parts.append(f'<h2 id="problems">Problems ({len(found):,})</h2>')
    parts += [_finding(g) for g in found] or ["<p>None.</p>"]
    parts += _check_docs(sorted({g.first.check for g in found}))
    parts.append(f"<footer><p>privacylint {escape(__version__)}</p></footer></body></html>\n")
    return "\n".join(parts)


def _inventory(result: Result) -> list[str]:
    collectors = result.inventory.get("collectors", [])
    rows = party_rows(result)
    most = max((c.get("pages", 0) for c in collectors), default=0) or 1
    body = []
    for c, row in zip(collectors, rows):
        pages, ungated = c.get("pages", 0), ungated_pages(c)
        bar = (f'<div class="bar" title="{pages:,} pages, {pages - ungated:,} gated">'
               f'<span class="gated" style="width:{100 * (pages - ungated) / most:.1f}%"></span>'
               f'<span class="ungated" style="width:{100 * ungated / most:.1f}%"></span></div>')
        body.append(_row(row, extra=bar))
    out = ['<h2 id="inventory">Third parties</h2>', '<table id="parties">',
           _head(PARTY_COLUMNS + ("pages reached (green: gated)",)), *body, "</table>"]
    out += ['<h2 id="cookies">Cookies and storage</h2>', '<table id="cookies-table">', _head(COOKIE_COLUMNS),
            *(_row(r) for r in cookie_rows(result)), "</table>"]
    outbound = result.inventory.get("outbound_domains", [])
    if outbound:
        out.append(f"<p>Links lead to {len(outbound):,} other sites (not contacted until clicked).</p>")
    return out


def _head(columns: tuple[str, ...]) -> str:
    return "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>"


def _row(cells: tuple[str, ...], extra: str | None = None) -> str:
    tds = []
    for cell in cells:
        numeric = cell.replace(",", "").isdigit()
        css = ' class="n"' if numeric else ' class="no"' if cell == "no" else ""
        tds.append(f"<td{css}>{escape(cell)}</td>")
    if extra is not None:
        tds.append(f"<td>{extra}</td>")
    return "<tr>" + "".join(tds) + "</tr>"


def _finding(group: Group) -> str:
    f = group.first
    shown, more = pages_of(group, _SHOWN)
    pages = ""
    if f.origin or len(group.members) > 1:
        items = "".join(f"<li><code>{escape(s)}</code></li>" for s in shown)
        tail = f"<li>and {more:,} more</li>" if more else ""
        pages = f"<details><summary>{spread(group)}</summary><ul>{items}{tail}</ul></details>"
    return (f'<div class="finding {f.severity}" data-check="{f.check}" data-pages="{len(group.members)}">'
            f'<span class="sev">{f.severity}</span> <a href="#{f.check}">{f.check} {escape(f.name)}</a> '
            f"at <code>{escape(where(f.primary))}</code><p>{escape(f.message)}</p>{pages}</div>")


def _check_docs(check_ids: list[str]) -> list[str]:
    if not check_ids:
        return []
    out = ['<h2 id="checks">The checks, and how to fix what they find</h2>']
    for cid in check_ids:
        doc = readme(cid)
        body = markdown(doc) if doc else f"<h3>{cid}</h3><p>See <code>privacylint --explain {cid}</code>.</p>"
        out.append(f'<section class="doc" id="{cid}">\n{body}</section>')
    return out


@lru_cache(maxsize=1)
def _markdown_it():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def markdown(text: str, shift: int = 2) -> str:
    """A README as HTML: raw HTML in it is text, images are not rendered, `# h` becomes <h3>."""
    md = _markdown_it()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return md.renderer.render(tokens, md.options, {})
