"""Name checks several rules share: a DNS-1123 label as a Problem, and the shape of a cluster name."""

from __future__ import annotations

import re
from typing import Iterator

from ..errors import Location, Problem, Severity
from ..inventory.refs import dns1123_label_error

CLUSTER = re.compile(r"[A-Za-z0-9](?:[-._A-Za-z0-9]{0,61}[A-Za-z0-9])?")


def label_problem(where: Location, what: str, value: str, severity: Severity = Severity.ERROR, code: str = "") -> Iterator[Problem]:
    error = dns1123_label_error(what, value)
    if error:
        yield Problem(where, error, severity, code, value if code else "")
