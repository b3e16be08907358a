"""What a page's scripts do beyond requests and storage, as they do it: a script installed before
any of the page's (an init script) reports to the pass through a DevTools binding.

Also typed input: the visitor types CANARY into the page's first form field that is not a search
box (FOCUS_FIELD) and never submits; a request made after that carries it (as typed,
URL-encoded, base64, or hashed with md5, sha1, sha256 or sha512: `canary_in`) sends what a
visitor types before submit.

Reported: a canvas read back (`toDataURL`, `getImageData`, `toBlob`) after text was drawn on it
(canvas fingerprint), text measured in more than FONT_PROBES fonts (font fingerprint), a
listener added for typed input (`keydown`, `input`, ...), and storage as it is written: each
localStorage or sessionStorage key set or removed (a key written then removed during load is
gone when storage is read at the end) and each cookie written through `document.cookie`, with
its attributes (expiry, SameSite, Secure, ...) but never its value. Each report carries the calling script
and line, from the call stack. The init script takes the binding out of the page's reach before
any page script runs (a page may still call its own copies of the wrapped functions: it can only
report itself).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import quote, quote_plus, unquote_plus

BINDING = "__privacylintSeen"
FONT_PROBES = 20  # distinct fonts measured before it counts as probing for installed fonts
MAX_REPORTS = 200  # per page: a page calling toDataURL in a loop reports once per kind and script line
_INIT = r"""(() => {
  const send = window.%(binding)s;
  if (typeof send !== "function") return;
  try { delete window.%(binding)s; } catch (e) {}
  const Err = Error, stringify = JSON.stringify, define = Object.defineProperty, apply = Reflect.apply;
  const drawn = new WeakSet(), fonts = new Set();
  let fontsReported = false, sent = 0;
  const report = (kind, detail) => {
    if (sent++ > %(max)d) return;
    let stack = "";
    try { stack = String(new Err().stack).slice(0, 4000); } catch (e) {}
    try { send(stringify([kind, String(detail).slice(0, 200), stack])); } catch (e) {}
  };
  const wrap = (proto, name, before) => {
    const original = proto && proto[name];
    if (typeof original !== "function") return;
    define(proto, name, {configurable: true, writable: true, value: function (...args) {
      try { before(this, args); } catch (e) {}
      return apply(original, this, args);
    }});
  };
  const canvasOf = (ctx) => { try { return ctx.canvas; } catch (e) { return null; } };
  for (const proto of [window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype,
                       window.OffscreenCanvasRenderingContext2D && OffscreenCanvasRenderingContext2D.prototype]) {
    wrap(proto, "fillText", (ctx) => drawn.add(canvasOf(ctx)));
    wrap(proto, "strokeText", (ctx) => drawn.add(canvasOf(ctx)));
    wrap(proto, "getImageData", (ctx) => drawn.has(canvasOf(ctx)) && report("canvas-fingerprint", "getImageData after drawing text"));
    wrap(proto, "measureText", (ctx) => {
      fonts.add(String(ctx.font));
      if (fonts.size > %(fonts)d && !fontsReported) { fontsReported = true; report("font-fingerprint", "measureText in more than %(fonts)d fonts"); }
    });
  }
  const canvas = window.HTMLCanvasElement && HTMLCanvasElement.prototype;
  for (const name of ["toDataURL", "toBlob"])
    wrap(canvas, name, (c) => drawn.has(c) && report("canvas-fingerprint", name + " after drawing text"));
  const storage = window.Storage && Storage.prototype;
  const area = (s) => { try { return s === window.sessionStorage ? "session" : "local"; } catch (e) { return "local"; } };
  wrap(storage, "setItem", (s, args) => report("storage-write", area(s) + " " + String(args[0])));
  wrap(storage, "removeItem", (s, args) => report("storage-removed", area(s) + " " + String(args[0])));
  const cookie = window.Document && Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookie && cookie.set && cookie.configurable) {
    define(Document.prototype, "cookie", {configurable: true, enumerable: cookie.enumerable, get: cookie.get,
      set: function (value) {
        try {  // the name and the attributes (expiry, SameSite, Secure...), never the value
          const parts = String(value).split(";");
          report("cookie-write", [parts[0].split("=")[0].trim(), ...parts.slice(1).map((p) => p.trim())].join("; "));
        } catch (e) {}
        return apply(cookie.set, this, [value]);
      }});
  }
  const typed = new Set(["keydown", "keyup", "keypress", "input", "beforeinput", "change", "paste"]);
  wrap(window.EventTarget && EventTarget.prototype, "addEventListener",
       (target, args) => typed.has(String(args[0])) && report("input-listener", String(args[0])));
})()"""
INIT_SCRIPT = _INIT % {"binding": BINDING, "max": MAX_REPORTS, "fonts": FONT_PROBES}
# "    at f (https://example.org/assets/x.js:8:12)" or "    at https://example.org/x.js:8:12"
_FRAME = re.compile(r"at (?:[^\n(]*\()?((?:https?|file)://[^\s()]+?):(\d+):(\d+)\)?$", re.MULTILINE)


def parse(payload: str) -> tuple[str, str, str, int] | None:
    """A report from the page, checked: (kind, detail, script URL, line), or None."""
    try:
        kind, detail, stack = json.loads(payload)
    except (ValueError, TypeError):
        return None
    if not all(isinstance(x, str) for x in (kind, detail, stack)):
        return None
    frame = _FRAME.search(stack)
    script, line = (frame.group(1)[:2000], int(frame.group(2))) if frame else ("", 0)
    return kind[:40], detail[:200], script, line


CANARY = "plcanary.7319@example.com"  # an address no page has: found in a request, it was typed
# In an isolated world: focus the first text field of a form that is not a search box.
FOCUS_FIELD = r"""(() => {
  const fields = document.querySelectorAll(
    "input[type=email], input[type=text], input[type=tel], input:not([type]), textarea");
  for (let i = 0; i < fields.length && i < 200; i++) {
    const f = fields[i], form = f.closest("form");
    const words = [f.name, f.id, f.placeholder, f.getAttribute("aria-label"), form && form.getAttribute("role"),
                   form && form.getAttribute("action")].join(" ").toLowerCase();
    if (f.disabled || f.readOnly || f.closest("[role=search]") || /search|query|(^|\W)q(\W|$)/.test(words)) continue;
    f.focus();
    return document.activeElement === f;
  }
  return false;
})()"""


def _encodings() -> dict[str, str]:
    raw = CANARY.encode()
    out = {"as typed": CANARY, "URL-encoded": quote(CANARY, safe=""), "form-encoded": quote_plus(CANARY)}
    out["base64"] = base64.b64encode(raw).decode().rstrip("=")
    out["base64url"] = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    for name in ("md5", "sha1", "sha256", "sha512"):
        out[name] = hashlib.new(name, raw).hexdigest()
    return out


ENCODINGS = _encodings()


def canary_in(url: str, body: bytes) -> str | None:
    """How a request carries the canary (its URL or body), or None."""
    text = body.decode("latin-1")
    for where in (url, unquote_plus(url), text, unquote_plus(text)):
        for how, value in ENCODINGS.items():
            if value in where or how.startswith("md5") and value.upper() in where:
                return how
    return None
