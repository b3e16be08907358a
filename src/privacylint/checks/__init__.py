"""The explicit registry of checks: one module each, in id order."""

from privacylint.checks import (
    pl001_unreadable_file,
    pl101_undisclosed_collector,
    pl201_undeclared_cookie,
    pl301_statement_missing,
    pl302_statement_not_linked,
    pl304_statement_contact_missing,
    pl305_declared_collector_unused,
    pl401_tracking_params_in_link,
)

REGISTRY = (
    pl001_unreadable_file,
    pl101_undisclosed_collector,
    pl201_undeclared_cookie,
    pl301_statement_missing,
    pl302_statement_not_linked,
    pl304_statement_contact_missing,
    pl305_declared_collector_unused,
    pl401_tracking_params_in_link,
)
SPECS = {module.SPEC.id: module.SPEC for module in REGISTRY}
CHECK_IDS = frozenset(SPECS)
