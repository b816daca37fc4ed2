"""Re-parse what mirrorgen renders, by file type, the way each consumer reads it.

Shared by the property tests: any output `plan()` produces is parsed here, so artifact families added later are
covered as soon as their file type is (YAML and OWNERS, JSON, `oc image mirror` mapping files, the manifest).
"""

from __future__ import annotations

import calendar
import json
import posixpath
import re
from typing import Any

import yaml

from mirrorgen.tree.drift import is_manifest

# Go's unicode.IsSpace, which strings.TrimSpace uses.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def oc_mapping_lines(text: str) -> list[list[str]]:
    """What `oc image mirror -f` reads from a mapping file (openshift/oc pkg/cli/image/mirror/mappings.go parseFile):
    bufio.Scanner lines (split on \\n, one trailing \\r dropped), cut at the first `#`, TrimSpace, split on " "."""
    lines = []
    for raw in text.split("\n"):
        if raw.endswith("\r"):
            raw = raw[:-1]
        line = raw.split("#", 1)[0].strip(_GO_SPACE)
        if line:
            # Empty fields from runs of spaces are skipped by parseArgs.
            lines.append([arg for arg in line.split(" ") if arg])
    return lines


def file_type(path: str) -> str:
    name = posixpath.basename(path)
    if is_manifest(path):
        return "manifest"
    if name.startswith("mapping_") or name == "mapping.txt":
        return "mapping"
    if name == "OWNERS" or name.endswith((".yaml", ".yml")):
        return "yaml"
    if name.endswith(".json"):
        return "json"
    return "text"


_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


def reparse(path: str, text: str) -> Any:
    """The structure a consumer reads from the file at `path`; raises if the file does not parse."""
    kind = file_type(path)
    if kind == "yaml":
        return list(yaml.safe_load_all(text))
    if kind == "json":
        return json.loads(text)
    if kind == "mapping":
        return oc_mapping_lines(text)
    if kind == "manifest":
        entries = []
        for line in text.splitlines():
            match = _MANIFEST_LINE.fullmatch(line)
            assert match, f"manifest line {line!r} is not `<sha256>  <path>`"
            entries.append(match.group(2))
        return entries
    return text



# --- how go-yaml v2 (gopkg.in/yaml.v2 resolve.go, which sigs.k8s.io/yaml and Prow use) resolves a plain scalar -----
# Transcribed from resolve.go and Go's strconv/time rules, for the tests' own judgement until a Go harness reads
# the files with go-yaml itself.

_GO_RESOLVE_MAP = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
    "-.inf", "-.Inf", "-.INF", "<<",
}
# strconv.ParseInt/ParseUint(s, 0, 64): sign, then 0x / 0o / 0b (either case), a leading 0 (octal), or decimal.
_GO_INT = re.compile(r"([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))")
_GO_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# strconv.ParseFloat of a scalar starting with `.`: Go float literal syntax, `_` only between digits.
_GO_DOT_FLOAT = re.compile(r"\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?")
_GO_DATE = r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
_GO_CLOCK = r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?"
# parseTimestamp's layouts: "2006-1-2T15:4:5.999999999Z07:00" (t too), "2006-1-2 15:4:5.999999999", "2006-1-2".
_GO_TIMESTAMPS = (re.compile(rf"{_GO_DATE}[Tt]{_GO_CLOCK}(?:Z|[-+]([0-9]{{2}}):([0-9]{{2}}))"),
                  re.compile(rf"{_GO_DATE} {_GO_CLOCK}"), re.compile(_GO_DATE))


def _go_int(text: str) -> bool:
    match = _GO_INT.fullmatch(text)
    if not match:
        return False
    sign, hexadecimal, octal, binary, leading_zero, decimal = match.groups()
    value = (int(hexadecimal, 16) if hexadecimal else int(octal, 8) if octal else int(binary, 2) if binary
             else int(leading_zero, 8) if leading_zero else int(decimal))
    # ParseInt's int64 range, or ParseUint's uint64 range (which takes no sign).
    return value <= 2**63 if sign == "-" else value < 2**63 if sign == "+" else value < 2**64


def _go_float(text: str) -> bool:
    # ParseFloat fails (ErrRange) where the value overflows float64.
    return float(text.replace("_", "")) not in (float("inf"), float("-inf"))


def _go_timestamp(text: str) -> bool:
    for layout in _GO_TIMESTAMPS:
        match = layout.fullmatch(text)
        if not match:
            continue
        year, month, day, *clock = (int(part) if part else 0 for part in match.groups())
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return False
        hour, minute, second, zone_hour, zone_minute = (clock + [0, 0, 0, 0, 0])[:5]
        return hour < 24 and minute < 60 and second < 60 and zone_hour <= 24 and zone_minute <= 60
    return False


def go_yaml_v2_reads_as_string(plain: str) -> bool:
    """Whether go-yaml v2 reads the plain (unquoted) scalar `plain` as a string (resolve("", plain))."""
    if plain in _GO_RESOLVE_MAP:
        return False
    if plain[0] == ".":
        return not (_GO_DOT_FLOAT.fullmatch(plain) and _go_float(plain))
    if plain[0] not in "+-0123456789":
        return True
    if _go_timestamp(plain):
        return False
    bare = plain.replace("_", "")
    # (resolve.go's own `0b` and `-0b` forms are a subset of what ParseInt takes.)
    return not (_go_int(bare) or (_GO_YAML_FLOAT.fullmatch(bare) and _go_float(bare)))
