#!/usr/bin/python3
"""QEMU+OVMF tests of CPU bring-up: crash reports, the machine matrix, keyboard.

  cpu_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

crash-*      one boot per deliberate CPU exception (KTEST_MANUAL "crash.*"): the crash report
             on serial names the vector, decodes the error code, shows the registers and a
             symbolized backtrace naming the faulting function; the panic ends QEMU with the
             failure status (35) at once, no timeout.
matrix-*     the batched `test=all` boot on other machine/CPU combinations than boot-sata
             (q35) and boot-pc: every kernel test passes, the breakpoint report is there, and
             the calibration and timer numbers are printed.
keyboard     QMP send-key types a line; the kernel echoes it (KTEST_MANUAL "keyboard.echo").
             An NMI injected first is reported and survived (IST2).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, expect  # noqa: E402

ANON = r"kernel::\(anonymous namespace\)::"
HEX = r"0x[0-9a-f]+"


def boot_crash(ctx, test):
    result = harness.boot_failing_test(ctx, test)
    expect(result, r"^error:   rax=%s rbx=%s rcx=%s$" % (HEX, HEX, HEX), "the general registers")
    expect(result, r"^error:   rflags=%s \[[A-Z ]*\] IOPL=0$" % HEX, "decoded RFLAGS")
    expect(result, r"^error:   cr0=%s cr2=%s cr3=%s cr4=%s$" % (HEX, HEX, HEX, HEX),
           "the control registers")
    expect(result, r"^error: ==== end of crash report ====$", "the end of the report")
    expect(result, r"^KTEST FAIL %s: panic: " % re.escape(test), "the panic failing the test")
    return result


def expect_faulting_function(result, function):
    expect(result, r"^error: at rip %s %s%s\+0x" % (HEX, ANON, function),
           "the symbolized faulting RIP in %s" % function)
    expect(result, r"^error:   #0 %s %s%s\+0x" % (HEX, ANON, function),
           "backtrace frame #0 in %s" % function)
    expect(result, r"^error:   #\d+ %s kernel::ktest::run\+0x" % HEX,
           "the callers in the backtrace (kernel::ktest::run)")
    # The boot sequence's second half runs on the kernel's own stack (kernel/main.cpp).
    expect(result, r"^error:   #\d+ %s kernel::\(anonymous namespace\)::kernel_main_on_kernel_stack\+0x"
           % HEX, "the boot sequence in the backtrace")
    print("PASS: crash report names %s; QEMU ended with status 35 after %.1f s"
          % (function, result.elapsed))


def case_crash_divide_error(ctx):
    r = boot_crash(ctx, "crash.divide_error")
    expect(r, r"^error: ==== CPU exception #DE \(divide error, vector 0\) ====$", "the #DE headline")
    expect_faulting_function(r, "divide_error_here")


def case_crash_invalid_opcode(ctx):
    r = boot_crash(ctx, "crash.invalid_opcode")
    expect(r, r"^error: ==== CPU exception #UD \(invalid opcode, vector 6\) ====$", "the #UD headline")
    expect_faulting_function(r, "invalid_opcode_here")


def case_crash_general_protection(ctx):
    r = boot_crash(ctx, "crash.general_protection")
    expect(r, r"^error: ==== CPU exception #GP \(general protection, vector 13\) ====$",
           "the #GP headline")
    expect(r, r"^error: error code 0x1230: GDT selector index 582 \(0x1230\)$",
           "the decoded selector error code")
    expect_faulting_function(r, "general_protection_here")


def case_crash_page_fault(ctx):
    r = boot_crash(ctx, "crash.page_fault")
    expect(r, r"^error: ==== CPU exception #PF \(page fault, vector 14\) ====$", "the #PF headline")
    expect(r, r"^error: error code 0x0: not-present page, read access, kernel mode$",
           "the decoded page-fault error code")
    expect(r, r"^error: faulting address \(cr2\) 0x00000000deadbeef: address not mapped in user space "
           r"\(read from kernel mode\)$",
           "CR2 and what lies there")
    expect(r, r"^error:   cr0=%s cr2=0x00000000deadbeef " % HEX, "CR2 in the register dump")
    expect_faulting_function(r, "page_fault_here")
    harness.check_doc_samples(r, "crash-page-fault")


def case_crash_stack_overflow(ctx):
    r = boot_crash(ctx, "crash.stack_overflow")
    expect(r, r"^error: ==== CPU exception #DF \(double fault, vector 8\) ====$",
           "the #DF headline (the #PF could not push its frame)")
    expect(r, r"^error: kernel stack overflow: the kernel boot stack \[0x[0-9a-f]+, 0x[0-9a-f]+\) ran into "
              r"its guard page$", "the stack-overflow diagnosis")
    expect(r, r"^error:   \.\.\. the frame above repeats \d+ more times$", "the collapsed recursion")
    expect(r, r"^KTEST FAIL crash\.stack_overflow: panic: kernel stack overflow on the kernel boot stack",
           "the panic naming the overflow")
    expect_faulting_function(r, "overflow_stack")
    harness.check_doc_samples(r, "crash-stack-overflow")


def check_calibration(result):
    m = re.search(r"^time: TSC (\d+) Hz \((.*?); measured (\d+) Hz against the (\w+)",
                  result.serial, re.MULTILINE)
    if not m:
        raise Failure("no TSC calibration line")
    print("TSC: %.3f MHz (%s, reference %s)" % (int(m.group(1)) / 1e6, m.group(2), m.group(4)))
    for line in re.findall(r"^time: a 100 ms sleep took .*$", result.serial, re.MULTILINE):
        print(line)
    return m.group(4)


def check_loader_timings(result):
    """The loader's TSC timestamps, printed in microseconds with the calibrated TSC."""
    m = re.search(r"^loader: kernel read after (\d+) us, boot services exited after (\d+) us, "
                  r"kernel entered after (\d+) us; now (\d+) us since loader entry$",
                  result.serial, re.MULTILINE)
    if not m:
        raise Failure("no loader timings in microseconds")
    read, ebs, entered, now = (int(g) for g in m.groups())
    if not 0 < read <= ebs <= entered <= now < 60_000_000:
        raise Failure("implausible loader timings: %s" % m.group(0))
    print(m.group(0))


def check_breakpoint_report(result):
    expect(result, r"^warning: ==== CPU exception #BP \(breakpoint, vector 3\) ====$",
           "the breakpoint report")
    expect(result, r"^warning:   #0 %s %sbreakpoint_here\+0x" % (HEX, ANON),
           "the breakpoint's backtrace naming breakpoint_here")
    expect(result, r"^KTEST PASS trap\.breakpoint\.reports_and_returns ", "execution going on")


def matrix_case(machine, cpu, reference):
    def case(ctx):
        image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=all",
                                   initrd=ctx.initrd)
        result = harness.boot(image, machine=machine, cpu=cpu, timeout=240)
        print(result.serial)
        passed = harness.expect_tests_passed(result)
        check_breakpoint_report(result)
        expect(result, r"^interrupts: local APIC \d+ in x?APIC mode", "the local APIC mode")
        expect(result, r"^interrupts: IRQ 1 -> GSI 1 \(active-high, edge\) -> vector 0x31$",
               "the keyboard IRQ routed through the I/O APIC")
        check_loader_timings(result)
        got = check_calibration(result)
        if got != reference:
            raise Failure("reference clock %s, expected %s on -machine %s" % (got, reference, machine))
        print("PASS: %d kernel tests on -machine %s -cpu %s" % (passed, machine, cpu or "default"))
    return case


# What QMP's send-key needs for each character: (qcode, shifted).
def qcodes(text):
    names = {" ": ("spc", False), ",": ("comma", False), ".": ("dot", False),
             "!": ("1", True), "-": ("minus", False)}
    for ch in text:
        if ch in names:
            yield names[ch]
        elif ch.isalpha():
            yield ch.lower(), ch.isupper()
        elif ch.isdigit():
            yield ch, False
        else:
            raise ValueError("no qcode for %r" % ch)


def wait_for(read_serial, pattern, timeout=60):
    harness.poll_until(lambda: re.search(pattern, read_serial(), re.MULTILINE), timeout,
                       lambda: "%r on serial; its end:\n%s" % (pattern, read_serial()[-1500:]))


def send(qmp, *keys):
    qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in keys])


def type_line(qmp, read_serial):
    wait_for(read_serial, r"^KEYBOARD READY$")
    qmp.execute("inject-nmi")
    wait_for(read_serial, r"^warning: nmi: non-maskable interrupt at ")
    for code, shifted in qcodes("Hello, World! 42 "):
        send(qmp, *(("shift", code) if shifted else (code,)))
    send(qmp, "caps_lock")
    for code, _ in qcodes("abc"):
        send(qmp, code)
    send(qmp, "caps_lock")
    send(qmp, "ctrl", "c")
    send(qmp, "ret")


def case_keyboard(ctx):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=keyboard.echo")
    result = harness.boot(image, timeout=120, interact=type_line)
    print(result.serial)
    expected = "Hello, World! 42 ABC^C"
    expect(result, r"^KEYBOARD READY\n(?:warning: nmi: .*\n)?%s\n" % re.escape(expected),
           "the echo of the typed keys")
    expect(result, r'^KEYBOARD LINE "%s" \(NMIs seen: 1\)$' % re.escape(expected),
           "the line as read from the queue, and the NMI counted by its handler")
    harness.expect_tests_passed(result)
    print("PASS: typed %r, echoed and read back; NMI reported and survived" % expected)


CASES = {
    "crash-divide-error": case_crash_divide_error,
    "crash-invalid-opcode": case_crash_invalid_opcode,
    "crash-general-protection": case_crash_general_protection,
    "crash-page-fault": case_crash_page_fault,
    "crash-stack-overflow": case_crash_stack_overflow,
    # QEMU 7.2's TCG offers neither x2APIC nor TSC-deadline on any CPU model (it filters the
    # bits with a warning), so the matrix varies machine, vendor and reference clock; the
    # x2APIC and TSC-deadline register paths are tested on the host (tests/host/).
    "matrix-q35-max": matrix_case("q35", "max", "HPET"),
    "matrix-pc-skylake-no-hpet": matrix_case("pc,hpet=off", "Skylake-Client", "PIT"),
    "keyboard": case_keyboard,
}


if __name__ == "__main__":
    harness.main(CASES)
