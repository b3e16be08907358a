"""checks: each check's level (off, error, warning, note)."""

from __future__ import annotations

from privacylint.model import SEVERITIES
from privacylint.policy.reader import did_you_mean

KEY = "checks"


def read(r, root, policy) -> None:
    node = r.mapping(root["checks"], r.value_pos(root, "checks"), "checks", tuple(root["checks"] or ()))
    levels = ("off", *SEVERITIES)
    for key in node or ():
        if key not in r.check_ids:
            r.error(r.key_pos(node, key), f"unknown check '{key}'{did_you_mean(key, r.check_ids)}")
        elif node[key] not in levels:
            r.error(r.value_pos(node, key), f"checks.{key} must be one of {', '.join(levels)}")
        else:
            policy.checks[key] = node[key]
