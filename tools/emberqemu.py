"""Building QEMU command lines for Ember and running them (used by tools/run and tests).

A machine is described by a few named choices (machine type, memory, CPUs, where the disk
is attached, which display) so that tests and the boot matrix can name what they boot.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ovmf"))
import ovmf  # noqa: E402

QEMU = os.environ.get("EMBER_QEMU", "qemu-system-x86_64")

# How the image is attached: the firmware must find \EFI\BOOT\BOOTX64.EFI on each.
DISKS = {
    # q35's built-in ICH9 AHCI controller; on `pc`, the PIIX IDE controller.
    "sata": lambda img: ["-drive", "if=none,id=disk0,format=raw,file=" + img,
                         "-device", "ide-hd,drive=disk0,bus=ide.0,bootindex=1"],
    # An explicit AHCI controller: SATA on machines without a built-in one (pc).
    "ahci": lambda img: ["-device", "ahci,id=ahci0",
                         "-drive", "if=none,id=disk0,format=raw,file=" + img,
                         "-device", "ide-hd,drive=disk0,bus=ahci0.0,bootindex=1"],
    "usb": lambda img: ["-device", "qemu-xhci,id=xhci",
                        "-drive", "if=none,id=stick,format=raw,file=" + img,
                        "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=1"],
    "virtio": lambda img: ["-drive", "if=none,id=disk0,format=raw,file=" + img,
                           "-device", "virtio-blk-pci,drive=disk0,bootindex=1"],
    "nvme": lambda img: ["-drive", "if=none,id=disk0,format=raw,file=" + img,
                         "-device", "nvme,serial=ember0,drive=disk0,bootindex=1"],
}

DISPLAYS = {
    "std": ["-vga", "std"],
    "bochs": ["-device", "bochs-display"],
    "virtio": ["-device", "virtio-gpu-pci"],
    "none": ["-vga", "none"],
}


def host_cores():
    """The host CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


def tcg_threading(cpus, threads="auto"):
    """QEMU's TCG runs one host thread per virtual CPU ("multi") or all of them in turn on
    one ("single"). With more virtual CPUs than host cores, multi-threaded TCG leaves some
    vCPU threads waiting for the host: a vCPU that holds a spinlock stops for a host time
    slice (milliseconds) while the others spin for it, and a ticket lock then hands the lock
    to waiters in turn whether they run or not. Creating a thread went from 61 us to 9 ms
    that way (docs/smp.md). "auto" picks multi only when every vCPU can have its own core."""
    if threads == "auto":
        threads = "multi" if cpus <= host_cores() else "single"
    if threads not in ("multi", "single"):
        raise ValueError("TCG threading is multi, single or auto, not %r" % threads)
    return threads


def command(image, vars_copy, *, machine="q35", memory="512M", cpus=1, cpu=None, disk="sata",
            display="std", serial="stdio", debug_exit=True, qmp=None, gdb=False,
            headless=True, no_reboot=True, secure_boot=False, tcg_threads="auto", maxcpus=None,
            extra=()):
    """`cpus` vCPUs start; with `maxcpus`, the MADT lists that many, the rest as not enabled
    (hot-pluggable), which the kernel must not start. With `secure_boot`, OVMF's Secure Boot build (ovmf.find_secure_boot; `vars_copy` a copy of
    its variables): it keeps its variables in SMM, so q35 with SMM on and the flash secure."""
    code = ovmf.find_secure_boot()[0] if secure_boot else ovmf.find()[0]
    if disk not in DISKS:
        raise ValueError("unknown disk %r (choose from %s)" % (disk, ", ".join(DISKS)))
    if display not in DISPLAYS:
        raise ValueError("unknown display %r (choose from %s)" % (display, ", ".join(DISPLAYS)))
    if secure_boot:
        if machine != "q35":
            raise ValueError("Secure Boot needs -machine q35 (SMM)")
        machine = "q35,smm=on"
    args = [QEMU, "-nodefaults", "-no-user-config", "-machine", machine, "-m", memory,
            "-smp", str(cpus) + (",maxcpus=%d" % maxcpus if maxcpus else "")]
    if cpus > 1:
        args += ["-accel", "tcg,thread=" + tcg_threading(cpus, tcg_threads)]
    if secure_boot:
        args += ["-global", "driver=cfi.pflash01,property=secure,value=on"]
    if no_reboot:  # a reset (or triple fault) ends QEMU instead of rebooting
        args.append("-no-reboot")
    if cpu:
        args += ["-cpu", cpu]
    args += ovmf.pflash_args(code, vars_copy)
    args += DISKS[disk](image)
    args += DISPLAYS[display]
    args += ["-serial", serial]
    if headless:
        args += ["-display", "none"]
    if debug_exit:
        args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if qmp:
        args += ["-qmp", "unix:%s,server=on,wait=off" % qmp]
    if gdb:
        args += ["-s", "-S"]
    return args + list(extra)


def exit_status_meaning(code):
    """isa-debug-exit turns the kernel's value v into (v << 1) | 1."""
    return {33: "kernel reported success", 35: "kernel reported failure"}.get(code)


def run_interactive(image, **kwargs):
    """Runs QEMU in the foreground with a per-run copy of the OVMF variables (with
    secure_boot=True, of the Secure Boot build's, snakeoil keys enrolled)."""
    with tempfile.TemporaryDirectory(prefix="ember-run-") as tmp:
        if kwargs.get("secure_boot"):
            _, template, _, _ = ovmf.find_secure_boot()
        else:
            _, template = ovmf.find()
        vars_copy = ovmf.prepare_vars(template, tmp)
        cmd = command(image, vars_copy, **kwargs)
        print("tools/run: " + " ".join(cmd), file=sys.stderr)
        return subprocess.call(cmd)
