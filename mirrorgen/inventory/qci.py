"""QCI naming: image-stream tags `ns/name:tag` and their copies in quay.io/openshift/ci, and mapping sources
written as image-stream tags, rendered against the registry the global settings choose.

ci-operator saves every image-stream tag `<namespace>/<name>:<tag>` as `quay.io/openshift/ci:<namespace>_<name>_<tag>`:
the namespaces converge into one Quay repository, so the three parts become one tag. People and integrations pull
it through the proxy that checks their app.ci token, `quay-proxy.ci.openshift.org/openshift/ci`.
"""

from __future__ import annotations

from typing import Optional

import attrs

from .refs import TAG_RE, ImageRef, ReferenceError, dns1123_label_error, names_registry, parse_image_ref

QCI_REPOSITORY = "quay.io/openshift/ci"
QCI_PROXY_REPOSITORY = "quay-proxy.ci.openshift.org/openshift/ci"
# quay-proxy lets a token pull from QCI when that token may read image layers in this app.ci namespace.
QCI_AUTHZ_NAMESPACE = "ocp"
# app.ci's registry serves the same image-stream tags at registry.ci.openshift.org/<namespace>/<name>:<tag>.
APP_CI_REGISTRY = "registry.ci.openshift.org"
# Values of the `image_stream_registry` setting: where `ns/name:tag` mapping sources are pulled from.
APP_CI, QCI = "app.ci", "qci"
IMAGE_STREAM_REGISTRIES = (APP_CI, QCI)


@attrs.frozen
class ImageStreamTag:
    namespace: str
    name: str
    tag: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}:{self.tag}"


def is_image_stream_ref(ref: ImageRef) -> bool:
    """A reference without registry and with exactly `ns/name`: an image-stream tag of the CI cluster."""
    return not ref.registry and ref.path.count("/") == 1


def _image_stream_tag(ref: ImageRef, text: str) -> ImageStreamTag:
    if not is_image_stream_ref(ref) or ref.tag is None or ref.digest is not None:
        raise ReferenceError(f"{text!r} is not an image-stream tag; write it as namespace/name:tag, e.g. ci/ci-operator:latest")
    namespace, name = ref.path.split("/")
    error = dns1123_label_error(f"in {text!r}, the namespace", namespace)
    if error:
        raise ReferenceError(error)
    return ImageStreamTag(namespace, name, ref.tag)


def qci_tag(stream_tag: ImageStreamTag) -> str:
    """The QCI tag of an image-stream tag; raises ReferenceError when Quay would refuse it."""
    tag = f"{stream_tag.namespace}_{stream_tag.name}_{stream_tag.tag}"
    if "*" in stream_tag.tag:
        raise ReferenceError(f"{stream_tag} has a wildcard tag; QCI holds one tag per image-stream tag, so a wildcard"
                             f" would also match other streams: list the tags, or pull from app.ci")
    if not TAG_RE.fullmatch(tag):
        raise ReferenceError(f"{stream_tag} becomes the QCI tag {tag!r} ({len(tag)} characters), which is not a valid tag"
                             f" (at most 128 of [A-Za-z0-9_.-]): shorten the image stream or tag name")
    return tag


def qci_reference(reference: str, *, proxy: bool = False) -> str:
    """`ns/name:tag` (or its app.ci pull spec `registry.ci.openshift.org/ns/name:tag`) →
    `quay.io/openshift/ci:ns_name_tag`, or with `proxy` the quay-proxy pull form.

    Raises ReferenceError (a ValueError) when `reference` is not an image-stream tag or its QCI tag would be invalid.
    """
    ref = parse_image_ref(reference)
    if ref.registry == APP_CI_REGISTRY:
        ref = attrs.evolve(ref, registry="")
    stream_tag = _image_stream_tag(ref, reference)
    return f"{QCI_PROXY_REPOSITORY if proxy else QCI_REPOSITORY}:{qci_tag(stream_tag)}"


def resolve_source(ref: ImageRef, registry: str, source_registry: str) -> ImageRef:
    """An image-stream source in the chosen registry (`app.ci`: `source_registry`, `qci`: QCI); others unchanged."""
    if not is_image_stream_ref(ref):
        return ref
    if registry == APP_CI:
        return attrs.evolve(ref, registry=source_registry)
    repository_host, _, path = QCI_REPOSITORY.partition("/")
    return ImageRef(repository_host, path, qci_tag(_image_stream_tag(ref, str(ref))))


def _resolve_pair(source_text: str, destinations: list[str], registry: str, source_registry: str) -> tuple[str, list[str]]:
    source = parse_image_ref(source_text, allow_wildcard=True)
    resolved = resolve_source(source, registry, source_registry)
    if resolved is source:
        return source_text, destinations
    if registry == QCI:
        # A destination without a tag takes the source's: name the image-stream tag, not the QCI tag.
        destinations = [d if parse_image_ref(d).tag is not None else f"{d}:{source.tag}" for d in destinations]
    return str(resolved), destinations


def names_its_registry(reference: str) -> bool:
    """Whether a written reference starts with a registry host, so that it is never an image-stream tag."""
    return "/" in reference and names_registry(reference.partition("/")[0])


def resolve_tokens(tokens: tuple[str, ...], registry: str, source_registry: str) -> tuple[str, ...]:
    """A mapping line's tokens with image-stream sources written out in full.

    A line that does not parse is returned as written: validation (which also sizes the rendered ConfigMap)
    reports it, and rendering only ever sees valid lines.
    """
    sources = [token.partition("=")[0] for token in tokens] if tokens and "=" in tokens[0] else tokens[:1]
    if all(map(names_its_registry, sources)):
        return tokens  # the common case, decided without parsing: only registry-less sources are image streams
    try:
        if tokens and "=" in tokens[0]:
            out = []
            for token in tokens:
                src, _, dst = token.partition("=")
                src, (dst,) = _resolve_pair(src, [dst], registry, source_registry)
                out.append(f"{src}={dst}")
            return tuple(out)
        if len(tokens) > 1:
            src, destinations = _resolve_pair(tokens[0], list(tokens[1:]), registry, source_registry)
            return (src, *destinations)
    except ReferenceError:
        pass
    return tokens


def image_stream_namespace(ref: ImageRef, source_registry: str) -> Optional[str]:
    """The CI namespace a source pulls from (its access decision applies), or None for other registries."""
    if ref.registry == source_registry or is_image_stream_ref(ref):
        return ref.path.split("/", 1)[0]
    return None
