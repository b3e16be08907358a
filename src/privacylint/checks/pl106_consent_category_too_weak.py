"""A consent gate holds, but under a category weaker than the vendor's kind needs.

A visitor who accepts "preferences" has not agreed to be measured, and one who accepts
"statistics" has not agreed to advertising. Each catalogue vendor's category has a consent class
(vendors.yaml `consent_classes`: analytics needs statistics, advertising and social need
marketing, embeds and fonts need preferences), and each consent manager's categories have one
(`consent_categories`). When the markup holds a vendor back under a weaker class than its own,
the gate works but asks the wrong question.
"""

from privacylint.checks.base import CheckSpec, shorten
from privacylint.gates import gate_of
from privacylint.vendors import CONSENT_CLASSES

SPEC = CheckSpec("PL106", "consent-category-too-weak", "warning",
                 "A gate holds a vendor back under a consent category weaker than its kind needs.")


def check(site):
    for c in site.contacts:
        vendor = c.vendor
        if vendor is None or c.collector is None or c.collector.consent != "required":
            continue
        gate = gate_of(site, c.place)
        if not gate.held or gate.category is None:
            continue
        needed = site.catalogue.consent_class_of(vendor)
        have = site.consent.category_class(gate.kind, gate.category)
        if not needed or not have or CONSENT_CLASSES.index(have) >= CONSENT_CLASSES.index(needed):
            continue
        manager = site.catalogue.vendors[gate.kind]
        kind = vendor.name if vendor.consent_class else vendor.category  # a vendor's own class, or its category's
        better = [name for name, cls in manager.consent_categories.items() if cls == needed]
        yield site.finding(
            SPEC, c.file.path, c.line, c.column, c.site,
            f"{vendor.name} ({shorten(c.evidence, 60)}) is held back under {manager.name}'s '{gate.category}' "
            f"({have}), but {kind} needs {needed} consent; hold it under "
            f"{' or '.join(repr(b) for b in better) or 'a ' + needed + ' category'}.")
