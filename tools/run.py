#!/usr/bin/python3
"""Boots an Ember image in QEMU+OVMF (called by tools/run after the build)."""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emberqemu  # noqa: E402
import mkimage  # noqa: E402


def with_cmdline(conf_text, cmdline=None, nokaslr=False):
    """ember.conf with its command line replaced by `cmdline` (if not None), and `nokaslr`
    added to it (docs/boot-protocol.md#the-configuration-file)."""
    lines = conf_text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r'^(\s*cmdline\s*=\s*)(.*?)\s*$', line)
        if m:
            value = m.group(2)
            quoted = value.startswith('"') and value.endswith('"') and len(value) >= 2
            if quoted:
                value = value[1:-1]
            if cmdline is not None:
                value = cmdline
            if nokaslr:
                value = (value + " nokaslr").strip()
            lines[i] = m.group(1) + ('"%s"' % value if quoted else value)
            return "\n".join(lines) + "\n"
    value = ((cmdline or "") + (" nokaslr" if nokaslr else "")).strip()
    return "\n".join(lines + ["cmdline = " + value]) + "\n"


def boot_image(esp_dir, loader, work, cmdline=None, nokaslr=False):
    """An image like the build's (the ESP tree beside it) with another command line: `cmdline`
    instead of the build's, and/or `nokaslr` (so that the kernel runs at the addresses in
    build/kernel/ember.elf for a debugger). `loader` is the build's unsealed loader: the
    build's BOOTX64.EFI carries the digest of the unchanged ember.conf (docs/secure-boot.md)
    and would refuse the new one."""
    with open(os.path.join(esp_dir, "boot", "ember.conf")) as f:
        conf = with_cmdline(f.read(), cmdline, nokaslr)
    conf_path = os.path.join(work, "ember.conf")
    with open(conf_path, "w") as f:
        f.write(conf)
    out = os.path.join(work, "run.img")
    argv = ["--loader", loader, "--kernel", os.path.join(esp_dir, "boot", "ember.elf"),
            "--conf", conf_path, "--out", out]
    initrd = os.path.join(esp_dir, "boot", "initrd.tar")
    if os.path.exists(initrd):  # the user programs (docs/processes.md)
        argv += ["--initrd", initrd]
    mkimage.main(argv)
    return out


def kernel_cmdline(args):
    """The command line this boot asks for instead of the build's, or None for the build's."""
    if args.cmdline is None and args.test is None:
        return None
    parts = [args.cmdline or ""] + (["test=" + args.test] if args.test else [])
    return " ".join(p for p in parts if p)


def main():
    p = argparse.ArgumentParser(prog="tools/run", description="Build Ember and boot it in QEMU+OVMF.")
    p.add_argument("--image", default="build/ember.img")
    p.add_argument("--build-dir", default="build",
                   help="for --gdb: the build whose ESP tree and loader to use")
    p.add_argument("--headless", action="store_true",
                   help="no window: serial console on this terminal (default without a display)")
    p.add_argument("--window", action="store_true", help="open a window even if no display is detected")
    p.add_argument("--cmdline", metavar="TEXT",
                   help="boot with this kernel command line instead of the build's "
                        "(-Dkernel_cmdline), without reconfiguring the build; e.g. "
                        "'loglevel=debug font=terminus32'")
    p.add_argument("--test", metavar="PATTERN",
                   help="run in-kernel tests: adds test=PATTERN to the command line (a name, a "
                        "prefix ending in *, or all; docs/testing.md#the-in-kernel-test-harness); "
                        "QEMU exits when they are done")
    p.add_argument("--gdb", action="store_true",
                   help="start paused with a gdb stub on localhost:1234, the kernel at its link "
                        "address (nokaslr; see docs/debugging.md)")
    p.add_argument("--secure-boot", action="store_true",
                   help="OVMF's Secure Boot build with Debian's snakeoil keys enrolled: the image's "
                        "loader must be signed with the snakeoil key (docs/secure-boot.md)")
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
    cmdline = kernel_cmdline(args)
    if (cmdline is not None or args.gdb) and args.secure_boot:
        p.error("--cmdline, --test and --gdb boot the unsealed loader, which Secure Boot "
                "refuses; rebuild with -Dkernel_cmdline instead (docs/secure-boot.md)")
    with tempfile.TemporaryDirectory(prefix="ember-run-") as work:
        image = args.image
        if cmdline is not None or args.gdb:
            image = boot_image(os.path.join(args.build_dir, "esp"),
                               os.path.join(args.build_dir, "loader", "ember-loader-unsealed.efi"),
                               work, cmdline, nokaslr=args.gdb)
            if cmdline is not None:
                print("tools/run: kernel command line %r" % cmdline, file=sys.stderr)
            if args.gdb:
                print("tools/run: booting with nokaslr so the kernel runs at its link address",
                      file=sys.stderr)
        # The serial port is the kernel's log: on this terminal, multiplexed with the QEMU
        # monitor (Ctrl-A X quits, Ctrl-A C switches to the monitor).
        status = emberqemu.run_interactive(
            image, machine=args.machine, memory=args.memory, cpus=args.cpus, cpu=args.cpu,
            disk=args.disk, display=args.display, serial="mon:stdio", headless=headless,
            gdb=args.gdb, secure_boot=args.secure_boot, extra=args.qemu_args, debug_exit=True)
    meaning = emberqemu.exit_status_meaning(status)
    if meaning:
        print("tools/run: QEMU exited with %d (%s)" % (status, meaning), file=sys.stderr)
        status = 0 if status == 33 else 1
    sys.exit(status)


if __name__ == "__main__":
    main()
