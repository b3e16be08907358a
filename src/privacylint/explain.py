"""Each check's documentation, as shipped in the package: what it checks, why, bad and good
examples, how to fix it. `checks/<ID>-<name>/README.md` in the repository is the source; the
package holds a copy (`data/checks/<ID>.md`) so `--explain`, SARIF help and the HTML report work
from an installed wheel. Refresh the copy with `python -m privacylint.explain` (a test compares).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=None)
def readme(check_id: str) -> str:
    """The check's README without its front matter; empty if the package has none."""
    try:
        text = resources.files("privacylint").joinpath(f"data/checks/{check_id}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return ""
    return strip_front_matter(text)


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:].lstrip("\n")
    return text


def sync(repo: Path) -> list[Path]:
    """Copy every checks/*/README.md into the package; the written files."""
    target = repo / "src" / "privacylint" / "data" / "checks"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted((repo / "checks").glob("PL*/README.md")):
        out = target / f"{source.parent.name.split('-', 1)[0]}.md"
        out.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        written.append(out)
    return written


if __name__ == "__main__":
    for path in sync(Path(__file__).resolve().parents[2]):
        print(path, file=sys.stderr)
