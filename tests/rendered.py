"""Re-parse what mirrorgen renders, by file type, the way each consumer reads it.

Shared by the property tests: any output `plan()` produces is parsed here, so artifact families added later are
covered as soon as their file type is (YAML and OWNERS, JSON, `oc image mirror` mapping files, the manifest).
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

import yaml

from mirrorgen.plan import is_manifest

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


def replace_strings(value: Any, old: str, new: str) -> Any:
    """`value` with `old` replaced by `new` in every string, keys included."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {replace_strings(k, old, new): replace_strings(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_strings(item, old, new) for item in value]
    return value
