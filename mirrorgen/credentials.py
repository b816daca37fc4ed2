"""No credentials in the inventory: it and every file rendered from it are public in git.

The inventory names secrets (`jobs.secret_name`) and Vault paths (`vault.item_prefix`); the credentials themselves
live in Vault, entered through the self-service portal. This rule looks at every key and every text value of every
inventory file, whatever its schema, so files added later are covered too. Messages never repeat the value.
"""

from __future__ import annotations

import base64
import binascii
import re

import attrs
from typing import Iterable, Iterator, Optional

from .errors import Problem
from .model import Inventory

WHERE_CREDENTIALS_BELONG = (
    "credentials never go in the inventory (it and the generated files are public): store them in Vault through"
    " the self-service portal and refer to them by secret name (jobs.secret_name)"
)

# Keys that only ever hold a credential. Exact names, so that `secret_name` or `credentials_key` stay legal.
CREDENTIAL_KEYS = frozenset({
    "auth", "auths", "password", "passwd", "token", "api_key", "apikey", "access_token", "private_key",
    "client_secret", ".dockerconfigjson",
})

# (what it is, a literal every such credential contains, the pattern). The rule reads every value of the
# inventory, so a pattern only runs on text holding its literal.
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("a PEM private key", "PRIVATE KEY", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
    ("a docker config.json with credentials", "auth", re.compile(r"[\"']auths?[\"']\s*:")),
    ("a password in a URL", "://", re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    ("a GitHub token", "_", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a GitLab token", "gl", re.compile(r"\bgl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}")),
    ("a JSON Web Token (such as a ServiceAccount token)", "eyJ",
     re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")),
    # Quay robot account tokens: 64 upper-case letters and digits (digests are lower-case hex, so never match).
    ("a Quay robot token", "", re.compile(r"(?<![A-Za-z0-9])(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*[0-9])[A-Z0-9]{64}(?![A-Za-z0-9])")),
    ("an AWS access key", "A", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Slack token", "xox", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
)
# A run of 64 upper-case letters and digits: the only text worth the Quay pattern's look-aheads.
_UPPER_RUN = re.compile(r"[A-Z0-9]{64}")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])")
_USER_PASSWORD = re.compile(r"[\x21-\x39\x3b-\x7e]+:[\x21-\x7e]+")


def _base64_user_password(text: str) -> Optional[tuple[int, int]]:
    """Span of a base64 `user:password` (the `auth` of a docker config.json), if the text holds one."""
    for match in _BASE64.finditer(text):
        token = match.group()
        if len(token) % 4:
            continue
        try:
            decoded = base64.b64decode(token, validate=True).decode("ascii")
        except (binascii.Error, UnicodeDecodeError):
            continue
        if _USER_PASSWORD.fullmatch(decoded):
            return match.span()
    return None


def find_credential(text: str) -> Optional[tuple[str, int, int]]:
    """What kind of credential `text` holds and its span, or None."""
    for kind, literal, pattern in _PATTERNS:
        if literal in text and (literal or _UPPER_RUN.search(text)):
            match = pattern.search(text)
            if match:
                return kind, match.start(), match.end()
    span = _base64_user_password(text)
    if span is not None:
        return "a base64 user:password, the `auth` of a docker config.json", *span
    return None


def check_credentials(inventory: Inventory) -> Iterator[Problem]:
    for source in inventory.sources.values():
        for path, is_key, text in source.strings():
            name = ".".join(map(str, path))
            if is_key and text.lower() in CREDENTIAL_KEYS:
                yield Problem(source.locate(path, key=True), f"key '{text}' would hold a credential; {WHERE_CREDENTIALS_BELONG}")
                continue
            found = find_credential(text)
            if found:
                kind, start, _ = found
                what = "this key" if is_key else name
                where = source.locate(path, key=True) if is_key else source.locate_in_text(path, text, start)
                yield Problem(where, f"{what} looks like it holds {kind}; {WHERE_CREDENTIALS_BELONG}")


def redact(text: str) -> str:
    found = find_credential(text)
    while found:
        text = text[: found[1]] + "<credential>" + text[found[2]:]
        found = find_credential(text)
    return text


def without_echoes(problems: Iterable[Problem]) -> list[Problem]:
    """Other rules' messages quote values, and error output ends up in CI logs: drop the other problems where a
    credential was found, and blank out any credential another message still quotes."""
    problems = list(problems)
    spots = {p.location for p in problems if WHERE_CREDENTIALS_BELONG in p.message}
    return [attrs.evolve(p, message=redact(p.message)) for p in problems
            if p.location not in spots or WHERE_CREDENTIALS_BELONG in p.message]
