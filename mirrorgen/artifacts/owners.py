"""OWNERS files (Prow's approvers/reviewers), shared by the org folders and the registry-access folders."""

from __future__ import annotations

from typing import Any, Optional

from ..inventory.model import Owners
from .render import render


def owners_document(owners: Owners) -> dict[str, Any]:
    """The OWNERS content; names keep the inventory's order (it is the team's choice), duplicates dropped."""
    document: dict[str, Any] = {}
    for role in ("approvers", "reviewers"):
        names = list(dict.fromkeys(getattr(owners, role)))
        if names:
            document[role] = names
    return document


def owners_text(owners: Owners, *, source: str, header: bool) -> Optional[str]:
    """The OWNERS file to write, or None when the folder has none."""
    if not owners.write:
        return None
    if owners.verbatim is not None:
        return owners.verbatim
    return render("documents.yaml.j2", source=source, header=header, documents=[owners_document(owners)])
