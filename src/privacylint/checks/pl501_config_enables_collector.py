"""The site's config turns on a collector that rules.yaml does not declare.

Themes add analytics and comments from one config key (`google_analytics: G-...` in Jekyll's
minima, `services.googleAnalytics.ID` in Hugo, `extra.analytics` in Material for MkDocs), often
only in production builds, so the built site a CI job checks may not show it at all. The config
is then the evidence: the collector must be declared anyway.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL501", "config-enables-collector", "error",
                 "The site config turns on a collector that rules.yaml does not declare.")


def check(site):
    for vendor_id, settings in site.config_vendors().items():
        if site.policy.collector_of_vendor(vendor_id):
            continue
        vendor = site.catalogue.vendors[vendor_id]
        for setting in settings:
            yield site.config_finding(
                SPEC, setting, setting.key,
                f"{setting.key} turns on {vendor.name}, which no collector in rules.yaml declares; declare it "
                f"(collectors: name as the statement names it, vendor: {vendor_id}) or remove the setting.")
