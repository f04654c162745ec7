#!/usr/bin/env python3
"""Cross-check host/sms/src/national.rs against the gsmcodecs PyPI package.

Development aid, not run in CI. gsmcodecs (MIT, https://github.com/ndf-zz/gsmcodecs)
is an independent transcription of the 3GPP TS 23.038 national language tables
(it says v18.0.0). Install it in a throwaway virtualenv and run this script with it:

    python3 -m venv /tmp/venv-gsm
    /tmp/venv-gsm/bin/pip install gsmcodecs
    /tmp/venv-gsm/bin/python scripts/check-national-tables.py

Every position of every national table is compared. Differences already
reviewed are listed in KNOWN with the reason national.rs keeps its value; the
script exits 1 if it finds any other difference (or if a known one went away).
"""

import os
import re
import sys

try:
    from gsmcodecs.charmaps import GSMCHARMAPS
except ImportError:
    sys.exit("gsmcodecs is not installed: see the docstring of this script")

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NATIONAL_RS = os.path.join(REPO_ROOT, "host", "sms", "src", "national.rs")

PREFIXES = {
    "TURKISH": 1,
    "SPANISH": 2,
    "PORTUGUESE": 3,
    "BENGALI": 4,
    "GUJARATI": 5,
    "HINDI": 6,
    "KANNADA": 7,
    "MALAYALAM": 8,
    "ORIYA": 9,
    "PUNJABI": 10,
    "TAMIL": 11,
    "TELUGU": 12,
    "URDU": 13,
}
KIND = {"LOCKING_SHIFT": "locking", "SINGLE_SHIFT": "singleShift"}
ESC = 0x1B

# (language id, kind, septet) -> (national.rs, gsmcodecs, why national.rs is right).
_COMMA = (
    ",",
    "'",
    "smstools (v13) and Android GsmAlphabet have ',' here; with \"'\" the table would "
    "have no comma at all and \"'\" twice (it is also single shift 0x09)",
)
KNOWN = {(lid, "locking", 0x2C): _COMMA for lid in range(4, 14)}
KNOWN[(7, "locking", 0x24)] = (
    "\u0ca1",
    "\u0caa",
    "smstools (v13) and Android GsmAlphabet have KANNADA LETTER DDA here; gsmcodecs has "
    "KANNADA LETTER PA, which it also has at 0x3D, and no DDA anywhere",
)
KNOWN[(12, "singleShift", 0x65)] = (
    "\u20ac",
    None,
    "smstools (v13) and Android GsmAlphabet have EURO SIGN here, as in every other "
    "single shift table",
)

CHAR = re.compile(r"Some\('(\\u\{[0-9A-Fa-f]+\}|\\n|\\r|\\'|\\\\|[^\\'])'\)|None")


def rust_char(lit):
    if lit.startswith("\\u{"):
        return chr(int(lit[3:-1], 16))
    return {"\\n": "\n", "\\r": "\r", "\\'": "'", "\\\\": "\\"}.get(lit, lit)


def read_tables(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    tables = {}
    table = re.compile(r"^static ([A-Z]+)_(LOCKING_SHIFT|SINGLE_SHIFT): Table = \[\n(.*?)^\];", re.M | re.S)
    for m in table.finditer(text):
        prefix, kind, body = m.groups()
        entries = []
        for line in body.splitlines():
            code = line.split("//", 1)[0].strip()
            if not code:
                continue
            e = CHAR.fullmatch(code.rstrip(","))
            if not e:
                sys.exit(f"{prefix}_{kind}: cannot read {line!r}")
            entries.append(None if e.group(0) == "None" else rust_char(e.group(1)))
        if len(entries) != 128:
            sys.exit(f"{prefix}_{kind}: {len(entries)} entries")
        tables[(PREFIXES[prefix], KIND[kind])] = entries
    return tables


def show(c):
    return "None" if c is None else f"{c!r} U+{ord(c):04X}"


def main():
    ours = read_tables(NATIONAL_RS)
    if len(ours) != 25:
        sys.exit(f"expected 25 tables in {NATIONAL_RS}, found {len(ours)}")
    theirs = {}
    for lid, kinds in GSMCHARMAPS.items():
        for kind, maps in kinds.items():
            if lid:
                theirs[(lid, kind)] = maps["decode"]
    if sorted(theirs) != sorted(ours):
        sys.exit(f"table sets differ: {sorted(set(theirs) ^ set(ours))}")

    unexpected = []
    seen_known = set()
    for key in sorted(ours):
        lid, kind = key
        for septet in range(128):
            if septet == ESC:
                continue  # gsmcodecs decodes a stray ESC as a space
            a = ours[key][septet]
            b = theirs[key].get(septet)
            b = None if b is None else chr(b)
            if a == b:
                continue
            where = (lid, kind, septet)
            known = KNOWN.get(where)
            if known and known[:2] == (a, b):
                seen_known.add(where)
                print(f"known   {lid:2} {kind:11} 0x{septet:02X}: national.rs {show(a)}, gsmcodecs {show(b)}")
                print(f"        {known[2]}")
            else:
                unexpected.append(where)
                print(f"DIFFER  {lid:2} {kind:11} 0x{septet:02X}: national.rs {show(a)}, gsmcodecs {show(b)}")
    gone = sorted(set(KNOWN) - seen_known)
    for where in gone:
        print(f"resolved known difference {where}: update KNOWN")
    total = sum(1 for t in ours.values() for c in t if c is not None)
    print(f"{len(ours)} tables, {total} characters, {len(seen_known)} known differences, "
          f"{len(unexpected)} unexpected")
    sys.exit(1 if unexpected or gone else 0)


if __name__ == "__main__":
    main()
