"""rules.yaml (version 1) -> Policy. Strict: every problem is collected and reported at once,
each as `rules.yaml:LINE:COL: message`, with a did-you-mean where a name is close to a known one.

model.py: what the policy is; load.py: reading the file, bounded; reader.py: the positioned walk;
sections/: one module per top-level key of rules.yaml."""

from privacylint.policy.load import MAX_POLICY_SIZE, load_policy
from privacylint.policy.model import (
                                      CONSENT_MODE_GATE,
                                      DEFAULT_FORBID_PARAMS,
                                      Collector,
                                      CookieRule,
                                      IgnoreRule,
                                      Policy,
                                      PolicyError,
                                      Position,
)
from privacylint.policy.reader import shown_value

__all__ = ["CONSENT_MODE_GATE", "DEFAULT_FORBID_PARAMS", "MAX_POLICY_SIZE", "Collector", "CookieRule",
           "IgnoreRule", "Policy", "PolicyError", "Position", "load_policy", "shown_value"]
