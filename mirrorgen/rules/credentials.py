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
import re2
from typing import Iterable, Iterator, Optional

from ..errors import Problem
from ..inventory.model import Inventory

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
# Python's re tries an alternation, or a pattern that starts with a class, at every character (about 65 MB/s here),
# so the passes over all the text are made by RE2, a linear-time automaton, and Python re only reads what RE2 flags.
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


def _re2_on_utf8(pattern: str):
    """RE2 for ASCII patterns, reading `_utf8(text)` one byte a character: ASCII matches as in the text, and any
    other character becomes bytes from 0x80 up, in every negated class and in no other, as it is in the text."""
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    return re2.compile(pattern.encode("ascii"), options=options)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # any str, a lone surrogate too


_LITERALS = "|".join(re2.escape(literal) for _, literals, _ in _PATTERNS for literal in literals)
_ANY_LITERAL = _re2_on_utf8(_LITERALS)
# A whole run of base64 characters, 12 or more, with its padding. The two credentials without a literal are found
# inside such runs, so that one scan of the text serves both: the base64 `user:password` of a docker config.json,
# and a Quay robot token (64 upper-case letters and digits; digests are lower-case hex, so never match).
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/])")
_QUAY_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*[0-9])[A-Z0-9]{64}(?![A-Za-z0-9])")
_USER_PASSWORD = re.compile(r"[\x21-\x39\x3b-\x7e]+:[\x21-\x7e]+")
# What every run found below starts with, for RE2 (no lookaround): 64 characters of a Quay robot token, or the first
# three groups of a base64 `user:password`. Such a run has at least 12 characters before its padding, so these groups
# are whole and decode to 9 bytes of printable ASCII (0x21..0x7e), which gives each of the first three characters of a
# group a class: the byte >> 2 for the first, 0x2..0x7 in its low four bits for the second, 0 or 1 in its low two
# bits for the third (the fourth can be any). None of the 165 485 runs of the 100 000-line benchmark starts so.
_GROUP = "[I-Za-f][C-HS-Xi-ny-z0-3][ABEFIJMNQRUVYZcdghklopstwx014589][A-Za-z0-9+/]"
_BASE64_CREDENTIAL_STARTS = f"[A-Z0-9]{{64}}|(?:^|[^A-Za-z0-9+/])(?:{_GROUP}){{3}}"
_BASE64_CREDENTIAL_START = _re2_on_utf8(_BASE64_CREDENTIAL_STARTS)
# What a whole file must hold for any of its strings to be worth a closer look. Its strings are joined by line
# breaks, so each one's own match is still there: a line break goes before a run as the start of the text does.
_CREDENTIAL_HINT = _re2_on_utf8(f"{_LITERALS}|{_BASE64_CREDENTIAL_STARTS}")


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
    encoded = _utf8(text)
    if _ANY_LITERAL.search(encoded):
        for kind, literals, pattern in _PATTERNS:
            match = pattern.search(text) if any(literal in text for literal in literals) else None
            if match:
                return kind, match.start(), match.end()
    if not _BASE64_CREDENTIAL_START.search(encoded):
        return None
    for run in _BASE64_RUN.finditer(text):
        quay = _QUAY_TOKEN.search(run.group()) if run.end() - run.start() >= 64 else None
        if quay:
            return "a Quay robot token", run.start() + quay.start(), run.start() + quay.end()
        if _is_base64_user_password(run.group()):
            return "a base64 user:password, the `auth` of a docker config.json", *run.span()
    return None


def check_credentials(inventory: Inventory) -> Iterator[Problem]:
    for source in inventory.sources.values():
        strings = list(source.strings())
        hinted = _CREDENTIAL_HINT.search(_utf8("\n".join(text for _, _, text in strings))) is not None
        for path, is_key, text in strings:
            if is_key and text.lower() in CREDENTIAL_KEYS:
                yield Problem(source.locate(path, key=True), f"key '{text}' would hold a credential; {WHERE_CREDENTIALS_BELONG}")
                continue
            found = find_credential(text) if hinted else None
            if found:
                kind, start, _ = found
                what = "this key" if is_key else ".".join(map(str, path))
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
