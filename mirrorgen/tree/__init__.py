"""The output tree on disk: write atomically, check for drift, the manifests that say what mirrorgen owns."""

from .drift import Drift, FileDrift, check, unified_diff
from .writer import WriteSummary, write

__all__ = ["Drift", "FileDrift", "WriteSummary", "check", "unified_diff", "write"]
