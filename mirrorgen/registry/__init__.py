"""The shell's registry side: skopeo lookups, pinning digests, verifying mirrors."""
