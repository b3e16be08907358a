"""The site writes a cookie or Web Storage key that rules.yaml does not declare.

ePrivacy Art. 5(3) covers any storage on the visitor's device, cookies and localStorage alike,
so each key the site writes belongs in the statement. Writes whose key is computed at run time
cannot be named statically and are left to the inventory.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL201", "undeclared-cookie", "error",
                 "The site writes a cookie or storage key that rules.yaml does not declare.")

_WORDS = {"cookie": "cookie", "local": "localStorage key", "session": "sessionStorage key"}


def check(site):
    seen = set()
    for f in site.files:
        for w in f.writes:
            if w.name is None or (f.path, w.storage, w.name) in seen:
                continue
            if site.policy.cookie_rule_for(w.name, w.storage):
                continue
            seen.add((f.path, w.storage, w.name))
            storage = "" if w.storage == "cookie" else f", storage: {w.storage}"
            yield site.finding(
                SPEC, f.path, w.line, w.column, w.name,
                f"{w.api} writes the {_WORDS[w.storage]} '{w.name}', which rules.yaml does not declare. "
                f"Declare it under cookies: (name: {w.name}{storage}, with its purpose and consent) "
                "or stop writing it.")
