#!/usr/bin/python3
"""Debugging Ember with gdb, loader and kernel symbols both loaded (docs/debugging.md).

  tools/gdb                         QEMU paused at reset; gdb attached, symbols loaded
  tools/gdb -ex 'hbreak efi_main' -ex continue        (any gdb arguments pass through)
  tools/gdb --batch FILE            run gdb's commands from FILE, then end QEMU
  tools/gdb --cmdline 'test=...'    boot another kernel command line (as tools/run --cmdline)

The loader is a PE linked at 0x140000000 that the firmware relocates: this tool first boots
the same machine once to read the address the loader prints ("ember-loader: loaded at 0x...";
OVMF loads it at the same place on every boot of the same machine), then starts QEMU paused
with its gdb stub and gives gdb
  add-symbol-file ember-loader.efi -o <load address - 0x140000000>
(ember-loader.efi is the loader as linked, with DWARF; the image boots the same code
stripped and sealed, BOOTX64.EFI).
The kernel (build/kernel/ember.elf) is loaded at its link address, but the loader moves it
(KASLR) to a different place on every boot: a hidden hardware breakpoint on the loader's
ember_handoff reads the entry address the loader is about to jump to (r8), reloads the
kernel's symbols at that slide and continues, so breakpoints on kernel code are moved before
the kernel runs. (With --no-loader there is no such breakpoint: boot with nokaslr.)
Use hardware breakpoints (hbreak) until the code is in memory: a software breakpoint set
while QEMU sits at the reset vector is overwritten when the firmware loads the image.
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "ovmf"))
import emberqemu  # noqa: E402
import ovmf  # noqa: E402
import run  # noqa: E402

LOADED_AT = re.compile(rb"ember-loader: loaded at (0x[0-9a-f]+)")


def pe_image_base(path):
    """ImageBase from the PE32+ optional header (PE/COFF specification §3.4.2)."""
    with open(path, "rb") as f:
        data = f.read(4096)
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0" or struct.unpack_from("<H", data, pe + 24)[0] != 0x20B:
        raise SystemExit("%s is not a PE32+ image" % path)
    return struct.unpack_from("<Q", data, pe + 24 + 24)[0]


def machine_args(args):
    return dict(machine=args.machine, memory=args.memory, cpus=args.cpus, disk=args.disk,
                display=args.display)


def probe_loader_address(args, work):
    """Boots the machine once until the loader prints where the firmware put it."""
    _, template = ovmf.find()
    vars_copy = ovmf.prepare_vars(template, work)
    serial = os.path.join(work, "probe-serial.log")
    cmd = emberqemu.command(args.image, vars_copy, serial="file:" + serial, **machine_args(args))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline and proc.poll() is None:
            if os.path.exists(serial):
                with open(serial, "rb") as f:
                    m = LOADED_AT.search(f.read())
                if m:
                    return int(m.group(1), 16)
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()
    raise SystemExit("tools/gdb: the loader did not print its load address")


def elf_entry(path):
    """e_entry from the ELF64 header (System V gABI, "ELF Header")."""
    with open(path, "rb") as f:
        header = f.read(64)
    if header[:4] != b"\x7fELF" or header[4] != 2:
        raise SystemExit("%s is not an ELF64 file" % path)
    return struct.unpack_from("<Q", header, 24)[0]


# A hidden (internal: `delete` leaves it alone) hardware breakpoint on the loader's
# ember_handoff (hal/x86/handoff.S, MS x64 ABI: r8 = the kernel's entry point where it runs)
# that reloads the kernel's symbols at the slide the loader chose and lets the loader go on.
# symbol-file replaces the link-address symbols, so gdb moves every breakpoint set on kernel
# code to where the code now is. Set after `target remote`: hardware breakpoints need it.
FOLLOW_KERNEL = """python
import gdb
class EmberKernelPlaced(gdb.Breakpoint):
    def stop(self):
        slide = (int(gdb.parse_and_eval("$r8")) - %(link_entry)d) %% (1 << 64)
        gdb.execute("symbol-file -o %%#x %(kernel)s" %% slide, to_string=True)
        gdb.execute("add-symbol-file %(loader)s -o %(loader_offset)#x", to_string=True)
        print("tools/gdb: the kernel runs at slide %%#x from its link address" %% slide)
        return False
EmberKernelPlaced("ember_handoff", type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
end
"""


def gdb_script(args, loader_offset):
    lines = ["set pagination off", "set confirm off",
             "file %s" % args.kernel_elf]
    if loader_offset is not None:
        lines.append("add-symbol-file %s -o %#x" % (args.loader_efi, loader_offset))
    lines.append("target remote localhost:%d" % args.port)
    if loader_offset is not None:
        lines.append(FOLLOW_KERNEL % {"link_entry": elf_entry(args.kernel_elf),
                                      "kernel": args.kernel_elf, "loader": args.loader_efi,
                                      "loader_offset": loader_offset})
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(prog="tools/gdb", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build = os.environ.get("EMBER_BUILD_DIR", os.path.join(ROOT, "build"))
    p.add_argument("--image", default=os.path.join(build, "ember.img"))
    p.add_argument("--kernel-elf", default=os.path.join(build, "kernel", "ember.elf"))
    p.add_argument("--loader-efi", default=os.path.join(build, "loader", "ember-loader.efi"))
    p.add_argument("--machine", default="q35")
    p.add_argument("--memory", "-m", default="1G")
    p.add_argument("--cpus", type=int, default=1)
    p.add_argument("--disk", default="sata", choices=sorted(emberqemu.DISKS))
    p.add_argument("--display", default="std", choices=sorted(emberqemu.DISPLAYS))
    p.add_argument("--window", action="store_true", help="show the QEMU window")
    p.add_argument("--no-loader", action="store_true", help="kernel symbols only (no probe boot)")
    p.add_argument("--batch", metavar="FILE", help="run these gdb commands and exit")
    p.add_argument("--port", type=int, default=1234)
    p.add_argument("--cmdline", metavar="TEXT",
                   help="boot with this kernel command line instead of the build's (an image "
                        "with the unsealed loader, as tools/run --cmdline makes)")
    p.add_argument("gdb_args", nargs=argparse.REMAINDER, help="passed to gdb")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="ember-gdb-") as work:
        if args.cmdline is not None:
            args.image = run.boot_image(os.path.join(build, "esp"),
                                        os.path.join(build, "loader", "ember-loader-unsealed.efi"),
                                        work, args.cmdline)
        offset = None
        if not args.no_loader:
            address = probe_loader_address(args, work)
            offset = address - pe_image_base(args.loader_efi)
            print("tools/gdb: the loader runs at %#x (offset %#x from its link address)"
                  % (address, offset), file=sys.stderr)
        _, template = ovmf.find()
        vars_copy = ovmf.prepare_vars(template, work)
        serial = os.path.join(work, "serial.log")
        extra = ["-gdb", "tcp:localhost:%d" % args.port, "-S"]
        cmd = emberqemu.command(args.image, vars_copy, serial="file:" + serial,
                                headless=not args.window, extra=extra, **machine_args(args))
        qemu = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        script = os.path.join(work, "ember.gdb")
        with open(script, "w") as f:
            f.write(gdb_script(args, offset))
        print("tools/gdb: QEMU paused at the reset vector; serial output goes to %s" % serial,
              file=sys.stderr)
        gdb = ["gdb", "-q", "-x", script]
        if args.batch:
            gdb += ["-batch", "-x", args.batch]
        gdb += [a for a in args.gdb_args if a != "--"]
        try:
            status = subprocess.call(gdb)
        finally:
            qemu.kill()
            qemu.wait()
            if args.batch and os.path.exists(serial):
                with open(serial, "rb") as f:
                    tail = f.read()[-400:].decode(errors="replace")
                print("tools/gdb: the end of the serial log:\n" + tail, file=sys.stderr)
        sys.exit(status)


if __name__ == "__main__":
    main()
