"""The bundled vendor catalogue (data/vendors.yaml): who a host belongs to, what it stores."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ruamel.yaml import YAML

from privacylint.domains import split_pattern


@dataclass(frozen=True, slots=True)
class CookiePattern:
    name: str  # exact or glob
    storage: str = "cookie"


@dataclass(frozen=True, slots=True)
class Vendor:
    id: str
    name: str
    aliases: tuple[str, ...]
    owner: str
    category: str
    hosts: tuple[str, ...]
    markers: tuple[str, ...]
    cookies: tuple[CookiePattern, ...]
    consent: str
    tag_manager: bool
    privacy_variant: str | None
    sources: tuple[str, ...]


class Catalogue:
    def __init__(self, vendors: list[Vendor]):
        self.vendors = {v.id: v for v in vendors}
        self._by_host: dict[str, list[tuple[str, Vendor]]] = {}
        for vendor in vendors:
            for pattern in vendor.hosts:
                host, path = split_pattern(pattern)
                self._by_host.setdefault(host, []).append((path, vendor))

    def vendor_of(self, host: str, path: str) -> Vendor | None:
        """The vendor whose host pattern matches most specifically (longest host, then path)."""
        labels = host.split(".")
        for i in range(len(labels) - 1):
            candidates = self._by_host.get(".".join(labels[i:]))
            if candidates:
                best = max(((len(p), v) for p, v in candidates if path.startswith(p)),
                           key=lambda pv: pv[0], default=None)
                if best:
                    return best[1]
        return None


def _vendor(raw: dict) -> Vendor:
    cookies = tuple(CookiePattern(c) if isinstance(c, str) else CookiePattern(c["name"], c.get("storage", "cookie"))
                    for c in raw.get("cookies") or ())
    return Vendor(
        id=raw["id"], name=raw["name"], aliases=tuple(raw.get("aliases") or ()), owner=raw["owner"],
        category=raw["category"], hosts=tuple(raw["hosts"]), markers=tuple(raw.get("markers") or ()),
        cookies=cookies, consent=raw.get("consent", "required"), tag_manager=bool(raw.get("tag_manager")),
        privacy_variant=raw.get("privacy_variant"), sources=tuple(raw["sources"]))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    text = resources.files("privacylint").joinpath("data/vendors.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    return Catalogue([_vendor(v) for v in data["vendors"]])
