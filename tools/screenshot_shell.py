#!/usr/bin/python3
"""Makes the README's picture of Ember's shell from a real boot.

  tools/screenshot_shell.py [--loader build/loader/ember-loader-unsealed.efi] [--kernel build/kernel/ember.elf]
                            [--out docs/images/shell.png] [--resolution 1280x800]

Boots the kernel in QEMU+OVMF, types a few commands on the serial port (the shell reads the
keyboard and the serial port alike), waits for each prompt, takes a QMP screendump of the
framebuffer and writes it as a PNG.
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

COMMANDS = ["clear", "uptime", "hello a b", "cat /etc/motd",
            "sh -c 'crash null-read || echo the shell and the kernel go on'", "ps"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loader", default=os.path.join(ROOT, "build", "loader", "ember-loader-unsealed.efi"))
    p.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel", "ember.elf"))
    p.add_argument("--initrd", default=os.path.join(ROOT, "build", "user", "initrd.tar"))
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "images", "shell.png"))
    p.add_argument("--resolution", default="1280x800")
    p.add_argument("--type", dest="commands", action="append",
                   help="a command to type (repeatable; default: %s)" % ", ".join(COMMANDS))
    args = p.parse_args()
    shot = {}

    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        for command in args.commands or COMMANDS:
            sh.run(command)
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


if __name__ == "__main__":
    main()
