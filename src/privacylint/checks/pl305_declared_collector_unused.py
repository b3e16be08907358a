"""A collector declared in rules.yaml is contacted by no page.

The statement then says more than the site does: either the collector was removed and the
statement can be trimmed, or it is loaded in a way privacylint cannot see (edge-injected, or
by a tag manager - list it under that manager's `loads:` and it counts as used when it is). When
some file could not be read (PL001), absence cannot be confirmed: the finding is a note.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL305", "declared-collector-unused", "warning",
                 "A declared collector is contacted by no page of the site.")


def check(site):
    collectors = site.policy.collectors
    used = {c.collector.name for c in site.contacts if c.collector}
    for vendor_id in site.config_vendors():  # turned on in the site config (often in production builds only)
        collector = site.policy.collector_of_vendor(vendor_id)
        if collector:
            used.add(collector.name)
    for collector in collectors:  # what a used tag manager loads is used too
        if collector.name in used:
            used.update(collector.loads)
    unread = sum(not f.checked for f in site.files if f.kind in ("page", "script", "stylesheet"))
    for collector in collectors:
        vendor_id = collector.vendor.id if collector.vendor else None
        if collector.name in used or vendor_id in used:
            continue
        if unread:  # what could not be read is no evidence of absence
            yield site.policy_finding(
                SPEC, collector.position, collector.name,
                f"'{collector.name}' is declared, and no page that could be read contacts it; {unread} "
                f"file{'s' if unread != 1 else ''} could not be read (see PL001), so whether it is unused cannot "
                "be confirmed.", severity="note")
            continue
        yield site.policy_finding(
            SPEC, collector.position, collector.name,
            f"'{collector.name}' is declared but no page contacts it; remove it from rules.yaml (and "
            "the statement) if the site no longer uses it, or list it under the loads: of the tag "
            "manager that loads it.")
