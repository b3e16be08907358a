"""A file of the site could not be read whole.

Binary content (NUL bytes), an unreadable entry (link loop, FIFO, a name that is not UTF-8), a
symbolic link leaving the site and a file over --max-file-size are errors and the file is
skipped: nothing unread can be vouched for, so an unread page fails the gate unless an ignore:
entry with a reason accepts it. So is a site config or header file that could not be read
(over 1 MiB, unparsable, a link leaving the tree): it may set cookies or turn collectors on. A
header file's malformed entries are skipped and the good ones still checked. Bytes that had to
be replaced to decode are a warning and the file is still checked.
"""

from privacylint.checks.base import CheckSpec, Where

SPEC = CheckSpec("PL001", "unreadable-file", "error",
                 "A file of the site is binary, undecodable, too large, unreadable or a symlink leaving the site.")


def check(site):
    for f in site.files:
        for p in f.problems:
            yield site.finding(SPEC, f.path, p.line, None, p.subject, p.message, severity=p.severity)
    for p in site.config.problems:
        where = Where(p.path, p.in_site, p.line, p.column)
        yield site.config_finding(SPEC, where, p.subject,
                                  f"{p.message}; the cookies, Content-Security-Policy and collectors it could set "
                                  "were not checked, so none of them can be vouched for.")
