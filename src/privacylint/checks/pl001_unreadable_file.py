"""A file of the site could not be read whole.

Binary content (NUL bytes) or an unreadable file is an error and the file is skipped; bytes that
had to be replaced to decode are a warning and the file is still checked; a symbolic link that
leaves the site is a warning and is not followed; a file over --max-file-size is skipped.
Nothing unread can be vouched for, so these are reported rather than passed over in silence.
"""

from privacylint.checks.base import CheckSpec, Where

SPEC = CheckSpec("PL001", "unreadable-file", "error",
                 "A file of the site is binary, undecodable, too large, unreadable or a symlink leaving the site.")


def check(site):
    for f in site.files:
        for p in f.problems:
            yield site.finding(SPEC, f.path, p.line, None, p.subject, p.message, severity=p.severity)
    for path, in_site, message in site.config.problems:
        where = Where(path, in_site, None, None)
        yield site.config_finding(SPEC, where, "parse", f"{message}; its settings were not checked.", "warning")
