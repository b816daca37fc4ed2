"""Cron expressions as Prow accepts them (robfig/cron v3 `ParseStandard`): five fields or a descriptor."""

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
_GO_DURATION = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)")
_GO_DURATION_FULL = re.compile(rf"(?:{_GO_DURATION.pattern})+")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def go_duration_seconds(text: str) -> Optional[float]:
    """Seconds in a Go duration string (`20m`, `1h30m`), or None if Go's time.ParseDuration would reject it."""
    if not _GO_DURATION_FULL.fullmatch(text):
        return None
    total = 0.0
    for part in _GO_DURATION.findall(text):
        number = re.match(r"[\d.]+", part).group(0)
        total += float(number) * _UNIT_SECONDS[part[len(number):]]
    return total


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
        if slash and not (step.isdigit() and int(step) > 0):
            return f"step {step!r} must be a positive number"
        if body in ("*",) or (allow_question and body == "?"):
            continue
        start_text, dash, end_text = body.partition("-")
        bounds = []
        for text in (start_text, end_text) if dash else (start_text,):
            number = names.get(text.lower()) if text.lower() in names else (int(text) if text.isdigit() else None)
            if number is None:
                return f"{text!r} is not a number or name"
            if not low <= number <= high:
                return f"{number} is outside {low}-{high}"
            bounds.append(number)
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            return f"range {body!r} runs backwards"
    return None
