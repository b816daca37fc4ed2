"""Rules for text that people write and other tools read: characters, one-line fields, names, line lengths.

Rendering escapes every value for its format, so these rules are not what keeps outputs parseable; they reject
what no consumer accepts, and what a reviewer of a pull request cannot see (control and invisible characters).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..errors import Location, Problem
from ..inventory.characters import describe, forbidden_character
from ..inventory.model import Inventory, Owners

# A GitHub login (at most 39 letters, digits and single hyphens) or an OWNERS_ALIASES alias, which Prow reads as
# the same kind of name; underscores appear in aliases.
_OWNER_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_])){0,99}")
# oc reads mapping files with bufio.Scanner, which fails the whole file on a line of 64 KiB or more.
MAX_MAPPING_LINE_BYTES = 65535


def check_characters(inventory: Inventory) -> Iterator[Problem]:
    """No control or invisible characters anywhere, keys included, in any inventory file; only a mapping file may
    end its lines with a CR, which oc drops (a file kept as a Windows editor saved it)."""
    org_files = {org.file for org in inventory.orgs}
    for source in inventory.sources.values():
        for path, is_key, text in source.strings():
            if "\r" in text and not is_key and source.file in org_files and len(path) == 2 and path[0] == "mappings":
                text = text.replace("\r\n", "\n").removesuffix("\r")  # the same lines, without those CRs
            char = forbidden_character(text)
            if char is None:
                continue
            what = f"key {ascii(text)}" if is_key else ".".join(map(str, path)) or "value"
            where = source.locate(path, key=True) if is_key else source.locate_in_text(path, text, text.index(char))
            yield Problem(where, f"{what} contains the invisible or control character {describe(char)}; remove it"
                                 f" (retype the text if you cannot see it)")


def _owner_problems(inventory: Inventory, file: str, owners: Owners, *path: str) -> Iterator[Problem]:
    for role in ("approvers", "reviewers"):
        for index, name in enumerate(getattr(owners, role)):
            if not _OWNER_NAME.fullmatch(name):
                yield Problem(inventory.locate(file, *path, "owners", role, index),
                              f"owners.{role} entry {ascii(name)} is not a GitHub login or OWNERS_ALIASES alias"
                              f" (letters, digits, '-' and '_', starting with a letter or digit); write one name per entry")


def _one_line_problems(inventory: Inventory, file: str, entry: object, what: str, *path: str) -> Iterator[Problem]:
    for field in ("display_name", "description"):
        value = getattr(entry, field)
        if value is not None and (not value.strip() or "\n" in value.strip()):
            yield Problem(inventory.locate(file, *path, field),
                          f"{field} of {what} must be one line of text (it becomes an annotation shown in the console);"
                          f" leave the key out if there is nothing to say")


def check_people_text(inventory: Inventory) -> Iterator[Problem]:
    """OWNERS names Prow can resolve, and one-line display names and descriptions."""
    for org in inventory.orgs:
        yield from _owner_problems(inventory, org.file, org.owners)
    for ns in inventory.namespaces:
        yield from _owner_problems(inventory, ns.file, ns.owners, "namespaces", ns.name)
        yield from _one_line_problems(inventory, ns.file, ns, f"namespace {ns.name!r}", "namespaces", ns.name)
    qci = inventory.qci
    if qci is not None:
        for name, group in qci.groups.items():
            yield from _owner_problems(inventory, qci.file, group.owners, "groups", name)
        for name, integration in qci.integrations.items():
            yield from _owner_problems(inventory, qci.file, integration.owners, "integrations", name)
            yield from _one_line_problems(inventory, qci.file, integration, f"integration {name!r}", "integrations", name)


def check_mapping_line_length(inventory: Inventory) -> Iterator[Problem]:
    for org in inventory.orgs:
        for mapping in org.mappings:
            for line in mapping.lines:
                if len(line.text) * 4 <= MAX_MAPPING_LINE_BYTES:  # UTF-8 takes at most 4 bytes a character
                    continue
                size = len(line.parsed.render().encode("utf-8", "surrogatepass"))
                if size > MAX_MAPPING_LINE_BYTES:
                    yield Problem(Location(org.file, line.number),
                                  f"line of {size} bytes: oc cannot read mapping lines over {MAX_MAPPING_LINE_BYTES} bytes"
                                  f" and would fail the whole file; split it into several lines")
