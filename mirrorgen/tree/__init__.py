"""The output tree on disk: write atomically, check for drift, the manifests that say what mirrorgen owns."""

from .writer import Drift, FileDrift, WriteSummary, check, unified_diff, write

__all__ = ["Drift", "FileDrift", "WriteSummary", "check", "unified_diff", "write"]
