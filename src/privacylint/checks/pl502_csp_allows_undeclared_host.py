"""A Content-Security-Policy allows a third-party host that no collector declares.

A CSP lists what the pages may load; a third-party host in it is a collector the site means to
use - often one injected at run time (a tag manager's tags, an edge-injected analytics beacon)
that the built HTML does not show. Either declare it or drop it from the policy.
"""

from privacylint.checks.base import CheckSpec, Where
from privacylint.domains import site_of
from privacylint.siteconfig import csp_hosts

SPEC = CheckSpec("PL502", "csp-allows-undeclared-host", "warning",
                 "A Content-Security-Policy allows a third-party host no collector declares.")


def _policies(site):
    for header in site.config.headers:
        if header.name.startswith("content-security-policy"):
            yield Where(header.path, header.in_site, header.line, header.column), header.value
    for f in site.files:
        for line, column, value in f.csp:
            yield Where(f.path, True, line, column), value


def check(site):
    for where, policy in _policies(site):
        for pattern in csp_hosts(policy):
            host = pattern[2:] if pattern.startswith("*.") else pattern
            if site.parties.first_party.is_first_party(host) or any(c.covers_host(host) for c in site.policy.collectors):
                continue
            subject = site_of(host)
            yield site.config_finding(
                SPEC, where, subject,
                f"the Content-Security-Policy allows {pattern}, a third party that no collector in rules.yaml "
                "declares; declare what the site loads from it, or remove it from the policy.")
