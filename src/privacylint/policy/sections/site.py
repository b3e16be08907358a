"""site: the site's URL (its site is first party), more first-party hosts, the homepage."""

from __future__ import annotations

from privacylint.domains import parse_url

KEY = "site"


def read(r, root, policy) -> None:
    node = r.mapping(root["site"], r.value_pos(root, "site"), "site", ("url", "first_party", "homepage"), ("url",))
    if node is None:
        return
    url = r.string(node, "url", "site")
    if url is not None:
        parsed = parse_url(url)
        if parsed is None or parsed.protocol not in ("http:", "https:") or not parsed.hostname:
            r.error(r.value_pos(node, "url"), f"site.url must be an http(s) URL with a host, not '{url}'")
        policy.site_url = url if url.endswith("/") else url + "/"
    policy.first_party = r.host_patterns(node, "first_party", "site")
    policy.homepage = r.url_path(node, "homepage", "site", "/") or "/"
