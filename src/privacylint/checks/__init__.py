"""The explicit registry of checks: one module each, in id order (tests/test_catalogue.py keeps it
in step with the checks/ catalogue)."""

from importlib import import_module

_MODULES = (
    "pl001_unreadable_file",
    "pl101_undisclosed_collector",
    "pl102_collector_before_consent",
    "pl103_opaque_tag_loader",
    "pl104_insecure_third_party_request",
    "pl105_privacy_mode_available",
    "pl106_consent_category_too_weak",
    "pl107_consent_baseline_override",
    "pl108_pre_ticked_consent",
    "pl109_fingerprinting_before_consent",
    "pl110_typed_input_sent_before_submit",
    "pl111_session_recorder_before_consent",
    "pl201_undeclared_cookie",
    "pl202_cookie_before_consent",
    "pl301_statement_missing",
    "pl302_statement_not_linked",
    "pl303_collector_not_in_statement",
    "pl304_statement_contact_missing",
    "pl305_declared_collector_unused",
    "pl311_claim_no_cookies",
    "pl312_claim_no_tracking",
    "pl313_claim_no_third_parties",
    "pl314_claim_vendor_unused",
    "pl315_claim_consent_first",
    "pl316_claim_fonts_self_hosted",
    "pl317_claim_ip_anonymisation",
    "pl401_tracking_params_in_link",
    "pl402_referrer_leak",
    "pl403_outbound_link_not_allowed",
    "pl501_config_enables_collector",
    "pl502_csp_allows_undeclared_host",
    "pl901_unused_suppression",
    "pl902_expired_ignore",
    "pl903_suppression_without_reason",
)

REGISTRY = tuple(import_module(f"privacylint.checks.{name}") for name in _MODULES)
SPECS = {module.SPEC.id: module.SPEC for module in REGISTRY}
CHECK_IDS = frozenset(SPECS)
