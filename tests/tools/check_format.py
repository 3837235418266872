#!/usr/bin/python3
"""Fails when a C++ source file differs from what clang-format makes of it.

    check_format.py CLANG_FORMAT SOURCE_ROOT

Checks every .cpp/.hpp/.h file under the source root's code directories (not build trees,
not test data), with the style in SOURCE_ROOT/.clang-format. Prints each file that would
change and the command that fixes it. Works without git (the fresh-machine check runs in a
root that has none).
"""

import os
import subprocess
import sys

CODE_DIRS = ["hal", "kernel", "libk", "loader", "tests", "tools", "user"]
SKIP_DIRS = {"data", "corpus", "golden"}
EXTENSIONS = (".cpp", ".hpp", ".h")


def sources(root):
    for top in CODE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                if name.endswith(EXTENSIONS):
                    yield os.path.join(dirpath, name)


def main():
    if len(sys.argv) != 3:
        print("usage: check_format.py CLANG_FORMAT SOURCE_ROOT", file=sys.stderr)
        return 2
    clang_format, root = sys.argv[1], sys.argv[2]
    files = list(sources(root))
    if not files:
        print(f"check_format.py: no sources under {root}", file=sys.stderr)
        return 2
    bad = []
    for path in files:
        result = subprocess.run([clang_format, "--dry-run", "--Werror", "--style=file", path],
                                capture_output=True, text=True, cwd=root)
        if result.returncode != 0:
            bad.append(os.path.relpath(path, root))
    if bad:
        print(f"{len(bad)} of {len(files)} files are not formatted:")
        for path in bad:
            print(f"  {path}")
        print(f"fix with: cd {root} && clang-format -i " + " ".join(bad))
        return 1
    print(f"all {len(files)} C++ files formatted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
