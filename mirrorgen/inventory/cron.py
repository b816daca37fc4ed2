"""Cron expressions as Prow runs them: five fields or a descriptor, in UTC.

Prow validates a periodic's cron with robfig/cron.v2's `Parse` and schedules it as `TZ=UTC <cron>`. Where a
schedule Prow would load is a mistake in a mirroring job, this module refuses it: a sixth field (cron.v2 reads
it as seconds, first), `@every` of zero or less (cron.v2 makes it every second), a `TZ=` prefix (Prow's own
prefix then makes the scheduler fail), spaces around the expression and `?` outside the two day fields.
tests/test_conformance.py runs the first three through Prow's code.
"""

from __future__ import annotations

import re
from typing import Optional

_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
# (name, low, high, names)
_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)
# Go's time.ParseDuration: an optional sign, then "0" or one or more <number><unit> (ASCII digits only).
_GO_DURATION = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h)")
GO_DURATION_RE = re.compile(rf"[-+]?(?:0|(?:{_GO_DURATION.pattern})+)")
# What a cron expression looks like, as far as one regex can say it (the editor's schema, rules/schema.py): a
# descriptor, `@every <Go duration>`, or five fields of the characters fields are made of. cron_error judges the rest.
_FIELD_SHAPE = r"[0-9A-Za-z*?,/-]+"
CRON_SHAPE = re.compile(rf"@(?:{'|'.join(sorted(d[1:] for d in _DESCRIPTORS))})|@every {GO_DURATION_RE.pattern}"
                        rf"|{_FIELD_SHAPE}(?:\s+{_FIELD_SHAPE}){{4}}")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
# A Go Duration is an int64 of nanoseconds; ParseDuration refuses anything longer (about 292 years).
_GO_DURATION_MAX_SECONDS = (2**63 - 1) / 1e9


def go_duration_seconds(text: str) -> Optional[float]:
    """Seconds in a Go duration string (`20m`, `1h30m`, `-5s`), or None if Go's time.ParseDuration would reject it."""
    if not GO_DURATION_RE.fullmatch(text):
        return None
    total = 0.0
    for part in _GO_DURATION.findall(text):
        number = re.match(r"[0-9.]+", part).group(0)
        total += float(number) * _UNIT_SECONDS[part[len(number):]]
    if total > _GO_DURATION_MAX_SECONDS:
        return None
    return -total if text.startswith("-") else total


def cron_error(expr: str) -> Optional[str]:
    """Why Prow would reject `expr`, or None if it is valid."""
    spec = expr.strip()
    if spec != expr or not spec:
        return "must not be empty or have surrounding spaces"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        return "Prow schedules in UTC; remove the time-zone prefix"
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            seconds = go_duration_seconds(spec[len("@every "):])
            if seconds is None or seconds <= 0:
                return "`@every` needs a positive Go duration such as `20m` or `1h30m`"
            return None
        return f"unknown descriptor {spec.split()[0]!r} (use @hourly, @daily, @weekly, @monthly, @yearly or @every <duration>)"
    fields = spec.split()
    if len(fields) != 5:
        return f"needs exactly 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}"
    for value, (name, low, high, names) in zip(fields, _FIELDS):
        problem = _field_error(value, low, high, names, allow_question=name.startswith("day"))
        if problem:
            return f"{name} field {value!r}: {problem}"
    return None


def _field_error(value: str, low: int, high: int, names: dict[str, int], allow_question: bool) -> Optional[str]:
    for part in value.split(","):
        body, slash, step = part.partition("/")
        # ASCII digits only: Python's isdigit() also takes other scripts' digits, which Prow's parser refuses.
        if slash and not (_is_number(step) and int(step) > 0):
            return f"step {step!r} must be a positive number"
        if body in ("*",) or (allow_question and body == "?"):
            continue
        start_text, dash, end_text = body.partition("-")
        bounds = []
        for text in (start_text, end_text) if dash else (start_text,):
            number = names.get(text.lower()) if text.lower() in names else (int(text) if _is_number(text) else None)
            if number is None:
                return f"{text!r} is not a number or name"
            if not low <= number <= high:
                return f"{number} is outside {low}-{high}"
            bounds.append(number)
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            return f"range {body!r} runs backwards"
    return None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()
