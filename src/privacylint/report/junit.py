"""`--format junit`: JUnit XML for CI test-report widgets. One test suite per file with findings,
one failing test case per finding; a clean run is one passing test case."""

from __future__ import annotations

from itertools import groupby
from xml.etree import ElementTree as ET

from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report.common import by_primary


def render(result: Result) -> str:
    suites = ET.Element("testsuites", name="privacylint", tests=str(max(1, len(result.findings))),
                        failures=str(len(result.findings)))  # no time: the same input gives the same bytes
    by_file = groupby(by_primary(result.findings), key=lambda f: f.primary.path)
    for path, group in by_file:
        findings = list(group)
        suite = ET.SubElement(suites, "testsuite", name=printable(path), tests=str(len(findings)),
                              failures=str(len(findings)), errors="0", skipped="0")
        for f in findings:
            where = f.primary
            path, message = printable(where.path), printable(f.message)  # XML 1.0 has no control characters
            case = ET.SubElement(suite, "testcase", classname=f"{f.check}.{f.name}",
                                 name=f"{path}:{where.line or 1} {printable(f.subject)}", file=path,
                                 line=str(where.line or 1))
            failure = ET.SubElement(case, "failure", type=f.severity, message=message)
            failure.text = f"{f.check} [{f.severity}] {path}:{where.line or 1}: {message}"
    if not result.findings:
        suite = ET.SubElement(suites, "testsuite", name="privacylint", tests="1", failures="0", errors="0",
                              skipped="0")
        ET.SubElement(suite, "testcase", classname="privacylint", name=f"{result.files} files checked")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
