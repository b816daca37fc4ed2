"""Adopting an openshift/release checkout: read it, convert it to an inventory, prove the round trip."""
