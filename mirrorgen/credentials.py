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

# (what it is, literals one of which every such credential contains, the pattern). The rule reads every value of
# the inventory, megabytes of mapping lines, so the patterns only run on text holding one of their literals.
_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("a PEM private key", ("PRIVATE KEY",), re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
    ("a docker config.json with credentials", ('"auth', "'auth"), re.compile(r"[\"']auths?[\"']\s*:")),
    ("a password in a URL", ("://",), re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    ("a GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a GitLab token", ("glpat-", "gldt-", "glrt-", "glptt-"), re.compile(r"\bgl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}")),
    ("a JSON Web Token (such as a ServiceAccount token)", ("eyJ",),
     re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")),
    ("an AWS access key", ("AKIA", "ASIA"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Slack token", ("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"), re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
)
_ANY_LITERAL = re.compile("|".join(re.escape(literal) for _, literals, _ in _PATTERNS for literal in literals))
# A whole run of base64 characters, 12 or more, with its padding. The two credentials without a literal are found
# inside such runs, so that one scan of the text serves both: the base64 `user:password` of a docker config.json,
# and a Quay robot token (64 upper-case letters and digits; digests are lower-case hex, so never match).
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/])")
_QUAY_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*[0-9])[A-Z0-9]{64}(?![A-Za-z0-9])")
_USER_PASSWORD = re.compile(r"[\x21-\x39\x3b-\x7e]+:[\x21-\x7e]+")


def _is_base64_user_password(run: str) -> bool:
    if len(run) % 4:
        return False
    try:
        decoded = base64.b64decode(run, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return bool(_USER_PASSWORD.fullmatch(decoded))


def find_credential(text: str) -> Optional[tuple[str, int, int]]:
    """What kind of credential `text` holds and its span, or None."""
    if _ANY_LITERAL.search(text):
        for kind, literals, pattern in _PATTERNS:
            match = pattern.search(text) if any(literal in text for literal in literals) else None
            if match:
                return kind, match.start(), match.end()
    for run in _BASE64_RUN.finditer(text):
        quay = _QUAY_TOKEN.search(run.group()) if run.end() - run.start() >= 64 else None
        if quay:
            return "a Quay robot token", run.start() + quay.start(), run.start() + quay.end()
        if _is_base64_user_password(run.group()):
            return "a base64 user:password, the `auth` of a docker config.json", *run.span()
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
