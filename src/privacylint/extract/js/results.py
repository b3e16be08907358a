"""What reading a script's loads gives: a request, with where it is in the script."""

from __future__ import annotations

import re
from dataclasses import dataclass

URLISH = re.compile(r"^(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.IGNORECASE)
CREATED = "(created by script)"  # the kind suffix of a load through an element the code creates


@dataclass(frozen=True, slots=True)
class JsRequest:
    offset: int
    url: str
    loaded: bool
    kind: str | None = None  # an element's "<script src> (created by script)"; None: a load or a bare literal
    gate: str | None = None  # the consent manager (and category) an element's attributes name
    referrer: str | None = None
