#!/usr/bin/python3
"""Boots an Ember image in QEMU+OVMF (called by tools/run after the build)."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emberqemu  # noqa: E402


def main():
    p = argparse.ArgumentParser(prog="tools/run", description="Build Ember and boot it in QEMU+OVMF.")
    p.add_argument("--image", default="build/ember.img")
    p.add_argument("--headless", action="store_true",
                   help="no window: serial console on this terminal (default without a display)")
    p.add_argument("--window", action="store_true", help="open a window even if no display is detected")
    p.add_argument("--gdb", action="store_true",
                   help="start paused with a gdb stub on localhost:1234 (see docs/debugging.md)")
    p.add_argument("--machine", default="q35", help="QEMU machine type (q35 or pc)")
    p.add_argument("--memory", "-m", default="1G")
    p.add_argument("--cpus", type=int, default=1)
    p.add_argument("--cpu", help="QEMU CPU model, e.g. max or qemu64")
    p.add_argument("--disk", default="sata", choices=sorted(emberqemu.DISKS))
    p.add_argument("--display", default="std", choices=sorted(emberqemu.DISPLAYS))
    p.add_argument("qemu_args", nargs="*", help="extra QEMU arguments (after --)")
    args = p.parse_args()

    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    headless = args.headless or not (has_display or args.window)
    # The serial port is the kernel's log: on this terminal, multiplexed with the QEMU monitor
    # (Ctrl-A X quits, Ctrl-A C switches to the monitor).
    status = emberqemu.run_interactive(
        args.image, machine=args.machine, memory=args.memory, cpus=args.cpus, cpu=args.cpu,
        disk=args.disk, display=args.display, serial="mon:stdio", headless=headless,
        gdb=args.gdb, extra=args.qemu_args, debug_exit=True)
    meaning = emberqemu.exit_status_meaning(status)
    if meaning:
        print("tools/run: QEMU exited with %d (%s)" % (status, meaning), file=sys.stderr)
        status = 0 if status == 33 else 1
    sys.exit(status)


if __name__ == "__main__":
    main()
