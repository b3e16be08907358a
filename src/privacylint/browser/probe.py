"""What a page stored, read out of the page's reach.

Cookies come from the browser itself. Storage is read through DevTools in an isolated world:
the page's own JavaScript globals are not there, so a page that replaces `Object.keys`,
`Array.prototype.push` or `Storage.prototype`, or makes `window.localStorage` throw, changes
nothing of what is read. Whatever comes back is checked for its type before it is used, and
capped (MAX_NAMES names, MAX_NAME_LENGTH characters each) with a note saying so.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from privacylint.browser.options import MAX_NAME_LENGTH, MAX_NAMES, Observed

_WORLD = "privacylint"
# In the isolated world: the built-ins are the world's own, the storage is the page's.
_STORAGE = """(() => {
  const read = (which, wanted) => {
    try {
      const store = which === "local" ? window.localStorage : window.sessionStorage;
      const count = store.length, keys = [], values = {};
      for (let i = 0; i < count && i < %(cap)d; i++) {
        const key = store.key(i);
        if (typeof key !== "string") continue;
        keys.push(key.length > %(length)d ? key.slice(0, %(length)d) : key);
        if (wanted.some((w) => w.endsWith("*") ? key.startsWith(w.slice(0, -1)) : key === w))
          values[key] = String(store.getItem(key)).slice(0, 500);
      }
      return {count: count, keys: keys, values: values};
    } catch (e) {
      return {error: String(e && e.name || e).slice(0, 100)};
    }
  };
  return {local: read("local", %(wanted)s), session: read("session", [])};
})()"""


@dataclass
class Stored:
    """One reading: names, and the values of the consent records asked for."""

    cookies: dict[str, str] = field(default_factory=dict)
    local: list[str] = field(default_factory=list)
    session: list[str] = field(default_factory=list)
    local_values: dict[str, str] = field(default_factory=dict)
    read: bool = False  # storage was read (cookies always are, unless the browser failed)

    def records(self, names: list[str]) -> dict[str, str]:
        """The values of the cookies and localStorage keys matching `names` (a trailing * a prefix)."""
        out = {}
        for prefix, values in (("cookie:", self.cookies), ("local:", self.local_values)):
            for key, value in values.items():
                if any(key.startswith(n[:-1]) if n.endswith("*") else key == n for n in names):
                    out[prefix + key] = value
        return out


class Probe:
    def __init__(self, context, cdp, seen: Observed):
        self.context = context
        self.cdp = cdp
        self.seen = seen

    async def cookies(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for cookie in await self.context.cookies():
            name, value = cookie.get("name"), cookie.get("value")
            if isinstance(name, str) and isinstance(value, str):
                found.setdefault(name[:MAX_NAME_LENGTH], value[:500])
        if len(found) > MAX_NAMES:
            self.seen.note(f"it set {len(found)} cookies: the first {MAX_NAMES} are recorded")
            found = dict(sorted(found.items())[:MAX_NAMES])
        return found

    async def evaluate(self, expression: str, timeout_ms: int):
        """`expression`'s value in an isolated world of the page's main frame (unchecked: the
        caller checks its type), or None when it threw or ran out of time."""
        tree = await self.cdp.send("Page.getFrameTree")
        frame = tree["frameTree"]["frame"]["id"]
        world = await self.cdp.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": _WORLD})
        answer = await self.cdp.send("Runtime.evaluate", {
            "expression": expression, "contextId": world["executionContextId"], "returnByValue": True,
            "timeout": timeout_ms})
        return None if answer.get("exceptionDetails") else (answer.get("result") or {}).get("value")

    async def answers(self, seconds: float) -> bool:
        """Whether the page's main thread runs anything at all (a busy page does not)."""
        try:
            return await asyncio.wait_for(self.evaluate("1 + 1", int(seconds * 1000)), seconds) == 2
        except Exception:  # noqa: BLE001 - a page that does not answer, whatever the reason
            return False

    async def storage(self, stored: Stored, wanted: list[str], timeout_ms: int) -> None:
        """Fill `stored` with the page's storage keys (and the values of the `wanted` keys)."""
        expression = _STORAGE % {"cap": MAX_NAMES, "length": MAX_NAME_LENGTH, "wanted": json.dumps(wanted)}
        value = await self.evaluate(expression, timeout_ms)
        if not isinstance(value, dict):
            self.seen.note("its storage could not be read (the page did not let the browser evaluate anything)")
            return
        for which in ("local", "session"):
            part = value.get(which)
            keys, count = _names(part), part.get("count") if isinstance(part, dict) else None
            if isinstance(part, dict) and isinstance(part.get("error"), str):
                self.seen.note(f"its {which}Storage could not be read ({part['error']}: the document has no "
                               "storage of its own, e.g. an opaque origin)")
            if isinstance(count, int) and count > len(keys):
                self.seen.note(f"it wrote {count} {which}Storage keys: the first {len(keys)} are recorded")
            setattr(stored, which, sorted(set(keys)))
        values = value.get("local", {}).get("values") if isinstance(value.get("local"), dict) else None
        if isinstance(values, dict):
            stored.local_values = {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, str)}
        stored.read = True


def _names(part) -> list[str]:
    keys = part.get("keys") if isinstance(part, dict) else None
    if not isinstance(keys, list):
        return []
    return [k for k in keys[:MAX_NAMES] if isinstance(k, str)]
