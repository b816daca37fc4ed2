"""The output tree on disk: write atomically, check for drift, the manifests that say what mirrorgen owns."""

from .._compat import forward
from .drift import Drift, FileDrift, check, plugins_file, unified_diff
from .writer import WriteSummary, write

__all__ = ["Drift", "FileDrift", "WriteSummary", "check", "plugins_file", "unified_diff", "write"]
# The other names tree.py had, from drift.py and writer.py, with a DeprecationWarning.
__getattr__ = forward(__name__)
