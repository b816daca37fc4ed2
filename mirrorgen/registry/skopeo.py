"""The shell's registry side: resolve what digest a registry serves for a reference, through skopeo.

skopeo reads credentials where podman and docker keep them (REGISTRY_AUTH_FILE, the containers auth.json,
~/.docker/config.json) and honours registries.conf, so mirrorgen needs no credential handling of its own.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Iterable, Optional

import attrs

from ..errors import MirrorgenError

# Registries answer these (distribution error codes, as skopeo prints them) when a tag or repository is absent.
_ABSENT = ("manifest unknown", "name unknown", "not found", "no such image")
# skopeo logs a failure as `time="…" level=fatal msg="…"`; the message is what a person needs.
_LOG_MESSAGE = re.compile(r'msg="((?:[^"\\]|\\.)*)"')
TIMEOUT_SECONDS = 120
PARALLEL = 8


@attrs.frozen
class Resolution:
    """A reference's digest (None when the registry does not have it), or why it could not be asked."""

    digest: Optional[str] = None
    error: Optional[str] = None


def registry_host(reference: str) -> str:
    return reference.split("/", 1)[0]


@attrs.frozen
class Skopeo:
    """`insecure`: registry hosts to reach without TLS verification (or over plain HTTP)."""

    insecure: frozenset[str] = frozenset()
    executable: str = "skopeo"

    def _command(self, reference: str) -> list[str]:
        path = shutil.which(self.executable)
        if path is None:
            raise MirrorgenError(f"{self.executable} not found: install skopeo (Debian: apt-get install skopeo)")
        tls = "false" if registry_host(reference) in self.insecure else "true"
        return [path, "inspect", "--raw", "--no-tags", f"--tls-verify={tls}", f"docker://{reference}"]

    def resolve(self, reference: str) -> Resolution:
        """The digest of the manifest the registry serves for `reference` (an index for a multi-arch image).

        It is the sha256 of the raw manifest bytes, which is what `skopeo inspect --format '{{.Digest}}'`
        reports and what a pull by digest asks for.
        """
        try:
            result = subprocess.run(self._command(reference), capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return Resolution(error=f"no answer from {registry_host(reference)} within {TIMEOUT_SECONDS} s")
        if result.returncode == 0:
            return Resolution(digest="sha256:" + hashlib.sha256(result.stdout).hexdigest())
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        text = lines[-1] if lines else f"skopeo exited with {result.returncode}"
        logged = _LOG_MESSAGE.search(text)
        if logged:
            text = logged.group(1).replace('\\"', '"')
        if any(marker in text.lower() for marker in _ABSENT):
            return Resolution()
        return Resolution(error=text)

    def resolve_all(self, references: Iterable[str]) -> dict[str, Resolution]:
        unique = sorted(set(references))
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            return dict(zip(unique, pool.map(self.resolve, unique)))
