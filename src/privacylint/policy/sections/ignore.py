"""ignore: accepted findings, each with its reason and, optionally, an expiry date."""

from __future__ import annotations

from privacylint.policy.model import IgnoreRule
from privacylint.policy.reader import as_date, did_you_mean, shown_value

KEY = "ignore"


def read(r, root, policy) -> None:
    out = []
    for node, pos, where in r.entries(root, "ignore"):
        if r.mapping(node, pos, where, ("check", "paths", "subject", "reason", "expires"), ("check", "reason")) is None:
            continue
        check = r.string(node, "check", where)
        if check and check not in r.check_ids:
            r.error(r.value_pos(node, "check"), f"unknown check '{check}'{did_you_mean(check, r.check_ids)}")
        expires = as_date(node.get("expires"))
        if expires is False:
            r.error(r.value_pos(node, "expires"), f"{where}.expires must be a date that exists, like 2027-06-30, "
                                                  f"not '{shown_value(node.get('expires'))}'")
            expires = None
        reason = r.string(node, "reason", where)
        paths = tuple(v for v, _ in r.strings(node, "paths", where)) or ("**",)
        if check and reason:
            out.append(IgnoreRule(check, paths, r.string(node, "subject", where), reason, expires, pos))
    policy.ignore = tuple(out)
