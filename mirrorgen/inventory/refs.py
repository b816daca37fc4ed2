"""Image references, `oc image mirror` mapping lines, and the name rules Kubernetes and Vault enforce."""

from __future__ import annotations

import functools
import re
from typing import Optional

import attrs

# The distribution reference grammar (github.com/distribution/reference), which oc, skopeo and Quay share.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_PATH_RE = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_DOMAIN_RE = re.compile(_DOMAIN)
# ASCII, as in Go's RE2, where `\w` is [0-9A-Za-z_].
TAG_RE = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
# oc expands `*` in a source tag against the registry's tags.
_SOURCE_TAG = r"[\w*][\w.*-]{0,127}"
_SOURCE_TAG_RE = re.compile(_SOURCE_TAG, re.ASCII)
_DIGEST = r"(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})"
DIGEST_RE = re.compile(_DIGEST)
DNS1123_LABEL_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# Kubernetes label names (after an optional DNS-subdomain prefix and '/') and values; values may also be empty.
LABEL_PART_RE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
CONFIGMAP_KEY_RE = re.compile(r"[-._a-zA-Z0-9]+")

# Decommissioned registries and what replaced them.
DECOMMISSIONED_REGISTRIES = {"registry.svc.ci.openshift.org": "registry.ci.openshift.org"}


class ReferenceError(ValueError):
    """A malformed image reference; the message says what is wrong in words a person can act on."""


@attrs.frozen
class ImageRef:
    """`registry/path[:tag][@digest]`, exactly as written (no default registry is filled in)."""

    registry: str
    path: str
    tag: Optional[str] = None
    digest: Optional[str] = None

    @property
    def repository(self) -> str:
        return f"{self.registry}/{self.path}" if self.registry else self.path

    @property
    def is_wildcard(self) -> bool:
        return self.tag is not None and "*" in self.tag

    def __str__(self) -> str:
        out = self.repository
        if self.tag is not None:
            out += f":{self.tag}"
        if self.digest is not None:
            out += f"@{self.digest}"
        return out


def names_registry(first: str) -> bool:
    """Whether the first `/`-separated part of a reference is a registry host rather than a path component."""
    return "." in first or ":" in first or first == "localhost" or first.startswith("[")


def parse_image_ref(text: str, *, allow_wildcard: bool = False) -> ImageRef:
    """Parse a reference; raise ReferenceError naming the part that is wrong."""
    if not text:
        raise ReferenceError("empty image reference")
    rest, at, digest = text.partition("@")
    if at and not DIGEST_RE.fullmatch(digest):
        raise ReferenceError(f"malformed digest {digest!r} in {text!r} (expected sha256: and 64 lowercase hex digits)")
    tag = None
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not (_SOURCE_TAG_RE if allow_wildcard else TAG_RE).fullmatch(tag):
            why = "a wildcard `*` is only allowed in a source tag" if "*" in tag else "tags are 1-128 of [A-Za-z0-9_.-], not starting with . or -"
            raise ReferenceError(f"invalid tag {tag!r} in {text!r} ({why})")
    try:
        registry, path = split_repository(rest)
    except ReferenceError as exc:
        raise ReferenceError(f"{exc} in {text!r}") from None
    return ImageRef(registry, path, tag, digest if at else None)


# Mapping files name the same repositories over and over (one source repository with many tags, several tags of
# one destination on a line): the check of a repository name runs once per distinct name.
_HOST_PORT_RE = re.compile(r"[^:/]+:[0-9]+")


@functools.lru_cache(maxsize=16384)
def split_repository(name: str) -> tuple[str, str]:
    """(registry, path) of `[registry/]path`; raises ReferenceError naming the part that is wrong."""
    first, _, remainder = name.partition("/")
    registry, path = (first, remainder) if remainder and names_registry(first) else ("", name)
    if registry and not _DOMAIN_RE.fullmatch(registry):
        raise ReferenceError(f"invalid registry host {registry!r}")
    if not _PATH_RE.fullmatch(path):
        # A mirror path that spells out its upstream (quay.io/cki/mirror/host:5000/x) meets this first.
        port = next((part for part in path.split("/")
                     if _HOST_PORT_RE.fullmatch(part) and names_registry(part.partition(":")[0])), None)
        rule = (f"{port} is a registry host and port, which a repository path cannot hold" if port else
                "lowercase letters, digits and single separators . _ __ - between them")
        raise ReferenceError(f"invalid repository path {path!r} ({rule})")
    return registry, path


@attrs.frozen
class MappingPair:
    source: ImageRef
    destination: ImageRef

    @property
    def destination_key(self) -> str:
        """What oc uses to refuse a destination named twice: the destination with the tag it will really get."""
        dst = self.destination
        tag = dst.tag if dst.tag is not None else self.source.tag
        return f"{dst.repository}:{tag}" if tag else dst.repository


# Go's unicode.IsSpace, what strings.TrimSpace removes. Python's str.strip() removes more (U+001C to U+001F), which
# oc keeps in the first or the last token.
GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
            "\u2028\u2029\u202f\u205f\u3000")


@attrs.frozen
class ParsedLine:
    """One line of a mapping file, split the way `oc image mirror -f` splits it."""

    tokens: tuple[str, ...]
    comment: str  # from `#` to the end of the line, trailing spaces removed; "" if none
    has_tab: bool
    # The text before the comment with runs of spaces collapsed; kept only when it holds a TAB.
    tabbed_body: str = ""

    def render(self) -> str:
        """The line with single spaces between tokens (oc splits on the space character only).

        A TAB is kept where it was: replacing it would change what oc reads from the line, and generating must not
        change what a job mirrors; lint reports the TAB instead.
        """
        body = self.tabbed_body or " ".join(self.tokens)
        if body and self.comment:
            return f"{body} {self.comment}"
        return body or self.comment


def mapping_line_body(text: str) -> str:
    """What `oc image mirror -f` reads of a line (parseFile): the text before the first `#`, without the white
    space Go's strings.TrimSpace removes at either end."""
    return text.partition("#")[0].strip(GO_SPACE)


def split_mapping_line(text: str) -> ParsedLine:
    # oc reads the file with bufio.Scanner's ScanLines, which drops one CR before each newline and at the end; a CR
    # left at either end of the text before `#` goes with the white space TrimSpace removes.
    body, hash_, comment = text.partition("#")
    comment = (hash_ + comment).rstrip()
    body = body.strip(GO_SPACE)
    if "\t" in body:
        tokens = tuple(t for t in body.replace("\t", " ").split(" ") if t)
        return ParsedLine(tokens, comment, True, " ".join(t for t in body.split(" ") if t))
    tokens = body.split(" ")
    if "" in tokens:  # leading, trailing or repeated spaces
        tokens = [t for t in tokens if t]
    return ParsedLine(tuple(tokens), comment, False)


# The form nearly every line of a real mapping file has: `SRC DST [DST ...]` with single spaces, every reference
# naming its registry, the source with a tag or a sha256 digest, each destination with a tag, no wildcard and no
# comment. A strict subset of what mapping_pairs accepts (its parts are subsets of the grammar above): rules and
# rendering read such lines as they are written instead of parsing every reference of them.
# Possessive quantifiers: each part ends where its characters do, so the matcher never backtracks into it.
_PLAIN_COMPONENT = r"[a-z0-9]++(?:[._-][a-z0-9]++)*+"
_PLAIN_REGISTRY = r"[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+(?:\.[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+)++(?::[0-9]++)?+"
_PLAIN_REPOSITORY = rf"{_PLAIN_REGISTRY}/{_PLAIN_COMPONENT}(?:/{_PLAIN_COMPONENT})*+"
_PLAIN_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}+"
_PLAIN_DIGEST = r"@sha256:[a-f0-9]{64}"
_PLAIN_LINE = (rf"{_PLAIN_REPOSITORY}(?::{_PLAIN_TAG}(?:{_PLAIN_DIGEST})?|{_PLAIN_DIGEST})"
               rf"(?: {_PLAIN_REPOSITORY}:{_PLAIN_TAG})++")
PLAIN_LINE = re.compile(_PLAIN_LINE)
# Plain lines, one or a whole file of them, matched in one call.
PLAIN_LINES = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*+")
# The first path component of a plain reference, from where its registry ends.
PLAIN_COMPONENT = re.compile(_PLAIN_COMPONENT)


def mapping_pairs(tokens: tuple[str, ...]) -> list[MappingPair]:
    """The (source, destination) pairs oc derives from a line's tokens; raises ReferenceError like oc would fail."""
    eq = [t for t in tokens if "=" in t]
    if eq and len(eq) != len(tokens):
        raise ReferenceError("a line mixes SRC=DST tokens with plain tokens; oc silently ignores the plain ones: use one form")
    raw: list[tuple[str, str]] = []
    if eq:
        for token in eq:
            src, _, dst = token.partition("=")
            if not src or not dst:
                raise ReferenceError(f"{token!r} is not a valid SRC=DST mapping")
            raw.append((src, dst))
    elif len(tokens) == 1:
        raise ReferenceError(f"{tokens[0]!r} has no destination: write `SRC DST [DST ...]`")
    else:
        raw = [(tokens[0], dst) for dst in tokens[1:]]
    pairs = []
    # `SRC DST DST ...` repeats one source: parse it once.
    sources: dict[str, ImageRef] = {}
    for src_text, dst_text in raw:
        src = sources.get(src_text)
        if src is None:
            src = sources[src_text] = parse_image_ref(src_text, allow_wildcard=True)
        dst = parse_image_ref(dst_text)
        if src.tag is None and src.digest is None:
            raise ReferenceError(f"source {src_text!r} needs a tag or a digest (oc cannot tell what to copy)")
        if dst.digest is not None:
            raise ReferenceError(f"destination {dst_text!r} carries a digest; registries assign digests: give a tag or none")
        if src.is_wildcard and dst.tag is not None:
            raise ReferenceError(f"source {src_text!r} has a wildcard tag, so the destination must be a bare repository, not {dst_text!r}")
        if dst.repository == src.repository and (dst.tag or src.tag) == src.tag:
            raise ReferenceError(f"source and destination are the same image ({src_text}); oc refuses to copy onto itself")
        pairs.append(MappingPair(src, dst))
    return pairs


def is_dns1123_label(name: str) -> bool:
    return len(name) <= 63 and bool(DNS1123_LABEL_RE.fullmatch(name))


def is_dns1123_subdomain(name: str) -> bool:
    return len(name) <= 253 and bool(DNS1123_SUBDOMAIN_RE.fullmatch(name))


def is_label_key(key: str) -> bool:
    """Kubernetes' IsQualifiedName: `[prefix/]name`, the prefix a DNS-1123 subdomain, the name at most 63 characters."""
    prefix, slash, name = key.rpartition("/")
    if slash and not (prefix and is_dns1123_subdomain(prefix)):
        return False
    return len(name) <= 63 and bool(LABEL_PART_RE.fullmatch(name))


def is_label_value(value: str) -> bool:
    return value == "" or (len(value) <= 63 and bool(LABEL_PART_RE.fullmatch(value)))


def is_configmap_key(name: str) -> bool:
    return len(name) <= 253 and bool(CONFIGMAP_KEY_RE.fullmatch(name))


def is_registry_host(name: str) -> bool:
    return bool(_DOMAIN_RE.fullmatch(name))


DNS1123_LABEL_RULE = "at most 63 of a-z, 0-9 and '-', no dots, starting and ending alphanumeric"


def dns1123_label_error(what: str, name: str) -> Optional[str]:
    """Why `name` cannot be a namespace or Secret name (DNS-1123 label), with a suggestion; None if it can."""
    if is_dns1123_label(name):
        return None
    return f"{what} {name!r} is not a DNS-1123 label ({DNS1123_LABEL_RULE}); try {dns1123_hint(name)!r}"


def dns1123_hint(name: str) -> str:
    """A suggested valid label for `name`, for error messages."""
    fixed = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63].strip("-")
    return fixed or "a-name"
