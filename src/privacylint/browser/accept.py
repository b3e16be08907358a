""""Accept all" through the page's consent manager, and whether it did anything.

Each manager through its own public API, as its source defines it:
- CookieConsent v3 (orestbida): `CookieConsent.acceptCategory('all')`;
- CookieConsent v2: the object `initCookieConsent()` returned (`cc` by convention, a global
  variable or constant, found by its API wherever the site keeps it): `accept('all')`;
- Klaro: `getManager()`, then `changeAll(true)`, or on versions without it (0.2 and older)
  `updateConsent(name, true)` for each app or service; then `saveAndApplyConsents()`;
- Orejime: `orejime.internals.manager.acceptAll()`, then `saveAndApplyConsents()`;
- tarteaucitron: `tarteaucitron.userInterface.respondAll(true)`;
- Cookiebot: `Cookiebot.submitCustomConsent(true, true, true)`; OneTrust: `OneTrust.AllowAll()`;
- Osano's open-source cookieconsent 3: it has no call of its own: its banner's allow (or, in
  its informational mode, dismiss) button.

A page can name a global `Cookiebot` without being Cookiebot, so a manager counts only when the
call wrote its consent record (a cookie or localStorage key of the name its configuration or the
catalogue gives, new or changed). One that did not is said in the inventory, and what the page
did after the call still counts as before consent: "after consent" never hides a contact.

The script runs in the page's own world (the managers live there) but relies on none of the
page's built-ins (no array or object methods: a page may have replaced them), and its answer is
checked for its type.
"""

from __future__ import annotations

import json

# (act) => per manager present: {name, records: names of its consent record, error}; with act,
# "accept all" through each. Runs in the page's world: plain syntax, no built-in methods; Python
# truncates what it returns.
_MANAGERS = r"""((act) => {
  const out = [];
  const fn = (o, k) => { try { return o !== null && o !== undefined && typeof o[k] === "function"; } catch (e) { return false; } };
  const get = (o, k) => { try { return o[k]; } catch (e) { return undefined; } };
  const say = (e) => { try { return "" + (e && e.message || e); } catch (x) { return "an error"; } };
  const manager = (name, present, records, accept) => {
    let here = false;
    try { here = present(); } catch (e) { here = false; }
    if (!here) return;
    let names = "";
    try { names = "" + (records() || ""); } catch (e) { names = ""; }
    const entry = {name: name, records: names, error: ""};
    if (act) { try { accept(); } catch (e) { entry.error = say(e); } }
    out[out.length] = entry;
  };
  manager("cookieconsent", () => fn(window.CookieConsent, "acceptCategory"), () => {
    const cookie = fn(CookieConsent, "getConfig") ? CookieConsent.getConfig("cookie") : null;
    return (cookie && cookie.name) || "cc_cookie";
  }, () => CookieConsent.acceptCategory("all"));
  let v2 = null;
  const isV2 = (o) => fn(o, "accept") && fn(o, "allowedCategory");
  try { if (typeof cc !== "undefined" && isV2(cc)) v2 = cc; } catch (e) {}
  if (v2 === null) {
    let seen = 0;
    for (const key in window) {
      if (++seen > 5000) break;
      const value = get(window, key);
      if (isV2(value)) { v2 = value; break; }
    }
  }
  manager("cookieconsent v2", () => v2 !== null,
          () => (fn(v2, "getConfig") && v2.getConfig("cookie_name")) || "cc_cookie", () => v2.accept("all"));
  manager("klaro", () => fn(window.klaro, "getManager") && !!klaro.getManager(), () => {
    const m = klaro.getManager(), config = get(m, "config") || {};
    return get(m, "storageName") || get(m, "cookieName") || config.storageName || config.cookieName || "klaro";
  }, () => {
    const m = klaro.getManager();
    if (fn(m, "changeAll")) m.changeAll(true);
    else {
      const config = m.config || {}, all = config.services || config.apps || [];
      for (let i = 0; i < all.length && i < 1000; i++) m.updateConsent(all[i].name, true);
    }
    m.saveAndApplyConsents();
  });
  const orejime = get(get(window.orejime, "internals"), "manager");
  manager("orejime", () => fn(orejime, "acceptAll"), () => get(orejime, "cookieName") || "orejime",
          () => { orejime.acceptAll(); orejime.saveAndApplyConsents(); });
  manager("tarteaucitron", () => fn(get(window.tarteaucitron, "userInterface"), "respondAll"),
          () => (get(tarteaucitron, "parameters") || {}).cookieName || "tarteaucitron",
          () => tarteaucitron.userInterface.respondAll(true));
  manager("cookiebot", () => fn(window.Cookiebot, "submitCustomConsent"), () => "CookieConsent",
          () => Cookiebot.submitCustomConsent(true, true, true));
  manager("onetrust", () => fn(window.OneTrust, "AllowAll"), () => "OptanonConsent OptanonAlertBoxClosed",
          () => OneTrust.AllowAll());
  const button = () => document.querySelector(".cc-window .cc-allow") || document.querySelector(".cc-window .cc-dismiss");
  manager("osano-cookieconsent", () => fn(window.cookieconsent, "initialise") && !!button(),
          () => "cookieconsent_status", () => button().click());
  return out;
})"""


def script(act: bool) -> str:
    return f"{_MANAGERS}({json.dumps(act)})"


def managers(value) -> list[tuple[str, list[str], str]]:
    """The script's answer, checked: (manager, record names, error) for each manager present."""
    if not isinstance(value, list):
        return []
    out = []
    for entry in value[:10]:
        if not isinstance(entry, dict):
            continue
        name, records, error = entry.get("name"), entry.get("records"), entry.get("error")
        if isinstance(name, str) and isinstance(records, str) and isinstance(error, str):
            out.append((name[:40], records[:300].split()[:10], error[:120]))
    return out


def verdict(name: str, error: str, before: dict[str, str], after: dict[str, str]) -> tuple[bool, str]:
    """Whether "accept all" through `name` counts, and the words for the inventory."""
    if error:
        return False, f"{name} threw: {error}"
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    if not changed:
        return False, f"{name}'s API was called but wrote no consent record: not counted"
    return True, f"accepted through {name} (it wrote {', '.join(changed)})"


def records(site) -> dict[str, list[str]]:
    """Consent manager -> the names of its consent records: what the site's configuration of it
    says, else the catalogue's."""
    out = {}
    for vendor in site.catalogue.vendors.values() if site.catalogue else ():
        if vendor.category == "consent-manager":
            out[vendor.id] = [c.name for c in site.consent.vendor_cookies(vendor)]
    return out
