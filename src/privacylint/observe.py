"""The names tests/conformance/harness.py imports from before `--browser` became the
`privacylint.browser` package; new code imports from there."""

from privacylint.browser.launch import OFFLINE_ARGS as _OFFLINE_ARGS  # noqa: F401
from privacylint.browser.launch import browser_path  # noqa: F401
from privacylint.browser.options import BrowserError, BrowserOptions  # noqa: F401
from privacylint.browser.serve import origin as _origin  # noqa: F401

_SETTLE_MS = 750  # real time after `load` (the browser pass itself advances page time instead)


def _from_build(root: str, site_url: str, url: str, max_file_size: int = 10 * 1024 * 1024):
    """(body or None, content type) of a first-party URL, answered from the build."""
    from privacylint.browser.serve import Build

    served = Build(root, site_url, max_file_size).read(url)
    return (served.body if served.status == 200 else None), served.content_type
