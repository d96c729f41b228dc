"""Give the English catalog its own text: the source strings of the code are English.

Only empty entries are filled, so an English wording that differs from the code is kept.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> int:
    """Fill the empty English translations of one catalog with their source strings."""
    with open(path, "rb") as file:
        catalog = read_po(file, locale="en")
    for message in catalog:
        if not message.id or message.string:
            continue
        message.string = message.id
        if "fuzzy" in message.flags:
            message.flags.discard("fuzzy")
    with open(path, "wb") as file:
        write_po(file, catalog, width=0, omit_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
