"""The shell's registry side: skopeo lookups, pinning digests, verifying mirrors."""

from .._compat import forward

# The names registry.py had (now in skopeo.py), with a DeprecationWarning.
__getattr__ = forward(__name__)
