"""A tag manager is used, but its declaration lists nothing under `loads:`.

A tag manager (Google Tag Manager, Segment, ...) loads whatever its container is configured to
load, outside the site's code: nothing in the build shows which collectors it fires. The
statement must name them anyway; `loads:` is where rules.yaml says which they are, so the
declaration can be reviewed against the container.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL103", "opaque-tag-loader", "warning",
                 "A tag manager is declared with nothing under loads:, so what it loads is unknown.")


def check(site):
    for c in site.contacts:
        collector = c.collector
        if not (c.vendor and c.vendor.tag_manager and collector) or collector.loads:
            continue
        yield site.finding(
            SPEC, c.file.path, c.line, c.column, c.site,
            f"{collector.name} loads whatever its container is configured to, and its declaration lists "
            "nothing under loads:. List the collectors the container fires (loads: [Google Analytics, ...]), "
            "declare each, and name them in the statement.")
