#!/usr/bin/python3
"""ember-elfcheck refuses what is not a regular file, at once and without reading it: a FIFO
with no writer (opening it for reading would wait forever), a character device and a
directory each exit with status 2 and name what the path is.

  elfcheck_special_files.py build/tools/ember-elfcheck
"""

import os
import subprocess
import sys
import tempfile


def main():
    elfcheck = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="ember-elfcheck-") as work:
        fifo = os.path.join(work, "kernel.fifo")
        os.mkfifo(fifo)
        for path, kind in ((fifo, "a FIFO"), ("/dev/null", "a character device"),
                           (work, "a directory")):
            try:
                run = subprocess.run([elfcheck, path], capture_output=True, text=True, timeout=20)
            except subprocess.TimeoutExpired:
                failures.append("%s (%s): ember-elfcheck still running after 20 s" % (path, kind))
                continue
            want = "%s: is %s, not a kernel file" % (path, kind)
            print(run.stdout.strip())
            if run.returncode != 2 or want not in run.stdout:
                failures.append("%s: status %d, output %r; expected status 2 and %r"
                                % (path, run.returncode, run.stdout, want))
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
