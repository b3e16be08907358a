"""rules.yaml declares `consent: not-required` for a collector, or a vendor's cookie, that the
catalogue's baseline says needs consent.

Each catalogue vendor has a default consent class, with the sources it rests on (the EDPB's
guidelines on ePrivacy Art. 5(3), the CNIL's audience-measurement exemption and the vendor's own
documentation; signatures.md §6). Declaring such a vendor exempt may be right (Matomo configured
as exempt audience measurement, for example), but it is a decision a reviewer must see: this
warning stays until an `ignore:` entry with a reason records the exception.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL107", "consent-baseline-override", "warning",
                 "rules.yaml exempts from consent a collector or cookie the catalogue says needs consent.")


def check(site):
    policy = site.policy
    for collector in policy.collectors:
        vendor = collector.vendor
        if vendor is None or collector.consent != "not-required" or vendor.consent != "required":
            continue
        yield site.policy_finding(
            SPEC, collector.position, collector.name,
            f"'{collector.name}' is declared consent: not-required, but the catalogue's baseline for "
            f"{vendor.name} ({vendor.category}) is consent required (source: {vendor.sources[0]}). If the "
            f"exemption is deliberate, record why: ignore: [{{check: PL107, subject: {collector.name}, "
            "reason: ...}]; else declare consent: required and gate it.")
    declared = {c.vendor.id for c in policy.collectors if c.vendor}
    for rule in policy.cookies:
        if rule.consent != "not-required":
            continue
        vendor = next((site.catalogue.vendors[v] for v in sorted(declared)
                       if site.catalogue.vendors[v].consent == "required"
                       and any(p.storage == rule.storage and _same(p.name, rule.name)
                               for p in site.catalogue.vendors[v].cookies)), None)
        if vendor:
            yield site.policy_finding(
                SPEC, rule.position, rule.name,
                f"the cookie '{rule.name}' is declared consent: not-required, but {vendor.name} writes it and "
                f"the catalogue's baseline for {vendor.name} is consent required (source: {vendor.sources[0]}). "
                f"If that is deliberate, record why: ignore: [{{check: PL107, subject: {rule.name}, reason: ...}}].")


def _same(pattern: str, name: str) -> bool:
    """The catalogue's cookie pattern and the declared name (either may be a glob) name one cookie."""
    import fnmatch

    return pattern == name or fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(pattern, name)
