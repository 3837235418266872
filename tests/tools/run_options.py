#!/usr/bin/python3
"""tools/run's --cmdline and --test (docs/testing.md#the-in-kernel-test-harness).

  run_options.py unit          the ember.conf rewriting and the command line they ask for
  run_options.py boot BUILD    tools/run.py --test boots BUILD's kernel with test=..., without
                               reconfiguring the build: the kernel sees the command line and the
                               initrd, runs the tests, and QEMU's status 33 becomes tools/run's
                               status 0
"""

import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import run  # noqa: E402

# A boot test, and one that needs the initrd: the image tools/run makes carries what
# build/ember.img carries.
TEST = "boot.memory_map.well_formed,proc.initrd.holds_the_programs"


class Args:
    def __init__(self, cmdline=None, test=None):
        self.cmdline, self.test = cmdline, test


def unit():
    problems = []

    def same(what, got, want):
        if got != want:
            problems.append("%s: got %r, want %r" % (what, got, want))

    conf = "# generated\nkernel = \\boot\\ember.elf\ncmdline = loglevel=info\n"
    same("replace", run.with_cmdline(conf, "test=all"),
         "# generated\nkernel = \\boot\\ember.elf\ncmdline = test=all\n")
    same("replace and nokaslr", run.with_cmdline(conf, "test=all", nokaslr=True),
         "# generated\nkernel = \\boot\\ember.elf\ncmdline = test=all nokaslr\n")
    same("nokaslr only", run.with_cmdline(conf, nokaslr=True),
         "# generated\nkernel = \\boot\\ember.elf\ncmdline = loglevel=info nokaslr\n")
    same("quoted", run.with_cmdline('cmdline = "a b"\n', "c d"), 'cmdline = "c d"\n')
    same("no cmdline line", run.with_cmdline("kernel = k\n", "x=1"), "kernel = k\ncmdline = x=1\n")
    same("empty build command line", run.with_cmdline("cmdline = \n", None, True),
         "cmdline = nokaslr\n")
    same("neither option", run.kernel_cmdline(Args()), None)
    same("--test", run.kernel_cmdline(Args(test="crash.page_fault")), "test=crash.page_fault")
    same("--cmdline and --test", run.kernel_cmdline(Args("font=terminus32", "console.*")),
         "font=terminus32 test=console.*")
    same("--cmdline ''", run.kernel_cmdline(Args("")), "")
    return problems


def boot(build):
    cmd = [sys.executable, os.path.join(ROOT, "tools", "run.py"),
           "--image", os.path.join(build, "ember.img"), "--build-dir", build,
           "--headless", "--display", "none", "--test", TEST]
    print("run: " + " ".join(cmd))
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return ["tools/run --test did not end within 120 s"]
    out = re.sub(r"\x1b\[[0-9;:=?]*[A-Za-z]", "", proc.stdout.decode(errors="replace"))
    print(out[-3000:])
    print(proc.stderr.decode(errors="replace"))
    problems = []
    wants = ['cmdline: "test=%s"' % TEST, "KTEST SUMMARY passed=2 failed=0"]
    wants += ["KTEST PASS " + name for name in TEST.split(",")]
    for want in wants:
        if want not in out:
            problems.append("expected %r on the serial console" % want)
    if proc.returncode != 0:
        problems.append("tools/run exited with %d, expected 0 (QEMU's 33: every test passed)"
                        % proc.returncode)
    return problems


def main():
    if sys.argv[1:] == ["unit"]:
        problems = unit()
    elif len(sys.argv) == 3 and sys.argv[1] == "boot":
        problems = boot(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
