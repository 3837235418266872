#!/usr/bin/python3
"""A picture in the docs is what its text source renders to.

  check_picture.py BUILT COMMITTED

BUILT is the build's rendering (docs/meson.build), COMMITTED the file the docs show. They
must be identical; if not, the message says how to update the committed one.
"""

import sys


def main():
    built, committed = sys.argv[1:3]
    with open(built, "rb") as f:
        new = f.read()
    try:
        with open(committed, "rb") as f:
            old = f.read()
    except FileNotFoundError:
        old = None
    if new == old:
        print("ok: %s is what its source renders to" % committed)
        return
    print("FAIL: %s is not what its source renders to; after checking the new picture, run:\n"
          "  cp %s %s" % (committed, built, committed))
    sys.exit(1)


if __name__ == "__main__":
    main()
