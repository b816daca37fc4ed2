"""OWNERS files (Prow's approvers/reviewers), shared by the org folders and the registry-access folders."""

from __future__ import annotations

from typing import Any

from ..model import Owners


def owners_document(owners: Owners) -> dict[str, Any]:
    """The OWNERS content; names keep the inventory's order (it is the team's choice), duplicates dropped."""
    document: dict[str, Any] = {}
    for role in ("approvers", "reviewers"):
        names = list(dict.fromkeys(getattr(owners, role)))
        if names:
            document[role] = names
    return document
