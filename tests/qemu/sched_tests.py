#!/usr/bin/python3
"""QEMU+OVMF tests of threads and synchronization that must end the boot.

  sched_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

thread-stack-overflow    a thread recurses into its stack's guard page: the crash report
                         (a #DF: the #PF could not push its frame) names the thread, and
                         the backtrace runs from the recursion down to the thread's start.
mutex-relock             locking a mutex its owner holds panics naming mutex and thread.
mutex-unlock-non-owner   unlocking someone else's mutex panics naming both threads.
spinlock-recursion       taking a spinlock the CPU holds panics at once, naming the function.
locked-without-lock      a _locked function called without its lock panics (debug builds).
verify-failure           a libk VERIFY in the kernel panics with the expression and place.
bench                    the in-kernel scheduler benchmarks (KTEST_MANUAL "bench.sched.*"):
                         prints the KBENCH lines (run by `meson test --benchmark`).

Everything else about threads runs in the batched `test=all` boot (kernel/tests/).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, expect  # noqa: E402

HEX = r"0x[0-9a-f]+"
BENCHMARKS = ["bench.sched.raw_switch", "bench.sched.yield_pingpong", "bench.sched.mutex_handoff",
              "bench.sched.fpu_switch"]


def boot_panic(ctx, test):
    """Boots `test=<test>`; the test must panic, which ends QEMU with status 35 at once."""
    result = harness.boot_failing_test(ctx, test)
    expect(result, r"^\s*\*\*\* KERNEL PANIC \*\*\*\s*$", "the panic banner")
    return result


def case_thread_stack_overflow(ctx):
    r = boot_panic(ctx, "thread.stack_overflow_is_caught")
    thread = r'the stack of thread \d+ "overflower"'
    expect(r, r"^error: ==== CPU exception #DF \(double fault, vector 8\) ====$",
           "the #DF headline (the #PF could not push its frame)")
    expect(r, r"^error: kernel stack overflow: %s \[%s, %s\) ran into its guard page$"
           % (thread, HEX, HEX), "the overflow diagnosis naming the thread")
    expect(r, r"^error:   #0 %s kernel::\(anonymous namespace\)::recurse_deeply\+0x" % HEX,
           "the recursion at the top of the backtrace")
    expect(r, r"^error:   \.\.\. the frame above repeats \d+ more times$", "the collapsed recursion")
    expect(r, r"^error:   #\d+ %s kernel::Scheduler::thread_start\+0x" % HEX,
           "the thread's start in the backtrace")
    expect(r, r"^error:   #\d+ %s hal_context_start\+0x" % HEX,
           "the backtrace ending at the context's first frame")
    expect(r, r"^KTEST FAIL thread\.stack_overflow_is_caught: panic: kernel stack overflow on %s"
           % thread, "the panic naming the thread")
    harness.check_doc_samples(r, "thread-stack-overflow")
    print("PASS: the overflow was caught and reported in %.1f s" % r.elapsed)


# Misuse that must panic with a message naming what was misused: case name ->
# (test to boot, patterns the serial log must match with what each shows).
MISUSE = {
    "mutex-relock": ("sync.mutex.relock_panics", [
        (r'^KTEST FAIL sync\.mutex\.relock_panics: panic: mutex "misuse": thread 1 "main" '
         r'locks it again while holding it \(self-deadlock\)$', "the relock diagnosis")]),
    "mutex-unlock-non-owner": ("sync.mutex.unlock_by_non_owner_panics", [
        (r'^KTEST FAIL sync\.mutex\.unlock_by_non_owner_panics: panic: mutex "misuse": '
         r'thread \d+ "intruder" unlocks it, but thread 1 "main" holds it$',
         "the foreign-unlock diagnosis")]),
    "spinlock-recursion": ("sync.spinlock.recursion_panics", [
        (r'^KTEST FAIL sync\.spinlock\.recursion_panics: panic: spinlock "misuse": '
         r'take_spinlock_twice\(\) takes it again on CPU 0, which holds it \(recursion\)$',
         "the lock, the function and the CPU")]),
    "locked-without-lock": ("sync.locked_function_without_lock_panics", [
        (r'^KTEST FAIL sync\.locked_function_without_lock_panics: panic: spinlock '
         r'"scheduler": wake_one_locked\(\) needs it held, but it is free$',
         "the lock and the _locked function")]),
    "verify-failure": ("libk.verify_failure_panics", [
        (r"^\s*VERIFY\(has_\) failed\s*$", "the failed expression in the banner"),
        (r"^\s*at libk/include/libk/optional\.hpp:\d+ in value\(\) on CPU 0\s*$",
         "the place of the check in the banner")]),
}


def make_misuse_case(name):
    test, patterns = MISUSE[name]

    def case(ctx):
        r = boot_panic(ctx, test)
        for pattern, what in patterns:
            expect(r, pattern, what)
        if name in harness.doc_samples.SOURCES:
            harness.check_doc_samples(r, name)
        print("PASS: %s panicked as it should in %.1f s" % (name, r.elapsed))
    return case


def case_bench(ctx):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel,
                               cmdline="test=" + ",".join(BENCHMARKS))
    result = harness.boot(image, timeout=180)
    harness.expect_tests_passed(result)
    lines = re.findall(r"^KBENCH .*$", result.serial, re.MULTILINE)
    if len(lines) != len(BENCHMARKS):
        print(result.serial)
        raise Failure("expected %d KBENCH lines, got %d" % (len(BENCHMARKS), len(lines)))
    print("in-kernel scheduler benchmarks (QEMU TCG: cycles are TSC ticks of the emulated CPU):")
    for line in lines:
        print("  " + line)


CASES = {
    "thread-stack-overflow": case_thread_stack_overflow,
    **{name: make_misuse_case(name) for name in MISUSE},
}
BENCHMARK_CASES = {"bench": case_bench}  # meson: the benchmark sched-kernel


if __name__ == "__main__":
    harness.main(CASES, BENCHMARK_CASES)
