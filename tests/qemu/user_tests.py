#!/usr/bin/python3
"""QEMU+OVMF tests of user mode (docs/processes.md): programs from the initrd run from the
shell, and every deliberate fault ends only its process.

  user_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf --initrd initrd.tar CASE

shell-1cpu        on QEMU's default CPU (qemu64: no SMEP, SMAP or UMIP)
shell-4cpu-max    on -cpu max (SMEP, SMAP and UMIP on; XSAVE) with 4 CPUs
usertests-4cpu, usertests-1cpu-max
                  `usertests` alone on the two other pairs (qemu64 with 4 CPUs, max with 1)
        Each boots with the initrd as \\boot\\initrd.tar; runs `cat /bin/../etc/./motd`, `ls /bin`,
        `ls /`, /bin/echo and cat's errors (no such file, a directory, not a directory, a name
        too long); mkdir, touch, ls, rm -r and pwd on /tmp; types a line to `cat`
        (echoed, then copied) and ends it with Ctrl-D;
        Ctrl-C ends `cat` blocked in read and `loop` spinning in ring 3. Then `hello a b`
        (greets with its pid and arguments), then `crash MODE` for every mode: each must end with a report naming the
        program, the exception and the address, and the shell must come back (the kernel
        survived); `crash bad-pointer` must get EFAULT from write() instead of faulting;
        `memtest` (brk, mmap, munmap, demand-zero pages, malloc) must pass all its checks;
        `forktest` (children writing a copy-on-write buffer, a grandchild, exec's errors and
        success) must pass, and `forktest bomb` must hit the process limit and recover;
        an unknown program is still "command not found". Then `hello` again, the user shell
        (/bin/sh -c: && || ; $? & wait through fork, exec and wait, a pipe, a redirection
        the file system refuses, a syntax error with its column), `usertests` (must end
        "N passed, 0 failed"), `spin 4 300` (four threads spin in ring 3 while the first
        thread sleeps and wakes; its exit ends them on whatever CPU they run) and `shutdown`.

bench (a benchmark: `meson test -C build --benchmark --verbose user-bench`)
        bench.proc.null_syscall_vs_yield: cycles per getpid round trip from ring 3 against
        a yield round trip between two kernel threads, in one boot, with the ratio.
        bench.proc.spawn_and_threads_vs_kernel_threads: spawn+exit+wait of hello, and
        thread_create+thread_join in a process, each against a kernel thread create+join.
        bench.proc.demand_zero_vs_mapped: cycles per first touch of an anonymous page (a
        demand-zero fault) against touching a mapped page and against the kernel mapping a
        zeroed page directly, in the same boot, with the ratios.
        bench.fs.read_vs_memcpy: a program's read() of /bin/syscallbench from the initrd
        (open, 4 KiB reads, close) against the kernel's memcpy of the same bytes.
        bench.fs.ram_write_read_vs_memcpy: a program's write and read back of a 1 MiB file
        under /tmp in 64 KiB calls against the kernel's memcpy of 1 MiB.
        bench.proc.fork_vs_spawn: fork+exit+wait of a process with 1 MiB touched against
        spawn+exit+wait of the same program.
        bench.proc.cow_vs_demand_zero: cycles per first write to a page shared copy-on-write
        (a copy) against a demand-zero first touch.
        bench.pipe.throughput_vs_memcpy: 8 MiB through a pipe from one process to another in
        64 KiB writes and reads, against the kernel's memcpy of the same 64 KiB blocks.
        bench.sh.true_vs_spawn: cycles per `true` run through /bin/sh's executor (parse,
        stat, fork, exec, wait) against spawn+wait of /bin/true, from ring 3 (shbench).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure  # noqa: E402
from shell_session import Shell, expect_in  # noqa: E402

# mode: the report's pattern after "user: process N (crash) killed: ".
CRASHES = {
    "null-read": r"#PF \(page fault\) at 0x[0-9a-f]+, address 0x0: .*not mapped.*user mode",
    "kernel-read": r"#PF \(page fault\) at 0x[0-9a-f]+, address 0xffff800000100000: .*user",
    "kernel-write": r"#PF \(page fault\) at 0x[0-9a-f]+, address 0xffff800000100000: .*write",
    "privileged": r"#GP \(general protection\) at 0x[0-9a-f]+, error code 0x0",
    "ud": r"#UD \(invalid opcode\) at 0x[0-9a-f]+",
    "divide": r"#DE \(divide error\) at 0x[0-9a-f]+",
    "exec-stack": r"#PF \(page fault\) at 0x7fff[0-9a-f]+, address 0x7fff[0-9a-f]+: .*no-execute",
    "stack-overflow": r"#PF \(page fault\) at 0x[0-9a-f]+, address 0x7fff[0-9a-f]+: guard page",
    "x87": r"#MF \(x87 floating-point error\) at 0x[0-9a-f]+",
}


def check_files(sh):
    """The VFS, descriptors and the terminal: cat/ls/echo from the initrd."""
    out = sh.run("cat /bin/../etc/./motd")
    expect_in(out, r"^Welcome to Ember: this file is /etc/motd in the initrd\.\nIt has two lines\.$",
              "cat of a file through .. and .")
    out = sh.run("ls /bin")
    for name in ("cat", "crash", "echo", "hello", "ls", "syscallbench"):
        expect_in(out, r"^ +\d+  %s$" % name, "ls /bin lists %s with its size" % name)
    out = sh.run("ls /")
    expect_in(out, r"^ +-  bin/$", "ls / lists bin/")
    expect_in(out, r"^ +-  etc/$", "ls / lists etc/")
    expect_in(sh.run("/bin/echo one  two"), r"^one two$", "/bin/echo")
    out = sh.run("cat /nosuch /bin /etc/motd/x")
    expect_in(out, r"^cat: /nosuch: no such file$", "NoEntry")
    expect_in(out, r"^cat: /bin: is a directory$", "IsDirectory")
    expect_in(out, r"^cat: /etc/motd/x: not a directory$", "NotDirectory")
    expect_in(sh.run("cat /" + "a" * 300), r": name too long$", "NameTooLong")
    print("PASS: cat, ls and echo through the VFS, with their errors")
    check_tmp(sh)
    # The terminal: cat echoes typed lines until Ctrl-D on an empty line.
    before = sh.prompts()
    start = len(sh.read_serial())
    sh.type("cat\r")
    sh.type("typed line one\r")
    sh.wait_for(r"^typed line one\n(.*\n)?typed line one$", start=start)
    sh.type("\x04")
    sh.wait_prompt(before)
    print("PASS: cat echoed a typed line and ended at Ctrl-D")
    # Ctrl-C ends a program blocked reading the terminal.
    before = sh.prompts()
    start = len(sh.read_serial())
    sh.type("cat\r")
    sh.type("x\r")
    sh.wait_for(r"^x\n(.*\n)?x$", start=start)
    sh.type("\x03")
    sh.wait_prompt(before)
    expect_in(sh.read_serial()[start:], r"^cat: interrupted \(Ctrl-C\)$", "Ctrl-C ended cat")
    print("PASS: Ctrl-C ended cat blocked in read")
    # Ctrl-C ends a program spinning in ring 3 (no system call to notice it by).
    before = sh.prompts()
    start = len(sh.read_serial())
    sh.type("loop\r")
    sh.wait_for(r"^loop: spinning$", start=start)
    sh.type("\x03")
    sh.wait_prompt(before)
    expect_in(sh.read_serial()[start:], r"^loop: interrupted \(Ctrl-C\)$", "Ctrl-C ended loop")
    print("PASS: Ctrl-C ended loop spinning in ring 3")
    expect_in(sh.run("hello"), r"^hello from user mode", "the shell after Ctrl-C")


def check_tmp(sh):
    """The RAM file system at /tmp through mkdir, touch, ls, rm and pwd (docs/vfs.md)."""
    sh.run("mkdir /tmp/qd /tmp/qd/sub")
    sh.run("touch /tmp/qd/f /tmp/qd/sub/g")
    out = sh.run("ls /tmp/qd")
    expect_in(out, r"^ +0  f$", "ls /tmp/qd lists the file touch made")
    expect_in(out, r"^ +-  sub/$", "ls /tmp/qd lists the directory mkdir made")
    expect_in(sh.run("rm /tmp/qd"), r"^rm: /tmp/qd: is a directory$", "rm of a directory")
    expect_in(sh.run("mkdir /tmp/qd"), r"^mkdir: /tmp/qd: file exists$", "mkdir twice")
    sh.run("rm -r /tmp/qd")
    expect_in(sh.run("ls /tmp/qd"), r"^ls: /tmp/qd: no such file$", "rm -r removed the tree")
    expect_in(sh.run("mkdir /etc/x"), r"^mkdir: /etc/x: read-only file system$",
              "the initrd is read-only")
    expect_in(sh.run("pwd"), r"^/$", "a program started by the kernel shell starts at /")
    expect_in(sh.run("ls /"), r"^ +-  tmp/$", "ls / lists the mount point tmp/")
    print("PASS: mkdir, touch, ls, rm -r and pwd on /tmp")


def check_session(sh):
    check_files(sh)
    out = sh.run("hello a b")
    m = re.search(r"^hello from user mode: pid (\d+), args: a b$", out, re.MULTILINE)
    if not m:
        raise Failure("hello did not greet with its pid and arguments:\n" + out)
    first_pid = int(m.group(1))
    m = re.search(r"^hello: stack canary 0x([0-9a-f]{16})$", out, re.MULTILINE)
    if not m or not m.group(1).endswith("00"):
        raise Failure("hello did not show a canary with a zero low byte:\n" + out)
    first_canary = m.group(1)
    for mode, pattern in CRASHES.items():
        out = sh.run("crash " + mode, timeout=120)
        expect_in(out, r"^crash: %s$" % re.escape(mode), "crash %s started" % mode)
        expect_in(out, r"user: process \d+ \(crash\) killed: " + pattern, "the %s report" % mode)
        expect_in(out, r"user:   rip 0x[0-9a-f]+ rflags", "the %s registers" % mode)
        expect_in(out, r"^crash: exit status \d+$", "the shell saw crash %s end" % mode)
        print("PASS: crash %s ended the process only" % mode)
    out = sh.run("memtest", timeout=120)
    expect_in(out, r"^memtest: all checks passed$", "memtest's brk/mmap/munmap/malloc checks")
    print("PASS: memtest")
    out = sh.run("forktest", timeout=300)
    expect_in(out, r"^forktest: all checks passed$", "forktest's copy-on-write and exec checks")
    out = sh.run("forktest bomb", timeout=300)
    expect_in(out, r"^forktest: bomb hit the limit and recovered$", "the fork bomb recovered")
    print("PASS: forktest (copy-on-write children, exec, a fork bomb)")
    # An unmasked SIMD division by zero: #XM on hardware; QEMU 7.2's TCG sets MXCSR.ZE only.
    out = sh.run("crash sse")
    expect_in(out, r"killed: #XM \(SIMD floating-point exception\)|"
              r"^crash: sse: no #XM \(the CPU only set MXCSR.ZE\)$", "crash sse's #XM or ZE")
    out = sh.run("fpu hold 30", timeout=120)
    expect_in(out, r"^fpu: hold passed \((x|y)mm0-15, 30 rounds\)$", "fpu registers kept")
    expect_in(sh.run("fpu fresh"), r"^fpu: fresh state is clean$", "a clean FPU state at start")
    out = sh.run("crash bad-pointer")
    expect_in(out, r"^crash: write\(kernel pointer\) = -14, write\(null page\) = -14$",
              "EFAULT for bad pointers")
    expect_in(sh.run("nosuchprogram"), r"nosuchprogram: command not found", "unknown names")
    out = sh.run("hello")
    m = re.search(r"^hello from user mode: pid (\d+)$", out, re.MULTILINE)
    if not m or int(m.group(1)) <= first_pid:
        raise Failure("the last hello did not get a new pid:\n" + out)
    m = re.search(r"^hello: stack canary 0x([0-9a-f]{16})$", out, re.MULTILINE)
    if not m or m.group(1) == first_canary:
        raise Failure("two processes got the same stack canary %s:\n%s" % (first_canary, out))
    expect_in(sh.run("echo still here"), r"^still here$", "the shell after every crash")
    check_user_shell(sh)


def hellos(out):
    """The pids that hello greeted with, in order."""
    return [int(p) for p in re.findall(r"^hello from user mode: pid (\d+)", out, re.MULTILINE)]


def check_user_shell(sh):
    """/bin/sh -c runs lists through fork, exec and wait (docs/shell.md, "The user shell")."""
    out = sh.run("sh -c 'hello && hello'")
    pids = hellos(out)
    if len(pids) != 2 or pids[0] == pids[1]:
        raise Failure("sh -c 'hello && hello' did not run two hellos:\n" + out)
    out = sh.run("sh -c 'crash || hello; crash && hello'")
    expect_in(out, r"^usage: crash ", "crash without arguments ran (status 2)")
    if len(hellos(out)) != 1:
        raise Failure("|| and && did not follow crash's status:\n" + out)
    out = sh.run("sh -c 'crash null-read; hello $? \"$?\"'")
    expect_in(out, r"^hello from user mode: pid \d+, args: 142 142$", "$? after a #PF (128 + 14)")
    out = sh.run("sh -c 'hello bg & wait; hello after'")
    expect_in(out, r"args: bg$(.|\n)*args: after$", "& then wait, in order")
    out = sh.run("sh -c 'hello piped | cat; hello >f; hello ok'")
    expect_in(out, r"args: piped$", "hello's output through a pipe to cat")
    expect_in(out, r"^sh: open: f: ", "a redirection the file system refuses")
    expect_in(out, r"args: ok$", "the shell went on")
    out = sh.run("sh -c 'hello | | hello'")
    expect_in(out, r"^sh: syntax error at 9: expected a command after '\|'$", "syntax error")
    expect_in(out, r"^sh: exit status 2$", "status 2 for a syntax error")
    out = sh.run("sh -c 'exit 7; hello'")
    expect_in(out, r"^sh: exit status 7$", "exit 7")
    if hellos(out):
        raise Failure("commands after exit ran:\n" + out)
    print("PASS: /bin/sh -c ran lists, $?, & and wait, a pipe; a bad redirection refused")
    check_usertests(sh)
    out = sh.run("spin 4 300", timeout=300)
    expect_in(out, r"^spin: 4 threads spinning$", "spin started its threads")
    expect_in(out, r"^spin: woke [1-9]\d* times while they spun$", "spin's sleeper ran")
    expect_in(sh.run("echo after spin"), r"^after spin$", "the shell after spin")
    print("PASS: spin with 4 threads was preempted and ended")


def check_usertests(sh):
    out = sh.run("usertests", timeout=900)
    expect_in(out, r"^\d+ passed, 0 failed$", "usertests passed")
    print("PASS: usertests: " + re.search(r"^\d+ passed, 0 failed$", out, re.MULTILINE).group(0))


def shell_case(cpus, cpu=None, protections="absent", fpu="FXSAVE", session=check_session):
    def case(ctx):
        def interact(qmp, read_serial, terminal):
            sh = Shell(qmp, read_serial, terminal)
            sh.wait_ready()
            session(sh)
            terminal.send("shutdown\r")

        image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, initrd=ctx.initrd)
        machine = {"cpu": cpu} if cpu else {}
        result = harness.boot(image, interact=interact, serial_input=True, timeout=300,
                              cpus=cpus, **machine)
        print(result.serial[-6000:])
        harness.expect(result, r"^initrd: \d+ bytes, \d+ entries", "the initrd found")
        harness.expect_absent(result, r"PANIC|panic:", "a kernel panic")
        harness.expect(result, r"^user mode: SYSCALL entry ready; SMEP {0}, SMAP {0}, UMIP {0}$"
                       .format(protections), "SMEP/SMAP/UMIP " + protections)
        harness.expect(result, r"^user mode: FPU state saved with %s, XCR0 0x[0-9a-f]+, \d+ bytes"
                       % fpu, "FPU state saved with " + fpu)
        if result.timed_out or result.exit_code != 0:
            raise Failure("no clean power-off (exit %s, timed out %s)"
                          % (result.exit_code, result.timed_out))
    return case


def case_bench(ctx):
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, initrd=ctx.initrd,
                               cmdline="test=bench.proc.null_syscall_vs_yield,"
                               "bench.proc.demand_zero_vs_mapped,"
                               "bench.fs.read_vs_memcpy,"
                               "bench.fs.ram_write_read_vs_memcpy,"
                               "bench.proc.spawn_and_threads_vs_kernel_threads,"
                               "bench.proc.fork_vs_spawn,"
                               "bench.proc.cow_vs_demand_zero,"
                               "bench.pipe.throughput_vs_memcpy,"
                               "bench.sh.true_vs_spawn")
    result = harness.boot(image, timeout=180)
    harness.expect_tests_passed(result)
    print("QEMU TCG: cycles are TSC ticks of the emulated CPU")
    for name in ("proc\\.null_syscall", "proc\\.demand_zero", "fs\\.read", "fs\\.ram_write_read",
                 "proc\\.spawn", "proc\\.thread", "proc\\.fork", "proc\\.cow_fault",
                 "pipe\\.throughput", "sh\\.true"):
        line = re.search(r"^KBENCH %s: .*$" % name, result.serial, re.MULTILINE)
        if not line:
            print(result.serial)
            raise Failure("no KBENCH %s line" % name)
        print("  " + line.group(0))
    # A pipe's reader and writer side by side: the same benchmark on two CPUs.
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, initrd=ctx.initrd,
                               cmdline="test=bench.pipe.throughput_vs_memcpy")
    result = harness.boot(image, timeout=180, cpus=2)
    harness.expect_tests_passed(result)
    line = re.search(r"^KBENCH pipe\.throughput: .*$", result.serial, re.MULTILINE)
    if not line:
        print(result.serial)
        raise Failure("no KBENCH pipe.throughput line on two CPUs")
    print("  (2 CPUs) " + line.group(0))


CASES = {
    "shell-1cpu": shell_case(1),
    "shell-4cpu-max": shell_case(4, "max", "on", "XSAVE"),
    # usertests alone on the other two pairs of CPU model and CPU count.
    "usertests-4cpu": shell_case(4, session=check_usertests),
    "usertests-1cpu-max": shell_case(1, "max", "on", "XSAVE", session=check_usertests),
}
BENCHMARK_CASES = {"bench": case_bench}  # meson: the benchmark user-bench

if __name__ == "__main__":
    harness.main(CASES, BENCHMARK_CASES)
