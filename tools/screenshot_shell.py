#!/usr/bin/python3
"""Makes the README's picture of Ember's shell from a real boot.

  tools/screenshot_shell.py [--loader build/loader/ember-loader-unsealed.efi] [--kernel build/kernel/ember.elf]
                            [--out docs/images/shell.png] [--resolution 1280x800]

Boots the kernel in QEMU+OVMF, types a few commands on the serial port (the shell reads the
keyboard and the serial port alike), waits for each prompt, then starts the user shell `sh`
and types its commands (a pipeline among them) at its prompt, takes a QMP screendump of the
framebuffer and writes it as a PNG. With --serial it also writes the session's serial text.
"""

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import harness  # noqa: E402
import screen  # noqa: E402
from shell_session import Shell  # noqa: E402
from ush_tests import UserShell, SH_PROMPT  # noqa: E402

COMMANDS = ["clear", "uptime", "hello a b"]
# Typed at the user shell's prompt.
SH_COMMANDS = ["cat /etc/motd | grep two | wc", "ls /bin | head -n 4",
               "crash null-read || echo the shell and the kernel go on", "ps"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loader", default=os.path.join(ROOT, "build", "loader", "ember-loader-unsealed.efi"))
    p.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel", "ember.elf"))
    p.add_argument("--initrd", default=os.path.join(ROOT, "build", "user", "initrd.tar"))
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "images", "shell.png"))
    p.add_argument("--resolution", default="1280x800")
    p.add_argument("--type", dest="commands", action="append",
                   help="a command to type (repeatable; default: %s)" % ", ".join(COMMANDS))
    p.add_argument("--sh", dest="sh_commands", action="append",
                   help="a command for the user shell (repeatable; default: %s)"
                   % ", ".join(SH_COMMANDS))
    p.add_argument("--serial", help="also write the serial text of the session here")
    args = p.parse_args()
    shot = {}

    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        for command in args.commands or COMMANDS:
            sh.run(command)
        start = len(read_serial())
        sh.type("sh\r")
        sh.wait_for("^" + SH_PROMPT.replace("$", "\\$"), start=start)
        user = UserShell(sh)
        for command in args.sh_commands or SH_COMMANDS:
            user.run(command)
        shot["serial"] = read_serial()
        time.sleep(0.5)  # the log writer and the screen settle
        dump = os.path.join(work, "screen.ppm")
        qmp.execute("screendump", filename=dump)
        shot["image"] = screen.read_ppm(dump)

    with tempfile.TemporaryDirectory(prefix="ember-shot-") as work:
        image = harness.make_image(work, args.loader, args.kernel, resolution=args.resolution,
                                   initrd=args.initrd)
        harness.boot(image, interact=interact, serial_input=True, timeout=120,
                     stop_on=r"ember> ")
    if "image" not in shot:
        raise SystemExit("no screenshot was taken")
    screen.write_png(args.out, shot["image"])
    print("wrote %s" % args.out)
    if args.serial:
        with open(args.serial, "w") as f:
            f.write(shot["serial"])


if __name__ == "__main__":
    main()
