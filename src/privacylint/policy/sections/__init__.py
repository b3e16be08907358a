"""rules.yaml's sections, one module each, read in order into one Policy."""

from __future__ import annotations

from privacylint.policy.model import Policy
from privacylint.policy.reader import Reader, shown_value
from privacylint.policy.sections import checks, collectors, consent, cookies, ignore, links, site, statement

SECTIONS = (site, statement, consent, collectors, cookies, links, checks, ignore)
TOP = ("version", *(s.KEY for s in SECTIONS))


def read_policy(reader: Reader, data) -> Policy:
    root = reader.mapping(data, (1, 1), "rules.yaml", TOP, ("version", "site", "statement"))
    if root is None:
        return Policy(reader.path, "")
    if "version" in root and not (type(root["version"]) is int and root["version"] == 1):
        reader.error(reader.value_pos(root, "version"), "version must be the integer 1 (this privacylint reads "
                                                        f"rules.yaml version 1), not {shown_value(root['version'])}")
    policy = Policy(reader.path, "")
    for section in SECTIONS:
        if section.KEY in root:
            section.read(reader, root, policy)
    policy.positions = reader.positions
    return policy
