#!/usr/bin/python3
"""QEMU+OVMF tests of PCI and USB (docs/pci.md, docs/usb.md).

  usb_tests.py --loader BOOTX64.EFI --kernel ember.elf CASE

input          -machine q35,i8042=off: no PS/2 at all; 2 CPUs. A qemu-xhci with a usb-hub (a
               keyboard and a mouse behind it) and a usb-tablet, and an nec-usb-xhci with a
               second keyboard. Through QMP send-key (which types on the newest keyboard): a command
               typed on the NEC keyboard runs; lspci and lsusb show both controllers and the
               tree; unplugging the NEC keyboard (device_del) releases its memory and the
               keyboard behind the hub types next, with Caps Lock (and its LED request) and
               a held key repeating; the mouse reports movement and buttons; a keyboard
               hot-plugged with device_add types a command and is unplugged again while a
               held key repeats, leaving the DMA memory as it was.
kernel-tests   test=usb.*,pci.*,dma.*, -m 6G, three controllers with a keyboard each: a
               qemu-xhci (MSI-X, with a hub too), an nec-usb-xhci without MSI-X (MSI) and one
               with neither (polled): each uses the best interrupt it has; command round
               trips wrapping the command ring, a stall recovered from, a report reaching
               the key queue, on each; on the first, a command timing out on the stopped
               controller and the next ones running once it restarts; PCI enumeration and
               BARs above 4 GiB; DMA buffers under 4 GiB.
bench          (a benchmark, `meson test --benchmark usb-kernel`) the key-event latency on the
               USB keyboard against the PS/2 keyboard, and the idle USB stack's interrupts and
               wake-ups against the timer's: KBENCH lines.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure  # noqa: E402
from shell_session import Shell, expect_in, qcodes  # noqa: E402

# Log lines that arrive while the shell shows its prompt follow the prompt on the same line:
# patterns for them are not anchored at the start of a line.
INPUT_DEVICES = [
    "-machine", "q35,i8042=off",
    "-device", "qemu-xhci,id=xhci",
    "-device", "usb-hub,bus=xhci.0,port=1",
    "-device", "usb-kbd,bus=xhci.0,port=1.1,id=kb-hub",
    "-device", "usb-mouse,bus=xhci.0,port=1.2,id=mouse",
    "-device", "usb-tablet,bus=xhci.0,port=2",
    "-device", "nec-usb-xhci,id=nec",
    "-device", "usb-kbd,bus=nec.0,id=kb-nec",
]


def wait_log(sh, pattern):
    """Waits for a log line, then for the prompt the shell draws again below it, so that
    typing after this counts prompts from a settled screen."""
    m = sh.wait_for(pattern)
    sh.wait_for(r"\nember> ", start=m.end())


def dma_kib(sh):
    """The DMA memory `mem` reports, in KiB."""
    m = re.search(r"DMA (\d+) KiB", sh.run("mem"))
    return int(m.group(1)) if m else 0


def type_line(sh, text):
    out = sh.run_keys(qcodes(text))
    return out


def check_listings(sh):
    out = sh.run("lspci")
    expect_in(out, r"^0000:00:\w\w\.0 USB controller \[0c03\]: Red Hat, Inc\. QEMU XHCI Host "
              r"Controller \[1b36:000d\]", "lspci naming qemu-xhci")
    expect_in(out, r"^0000:00:\w\w\.0 USB controller \[0c03\]: NEC Corporation uPD720200 USB 3\.0 "
              r"Host Controller \[1033:0194\]", "lspci naming nec-usb-xhci")
    expect_in(out, r"^    interrupts: MSI-X, 1 vector from 0x[0-9a-f]+; driver xhci$",
              "lspci: MSI-X and the driver")
    expect_in(sh.run("lspci -v"), r"^    \[90\] MSI-X \(16 entries, table in BAR 0 at 0x3000\)$",
              "lspci -v: the MSI-X capability")
    out = sh.run("lsusb")
    expect_in(out, r"^bus 0: xhci0 at 0000:00:\w\w\.0, 8 ports, MSI-X$", "lsusb: bus 0")
    expect_in(out, r"^  0-5 0409:55aa QEMU USB Hub \(full speed, hub\)$", "lsusb: the hub")
    expect_in(out, r"^    0-5\.1 0627:0001 QEMU USB Keyboard \(full speed, HID keyboard\)$",
              "lsusb: the keyboard behind the hub")
    expect_in(out, r"^    0-5\.2 0627:0001 QEMU USB Mouse \(full speed, HID mouse\)$",
              "lsusb: the mouse behind the hub")
    expect_in(out, r"^  0-6 0627:0001 QEMU USB Tablet \(high speed\) no driver$",
              "lsusb: the tablet, enumerated without a driver")
    expect_in(out, r"^bus 1: xhci1 .*\n  1-\d 0627:0001 QEMU USB Keyboard \(high speed, HID "
              r"keyboard\)$", "lsusb: the keyboard on the NEC controller")
    expect_in(sh.run("lsusb -v"), r"^      interface 0: Human Interface Device / Boot Interface "
              r"Subclass / Keyboard \[030101\] <- driver$", "lsusb -v: interface class names")


def check_unplug_nec(sh, qmp):
    before = dma_kib(sh)
    qmp.execute("device_del", id="kb-nec")
    wait_log(sh, r"usb: 1-\d unplugged; its slot and memory are released")
    after = dma_kib(sh)
    if after != before - 24:  # its contexts, control buffer, two rings and report buffer
        raise Failure("DMA memory %d KiB -> %d KiB after the unplug, expected -24" % (before, after))
    print("ok: unplugging a keyboard frees its 24 KiB of DMA memory")
    return after


def check_hub_keyboard(sh):
    expect_in(type_line(sh, "echo hub"), r"^hub$", "typing on the keyboard behind the hub")
    # The LED's log line redraws the prompt: wait for it before typing the command.
    for leds in ("0x2", "0x0"):
        start = len(sh.read_serial())
        sh.qmp.execute("send-key", keys=[{"type": "qcode", "data": "caps_lock"}])
        m = sh.wait_for(r"debug: usb: 0-5\.1: keyboard LEDs %s$" % leds, start=start)
        sh.wait_for(r"\nember> ", start=start + m.end())
        if leds == "0x2":
            # Caps Lock on: Shift gives the small letters (the command), none the capitals.
            expect_in(type_line(sh, "ECHO ab"), r"^AB$", "Caps Lock on the USB keyboard")
    print("ok: the Caps Lock LED was set and cleared through SET_REPORT")
    before = sh.prompts()
    sh.qmp.execute("send-key", keys=[{"type": "qcode", "data": "x"}], **{"hold-time": 1500})
    sh.qmp.execute("send-key", keys=[{"type": "qcode", "data": "ret"}])
    sh.wait_prompt(before)
    m = re.findall(r"^ember> (x+)$", sh.read_serial(), re.MULTILINE)
    if not m or len(m[-1]) < 2:
        raise Failure("a key held 1.5 s typed %r, expected it repeated" % (m[-1] if m else ""))
    print("ok: a held key repeats (%d characters in 1.5 s)" % len(m[-1]))


def check_mouse(sh, qmp):
    def mouse_reports():
        m = re.search(r"(\d+) mouse reports", sh.run("lsusb"))
        return int(m.group(1)) if m else 0
    before = mouse_reports()
    events = [{"type": "rel", "data": {"axis": "x", "value": 25}},
              {"type": "rel", "data": {"axis": "y", "value": -10}},
              {"type": "btn", "data": {"down": True, "button": "left"}}]
    qmp.execute("input-send-event", events=events)
    qmp.execute("input-send-event", events=[{"type": "btn", "data": {"down": False,
                                                                      "button": "left"}}])
    wait_log(sh, r"debug: usb: mouse slot \d+: dx \d+ dy -?\d+ wheel 0 buttons 0x1")
    wait_log(sh, r"debug: usb: mouse slot \d+: dx 0 dy 0 wheel 0 buttons 0x0")
    if mouse_reports() <= before:
        raise Failure("the mouse reports did not increase")
    print("ok: the mouse reports movement and the left button")


def check_hotplug(sh, qmp, dma_before):
    qmp.execute("device_add", driver="usb-kbd", bus="xhci.0", port="3", id="kb-hot")
    wait_log(sh, r"usb: 0-7 0627:0001 QEMU USB Keyboard \(high speed, HID keyboard\)")
    expect_in(type_line(sh, "echo plugged"), r"^plugged$", "typing on a hot-plugged keyboard")
    # Unplugged while a held key repeats: the driver's repeat timer, armed on whichever CPU
    # took the report and possibly firing on another, is released before its state is freed,
    # and no repeat arrives after the unplug (the next command would not run).
    start = len(sh.read_serial())
    qmp.execute("send-key", keys=[{"type": "qcode", "data": "x"}], **{"hold-time": 5000})
    sh.wait_for(r"xxxx", start=start)
    qmp.execute("device_del", id="kb-hot")
    wait_log(sh, r"usb: 0-7 unplugged; its slot and memory are released")
    sh.type("\x03")  # Ctrl+C on serial: the repeated x's are dropped
    sh.wait_for(r"\^C", start=start)
    after = dma_kib(sh)
    if after != dma_before:
        raise Failure("DMA memory %d KiB after plug and unplug, %d KiB before" % (after, dma_before))
    print("ok: a keyboard plugged, typed on and unplugged while repeating leaves the DMA "
          "memory as it was")


def case_input(ctx):
    def interact(qmp, read_serial, terminal):
        try:
            steps(qmp, read_serial, terminal)
        except Failure:
            print(read_serial()[-6000:])
            raise

    def steps(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal, timeout=90)
        sh.wait_ready(timeout=180)
        wait_log(sh, r"usb: 0-5 0409:55aa QEMU USB Hub")
        wait_log(sh, r"usb: 0-6 0627:0001 QEMU USB Tablet")
        wait_log(sh, r"usb: 1-\d 0627:0001 QEMU USB Keyboard")
        expect_in(type_line(sh, "echo nec"), r"^nec$", "typing on the NEC controller's keyboard")
        check_listings(sh)
        dma = check_unplug_nec(sh, qmp)
        check_hub_keyboard(sh)
        check_mouse(sh, qmp)
        check_hotplug(sh, qmp, dma)
        terminal.send("shutdown\r")

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel)
    # Two CPUs: the controller's MSI-X goes to CPU 0, its thread, the shell and the repeat
    # timers run wherever the scheduler puts them.
    result = harness.boot(image, interact=interact, serial_input=True, timeout=280, cpus=2,
                          extra=INPUT_DEVICES)
    harness.expect_absent(result, r"(error|warning): (usb|xhci)", "a USB error or warning")
    harness.expect(result, r"^warning: keyboard: .*no keyboard input", "no PS/2 keyboard here")
    harness.expect(result, r"^smp: 2 of 2 CPUs online", "both CPUs running")
    if result.timed_out or result.exit_code != 0:
        print(result.serial[-3000:])
        raise Failure("QEMU did not power off after shutdown (status %s)" % result.exit_code)
    print("PASS: USB input without PS/2, through a hub, two controller models, hot-plug")


def case_kernel_tests(ctx):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=usb.*,pci.*,dma.*")
    result = harness.boot(image, timeout=180, memory="6G", extra=[
        "-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0",
        "-device", "usb-hub,bus=xhci.0",
        "-device", "nec-usb-xhci,id=msi,msix=off", "-device", "usb-kbd,bus=msi.0",
        "-device", "nec-usb-xhci,id=polled,msi=off,msix=off", "-device", "usb-kbd,bus=polled.0"])
    print(result.serial)
    passed = harness.expect_tests_passed(result)
    harness.expect(result, r"^debug: usb: slot \d+: control request 0x6: stall$",
                   "the stall the recovery test provoked")
    harness.expect(result, r"^xhci0: interrupter 0 on MSI-X vector", "MSI-X on qemu-xhci")
    harness.expect(result, r"^xhci1: interrupter 0 on MSI vector", "MSI without MSI-X")
    harness.expect(result, r"^warning: xhci2: .*; polling the event ring every 10 ms$",
                   "polling without either")
    print("PASS: %d kernel tests of PCI, DMA and USB" % passed)


def case_bench(ctx):
    def interact(qmp, read_serial):
        def wait(pattern):
            harness.poll_until(lambda: re.search(pattern, read_serial(), re.MULTILINE), 120,
                               "%r on serial" % pattern)
        def type_keys():
            for key in "abcdefgh":
                qmp.execute("send-key", keys=[{"type": "qcode", "data": key}])
        wait(r"^USB-BENCH TYPE ON USB$")
        type_keys()
        wait(r"^USB-BENCH TYPE ON PS/2$")
        qmp.execute("device_del", id="kb")  # send-key goes to the PS/2 keyboard from now on
        harness.poll_until(lambda: re.search(r"unplugged", read_serial()), 60, "the unplug")
        type_keys()

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel,
                               cmdline="test=bench.usb.key_latency,bench.usb.idle")
    result = harness.boot(image, timeout=240, interact=interact, extra=[
        "-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0,id=kb"])
    harness.expect_tests_passed(result)
    lines = re.findall(r"^KBENCH .*$", result.serial, re.MULTILINE)
    if len(lines) != 2:
        print(result.serial)
        raise Failure("expected 2 KBENCH lines, got %d" % len(lines))
    print("in-kernel USB benchmarks (QEMU TCG: cycles are TSC ticks of the emulated CPU):")
    for line in lines:
        print("  " + line)


CASES = {
    "input": case_input,
    "kernel-tests": case_kernel_tests,
}
BENCHMARK_CASES = {"bench": case_bench}  # meson: the benchmark usb-kernel


if __name__ == "__main__":
    harness.main(CASES, BENCHMARK_CASES)
