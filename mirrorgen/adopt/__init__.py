"""Adopting an openshift/release checkout: read it, convert it to an inventory, prove the round trip."""

from .checkout import read_release, write_inventory
from .jobs import secret_sources
from .roundtrip import import_release

__all__ = ["import_release", "read_release", "secret_sources", "write_inventory"]
