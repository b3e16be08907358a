"""The vendor catalogue measured against public data: what it misses, what it resolves wrongly.

    PYTHONPATH=src python3 tools/catalogue_check.py [--cookie-db open-cookie-database.csv]

Installs pinned npm packages into a work folder (nothing is added to the repository):
- `third-party-web` (MIT): entities, their domains, category and HTTP Archive page counts;
- `tarteaucitronjs` (MIT): the service keys `tarteaucitron.job.push()` accepts.
The Open Cookie Database (Apache-2.0) is on no package registry: give its CSV with --cookie-db
(the file `open-cookie-database.csv` of the project's repository, at a commit you record); without
it, the cookie sections are skipped.

It prints a report and exits 0 whatever it finds: it is for the people curating the catalogue,
not a CI gate. A team script: it is not in the wheel.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from privacylint.vendors import CONSENT_CLASSES, catalogue

THIRD_PARTY_WEB = "0.30.0"
TARTEAUCITRON = "1.34.0"
DEFAULT_WORKDIR = Path(os.environ.get("PRIVACYLINT_CATALOGUE_WORKDIR") or Path(
    os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "privacylint-catalogue-check")

# third-party-web categories a site's privacy statement is about (hosting is the site's own host).
PRIVACY_CATEGORIES = ("ad", "analytics", "social", "video", "customer-success", "tag-manager", "consent-provider",
                      "marketing", "cdn")
# third-party-web category -> catalogue categories that agree with it (others are reported as conflicts)
CATEGORY_FIT = {
    "ad": {"advertising", "marketing"},
    "analytics": {"analytics", "product-analytics", "session-replay", "marketing"},
    "social": {"social", "embed"},
    "video": {"embed"},
    "customer-success": {"chat", "forms", "marketing", "comments"},
    "tag-manager": {"tag-manager"},
    "consent-provider": {"consent-manager"},
    "cdn": {"cdn", "fonts"},
    "marketing": {"marketing", "forms", "advertising", "chat", "social"},
}
# third-party-web files consent managers outside its consent-provider category too.
CONSENT_MANAGERS_ELSEWHERE = ("Cookiebot", "Cookie-Script.com", "TrustArc", "Cookie Reports", "CookieQ")
# Open Cookie Database categories -> consent classes
OCD_CLASS = {"functional": "necessary", "necessary": "necessary", "security": "necessary",
             "personalization": "preferences", "preferences": "preferences", "analytics": "statistics",
             "marketing": "marketing"}
# Open Cookie Database platform names that are not a catalogue vendor's name or alias.
OCD_PLATFORMS = {
    "Youtube": "youtube", "Google Analytics": "google-analytics", "Google Ads": "google-ads",
    "Google AdSense": "google-adsense", "DoubleClick/Google Marketing": "doubleclick", "Google Maps": "google-maps",
    "Facebook": "meta-pixel", "Instagram": "instagram", "Bing / Microsoft": "microsoft-advertising",
    "Hubspot": "hubspot", "Yandex.Metrica": "yandex-metrica", "Piwik": "matomo", "Cookie Law Info": "cookieyes",
    "Tawk.to Chat": "tawk-to", "Zendesk": "zendesk-chat", "X": "x-pixel", "Pinterest": "pinterest-tag",
    "TikTok": "tiktok-pixel", "Consentmanager.net": "consentmanager", "Livechat": "livechat",
    "Clarity": "microsoft-clarity",
    "Microsoft Clarity": "microsoft-clarity", "Crazy Egg": "crazy-egg", "Lucky Orange": "lucky-orange",
}


def install(workdir: Path) -> Path:
    """node_modules with the pinned packages (installed once per work folder)."""
    modules = workdir / "node_modules"
    wanted = {"third-party-web": THIRD_PARTY_WEB, "tarteaucitronjs": TARTEAUCITRON}
    missing = [f"{name}@{version}" for name, version in wanted.items()
               if _installed_version(modules / name) != version]
    if missing:
        workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-save", "--no-package-lock", "--silent", "--prefix", str(workdir),
                        *missing], check=True)
    return modules


def _installed_version(package: Path) -> str | None:
    try:
        return json.loads((package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def pattern_host(domain: str) -> str:
    """A third-party-web domain pattern (`*.example.com`) as a host vendor_of() can look up."""
    return domain.lower().removeprefix("*.")


def resolve(domain: str):
    return catalogue().vendor_of(pattern_host(domain), "/")


def load_entities(modules: Path) -> list[dict]:
    """third-party-web's entities, each with `hosts`: the hosts HTTP Archive saw for it
    (dist/domain-map.csv: host, the entity's first domain, category; most frequent first)."""
    entities = json.loads((modules / "third-party-web/dist/entities.json").read_text())
    by_key = {e["domains"][0]: e for e in entities if e["domains"]}
    for e in entities:
        e["hosts"] = []
    with open(modules / "third-party-web/dist/domain-map.csv", encoding="utf-8", newline="") as fh:
        for host, key, _category in csv.reader(fh):
            if key in by_key:
                by_key[key]["hosts"].append(host.lower())
    for e in entities:
        e["hosts"] = list(dict.fromkeys(e["hosts"]))
    return entities


def pages(entity: dict) -> int:
    return entity.get("totalOccurrences") or 0


def _top(entities: list[dict], category: str, n: int) -> list[dict]:
    return sorted((e for e in entities if e.get("category") == category), key=lambda e: (-pages(e), e["name"]))[:n]


def recognised(entity: dict) -> set[str]:
    """The catalogue vendors its domain patterns or observed hosts resolve to."""
    return {v.id for v in map(resolve, entity["domains"] + entity["hosts"]) if v is not None}


# --- third-party-web ------------------------------------------------------------------------------

def coverage(entities: list[dict], top: int, threshold: int, out) -> dict[str, float]:
    print(f"## Coverage: top {top} entities per category, share of their page count the catalogue recognises",
          file=out)
    shares = {}
    for category in PRIVACY_CATEGORIES + ("utility", "content", "other"):
        chosen = _top(entities, category, top)
        total = sum(map(pages, chosen)) or 1
        known = sum(pages(e) for e in chosen if recognised(e))
        shares[category] = known / total
        missed = [e for e in chosen if not recognised(e) and pages(e) >= threshold]
        scope = "" if category in PRIVACY_CATEGORIES else " (not privacy-relevant: for information)"
        print(f"{category:<17} {len(chosen):>3} entities, {known / total:6.1%} of {total:,} pages{scope}", file=out)
        for e in missed:
            print(f"    missed: {e['name']} ({pages(e):,} pages; {', '.join(e['domains'][:3])})", file=out)
    return shares


def consent_managers(entities: list[dict], threshold: int, out) -> list[str]:
    managers = [e for e in entities
                if e.get("category") == "consent-provider" or e["name"] in CONSENT_MANAGERS_ELSEWHERE]
    print(f"\n## Consent managers with at least {threshold:,} pages", file=out)
    missing = []
    for e in sorted(managers, key=lambda e: (-pages(e), e["name"])):
        if pages(e) < threshold:
            continue
        ids = recognised(e)
        if not ids:
            missing.append(e["name"])
        print(f"{e['name']:<24} {pages(e):>9,}  {', '.join(sorted(ids)) or 'NOT CURATED'}", file=out)
    return missing


def unresolved_domains(entities: list[dict], out) -> None:
    print("\n## Domains and observed hosts of recognised entities that vendor_of() does not resolve", file=out)
    for e in sorted(entities, key=lambda e: (-pages(e), e["name"])):
        ids = recognised(e)
        if not ids:
            continue
        lost = [d for d in e["domains"] + e["hosts"][:50] if resolve(d) is None and not _covered(d, e["domains"])]
        if lost:
            shown = ", ".join(lost[:8]) + (f" (+{len(lost) - 8} more)" if len(lost) > 8 else "")
            print(f"{e['name']} [{', '.join(sorted(ids))}]: {shown}", file=out)


def _covered(host: str, patterns: list[str]) -> bool:
    """An observed host whose own pattern is already listed as unresolved."""
    return any(p.startswith("*.") and host != p[2:] and host.endswith(p[1:]) and resolve(p) is None
               for p in patterns)


def category_conflicts(entities: list[dict], out) -> None:
    print("\n## Category conflicts (third-party-web category -> catalogue vendor category)", file=out)
    cat = catalogue()
    for e in sorted(entities, key=lambda e: (-pages(e), e["name"])):
        fit = CATEGORY_FIT.get(e.get("category"))
        if fit is None:
            continue
        wrong = sorted({(v.id, d) for d in e["domains"] + e["hosts"] for v in [resolve(d)]
                        if v and v.category not in fit})
        for vendor_id in sorted({v for v, _ in wrong}):
            domains = [d for v, d in wrong if v == vendor_id]
            print(f"{e['name']} ({e['category']}, {pages(e):,} pages) -> {vendor_id} "
                  f"({cat.vendors[vendor_id].category}) via {', '.join(domains[:4])}", file=out)


def second_tier_coverage(entities: list[dict], out) -> float:
    """The share of third-party-web's domain patterns, and of the hosts HTTP Archive saw for its
    entities, that get a name: from the curated catalogue, else from the bundled table."""
    from privacylint.vendors import third_party_of  # the second tier; absent before it existed

    def named(host: str) -> bool:
        return bool(resolve(host) or third_party_of(pattern_host(host)))

    domains = [d for e in entities for d in e["domains"]]
    hosts = [h for e in entities for h in e["hosts"]]
    curated = sum(1 for d in domains if resolve(d))
    share = sum(map(named, domains)) / len(domains)
    print(f"\n## Naming: {len(domains):,} third-party-web domain patterns; curated {curated:,} "
          f"({curated / len(domains):.1%}); with the second tier {share:.1%}; of {len(hosts):,} observed hosts "
          f"{sum(map(named, hosts)) / len(hosts):.1%}", file=out)
    return share


# --- Open Cookie Database -------------------------------------------------------------------------

def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def vendor_of_platform(platform: str):
    cat = catalogue()
    if platform in OCD_PLATFORMS:
        return cat.vendors.get(OCD_PLATFORMS[platform])
    wanted = _norm(platform)
    for vendor in cat.vendors.values():
        if wanted in {_norm(n) for n in (*vendor.names, vendor.id)}:
            return vendor
    return None


def _class_of(vendor) -> str | None:
    cat = catalogue()
    if hasattr(cat, "consent_class_of"):
        return cat.consent_class_of(vendor)
    return cat.consent_classes.get(vendor.category)  # catalogues before per-vendor classes


def load_cookie_db(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _cookie_name(row: dict) -> str:
    name = row["Cookie / Data Key name"].strip()
    return name + "*" if row.get("Wildcard match", "").strip() == "1" and not name.endswith("*") else name


def cookies(rows: list[dict], out) -> None:
    by_vendor: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        vendor = vendor_of_platform(row["Platform"])
        if vendor:
            by_vendor[vendor.id].append(row)
    cat = catalogue()
    print("\n## Cookies the Open Cookie Database lists for catalogue vendors and the catalogue lacks", file=out)
    lacking = listed = ours = 0
    for vendor_id in sorted(by_vendor):
        vendor = cat.vendors[vendor_id]
        patterns = [c.name for c in vendor.cookies]
        ours += len(patterns)
        listed += len(by_vendor[vendor_id])
        missing = sorted({_cookie_name(r) for r in by_vendor[vendor_id]
                          if not any(fnmatch.fnmatchcase(_cookie_name(r).rstrip("*"), p) for p in patterns)})
        lacking += len(missing)
        if missing:
            print(f"{vendor_id}: {', '.join(missing)}", file=out)
    print(f"({len(by_vendor)} vendors known to both: {listed} cookies listed there, {ours} patterns here, "
          f"{lacking} names not covered)", file=out)
    print("\n## Consent-class conflicts (the Open Cookie Database's class of a vendor's cookies is stricter)",
          file=out)
    for vendor_id in sorted(by_vendor):
        vendor = cat.vendors[vendor_id]
        needed = _class_of(vendor)
        rows_here = [r for r in by_vendor[vendor_id]
                     if any(fnmatch.fnmatchcase(_cookie_name(r).rstrip("*"), c.name) for c in vendor.cookies)]
        for row in rows_here:
            theirs = OCD_CLASS.get(row["Category"].strip().lower())
            if theirs and needed and CONSENT_CLASSES.index(theirs) > CONSENT_CLASSES.index(needed):
                print(f"{vendor_id} ({vendor.category}: {needed}): {_cookie_name(row)} is {row['Category']} there",
                      file=out)
            elif theirs in ("statistics", "marketing") and vendor.consent == "not-required":
                print(f"{vendor_id} (consent: not-required): {_cookie_name(row)} is {row['Category']} there",
                      file=out)


# --- tarteaucitron --------------------------------------------------------------------------------

_SERVICE = re.compile(r"^tarteaucitron\.services\.([\w$]+)\s*=\s*\{", re.MULTILINE)
_URL = re.compile(r"""['"](?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})(/[^'"\s]*)?""", re.IGNORECASE)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)  # a commented-out service is no service
_POLICY = re.compile(r"""['"]uri['"]\s*:\s*['"][^'"]*['"]""")


def tarteaucitron_services(modules: Path) -> dict[str, str]:
    """Service key -> its definition's code (without its privacy-policy `uri`)."""
    source = _COMMENT.sub("", (modules / "tarteaucitronjs/tarteaucitron.services.js").read_text(encoding="utf-8"))
    heads = list(_SERVICE.finditer(source))
    return {m.group(1): _POLICY.sub("", source[m.start(): heads[i + 1].start() if i + 1 < len(heads) else None])
            for i, m in enumerate(heads)}


def tarteaucitron(modules: Path, out) -> list[str]:
    services = tarteaucitron_services(modules)
    cat = catalogue()
    print(f"\n## tarteaucitron {TARTEAUCITRON}: {len(services)} services", file=out)
    unknown = sorted(f"{key} ({vendor_id})" for key, vendor_id in cat.tarteaucitron_services.items()
                     if key not in services)
    print(f"catalogue keys that are no service: {', '.join(unknown) or 'none'}", file=out)
    print("services that load a catalogue vendor under a key the catalogue does not map to it:", file=out)
    for key in sorted(services):
        loads = {v.id for m in _URL.finditer(services[key])
                 for v in [cat.vendor_of(m.group(1).lower(), m.group(2) or "/")] if v is not None}
        mapped = cat.tarteaucitron_services.get(key)
        if loads and mapped not in loads:
            print(f"    {key}: loads {', '.join(sorted(loads))}; mapped to {mapped or 'nothing'}", file=out)
    return unknown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="where the npm packages go")
    parser.add_argument("--cookie-db", type=Path, help="the Open Cookie Database's open-cookie-database.csv")
    parser.add_argument("--threshold", type=int, default=10_000, help="page count above which a miss is listed")
    parser.add_argument("--top", type=int, default=100, help="entities per category in the coverage figure")
    args = parser.parse_args(argv)
    out = sys.stdout
    modules = install(args.workdir)
    entities = load_entities(modules)
    cat = catalogue()
    print(f"# Catalogue check: {len(cat.vendors)} vendors; third-party-web {THIRD_PARTY_WEB} "
          f"({len(entities)} entities), tarteaucitronjs {TARTEAUCITRON}", file=out)
    shares = coverage(entities, args.top, args.threshold, out)
    missing_managers = consent_managers(entities, args.threshold, out)
    unresolved_domains(entities, out)
    category_conflicts(entities, out)
    try:
        named = second_tier_coverage(entities, out)
    except ImportError:
        named = None
        print("\n## Naming: no second tier in this version", file=out)
    if args.cookie_db:
        cookies(load_cookie_db(args.cookie_db), out)
    else:
        print("\n## Cookies: skipped (give --cookie-db PATH to the Open Cookie Database's CSV)", file=out)
    unknown_keys = tarteaucitron(modules, out)
    low = {c: s for c, s in shares.items() if c in PRIVACY_CATEGORIES and s < 0.95}
    print("\n## Summary", file=out)
    print(f"privacy-relevant categories under 95%: {', '.join(f'{c} {s:.1%}' for c, s in low.items()) or 'none'}",
          file=out)
    print(f"consent managers over {args.threshold:,} pages not curated: {', '.join(missing_managers) or 'none'}",
          file=out)
    print(f"third-party-web domains named: {'-' if named is None else f'{named:.1%}'}", file=out)
    print(f"tarteaucitron keys that do not exist: {len(unknown_keys)}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
