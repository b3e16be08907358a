"""Rewrite the conformance table of checks/PL102-collector-before-consent/README.md (and the
package's copy, as `python -m privacylint.explain` does) from what the suite observes now:

    PYTHONPATH=src python3 tests/conformance/table.py

It needs what the suite needs: chromium, Playwright, and the pinned libraries (.ci/run installs
them). Prints the disagreements, if any.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance import harness


def main() -> int:
    missing = harness.missing_libraries()
    if missing:
        print(f"not installed: {', '.join(missing)} (see tests/conformance/libraries.txt)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as workdir:
        results = harness.run_all(Path(workdir))
    text = harness.README.read_text(encoding="utf-8")
    harness.README.write_text(harness.with_table(text, harness.table(results)), encoding="utf-8")
    from privacylint.explain import sync

    sync(harness.REPO)
    print(harness.describe(results) or "every static verdict is what the browser does")
    return 0


if __name__ == "__main__":
    sys.exit(main())
