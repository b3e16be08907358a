"""A declared collector is not named in the statement's text.

rules.yaml is the statement as code; the statement itself is what visitors read. Each declared
collector's name, or one of its catalogue aliases, must appear in the statement page's visible
text (case and spacing aside), or the statement does not tell visitors what rules.yaml says.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL303", "collector-not-in-statement", "error",
                 "A declared collector's name (or a catalogue alias) is not in the statement's text.")


def check(site):
    text = site.statement_text
    if text is None:
        return  # no statement page: PL301 says so
    for collector in site.policy.collectors:
        names = tuple(dict.fromkeys((collector.name, *(collector.vendor.names if collector.vendor else ()))))
        if any(" ".join(n.split()).lower() in text for n in names):
            continue
        yield site.policy_finding(
            SPEC, collector.position, collector.name,
            f"the statement page {site.policy.statement_page} never names '{collector.name}' "
            f"(nor {', '.join(repr(n) for n in names[1:]) or 'an alias'}); say in the statement that the site "
            "uses it, what it receives and why.")
