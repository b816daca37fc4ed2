"""`mirrorgen pin`: write into images.yaml the digest each image's tag points to."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .common import EXIT_DRIFT, EXIT_OK, INSECURE_REGISTRY, add_command, print_problems


def add(commands: argparse._SubParsersAction) -> None:
    pin = add_command(commands, "pin", "write the digest each image tag points to into images.yaml, for the images"
                                        " without one (exit 1 if one cannot be resolved)", output=False)
    pin.add_argument("--update", action="store_true", help="re-resolve every image, not only those without a digest")
    pin.add_argument("--insecure-registry", **INSECURE_REGISTRY)
    pin.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..registry.pin import pin
    from ..registry.skopeo import Skopeo

    result = pin(Path(args.config), update=args.update, registry=Skopeo(frozenset(args.insecure_registry)))
    for image, new in result.changed:
        print(f"{os.path.join(args.config, str(image.location))}: pinned {image.name}: {new}")
    print_problems(result.failed, args.config)
    print(f"mirrorgen: {len(result.changed)} pinned, {result.unchanged} already current, {len(result.failed)} failed")
    return EXIT_DRIFT if result.failed else EXIT_OK
