"""A consent manager's configuration pre-selects a category or service the visitor must agree to.

A pre-selected switch still waits for the visitor's click (Klaro's `default: true` and
CookieConsent's `enabled: true` in opt-in mode load nothing before it: the conformance suite
checks this against each library in Chromium), so it is no PL102. But whoever clicks "save"
without looking agrees to it: consent must be an active choice, and a pre-ticked box is not one.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL108", "pre-ticked-consent", "warning",
                 "The consent manager's configuration pre-selects a category the visitor must opt into.")

_FLAG = {"klaro": "default: true", "cookieconsent": "enabled: true"}
_FIX = {"klaro": "set `default: false` (or leave it out)", "cookieconsent": "remove `enabled: true`"}


def check(site):
    for cmp, settings in sorted(site.consent.manager_config.items()):
        vendor = site.catalogue.vendors.get(cmp)
        manager = vendor.name if vendor else cmp
        for name, setting in sorted(settings.items()):
            if setting.state != "pre-ticked":
                continue
            yield site.finding(
                SPEC, setting.path, setting.line, setting.column, name,
                f"the site's {manager} configuration pre-selects '{name}' ({_FLAG.get(cmp, 'on by default')}): "
                "a visitor who saves the banner's choices without looking consents to it, and consent must be "
                f"an active choice. {_FIX.get(cmp, 'Leave it unselected').capitalize()} so that it waits for "
                "the visitor to switch it on.")
