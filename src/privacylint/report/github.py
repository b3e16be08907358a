"""`--format github`: workflow commands, so findings appear as annotations on the pull request.

Escaping follows actions/toolkit: in the message `%`, CR and LF; in property values also `:`
and `,`. Findings that one source line produced on many pages are annotated once.
"""

from __future__ import annotations

from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report.common import groups, more_pages, unmapped_note

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """actions/toolkit's escaping; other control characters become printable escapes."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: Result) -> str:
    out = []
    for f, members in groups(result.findings, same_origin_only=True):
        where = f.primary
        props = [f"file={escape_property(where.path)}"]
        if where.line:
            props.append(f"line={where.line}")
            if where.column:
                props.append(f"col={where.column}")
        props.append(f"title={escape_property(f'privacylint {f.check} ({f.name})')}")
        message = f.message + more_pages(members)
        if f.origin:
            message += f"\nBuilt file: {f.built.path}" + (f":{f.line}" if f.line else "")
        elif f.unmapped:
            message += "\n" + unmapped_note(f)
        out.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(message)}")
    errors = sum(f.severity == "error" for f in result.findings)
    out.append(f"privacylint: {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} "
               f"({errors} error{'s' if errors != 1 else ''}), {len(result.suppressed)} suppressed, "
               f"{result.files} files checked.")
    return "\n".join(out) + "\n"
