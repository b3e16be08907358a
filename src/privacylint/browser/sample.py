"""Which pages the browser loads: the homepage, the statement, then one page per layout; with a
number, filled up to it with further pages of each layout in turn.

A layout is what a page's code is made of, as the static pass read it (Site.layout): the scripts
it loads and what its inline scripts do, so a page that shares the homepage's scripts but adds
an inline tracker is a layout of its own.
"""

from __future__ import annotations

from privacylint.facts import FileFacts


def choose_pages(site, how: str) -> list[FileFacts]:
    pages = sorted((f for f in site.files if f.kind == "page" and f.checked), key=lambda f: f.path)
    if how == "all":
        return pages
    chosen: list[FileFacts] = []
    for special in (site.graph.page(site.policy.homepage), site.graph.page(site.policy.statement_page)):
        if special is not None and special.checked and special not in chosen:
            chosen.append(special)
    by_layout: dict[int, list[FileFacts]] = {}
    for page in pages:
        by_layout.setdefault(site.graph.layout(page), []).append(page)
    taken = {site.graph.layout(page) for page in chosen}
    chosen += [group[0] for layout, group in by_layout.items() if layout not in taken]
    if not how.isdigit():
        return chosen
    wanted = int(how)
    rest = [[p for p in group if p not in chosen] for group in by_layout.values()]
    while len(chosen) < wanted and any(rest):  # one more page of each layout in turn
        for group in rest:
            if group and len(chosen) < wanted:
                chosen.append(group.pop(0))
    return chosen[:wanted]
