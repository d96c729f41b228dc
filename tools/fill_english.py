"""Give the English catalog its own text: the source strings of the code are English.

Empty entries and fuzzy guesses are filled; a checked English wording that differs from the
code is kept.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> int:
    """Fill the empty English translations of one catalog with their source strings."""
    with open(path, "rb") as file:
        catalog = read_po(file, locale="en")
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or (all(strings) and not message.fuzzy):
            continue
        message.string = message.id  # for a plural: (singular, plural), as English needs
        message.flags.discard("fuzzy")
    with open(path, "wb") as file:
        write_po(file, catalog, width=0, omit_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
