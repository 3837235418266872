"""Running one Ember boot under QEMU+OVMF and checking what it printed on serial.

A boot stops at the first of: QEMU exits (isa-debug-exit from the kernel's test harness),
a `stop_on` pattern appears on serial (a loader error, a prompt), or the timeout (which is
always a failure: Ember must never hang).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "ovmf"))
import doc_samples  # noqa: E402
import emberqemu  # noqa: E402
import mkimage  # noqa: E402
import ovmf  # noqa: E402

# CSI sequences, and the two-byte ESC sequences (ESC 7 / ESC 8 around the shell's size query).
ANSI = re.compile(r"\x1b\[[0-9;:=?]*[A-Za-z]|\x1b[0-9=>]")
# The kernel log's timestamp column ("[    0.012345] "), see kernel/log.hpp.
LOG_TIMESTAMP = re.compile(r"^\[\s*\d+\.\d{6}\] ", re.MULTILINE)


def clean(text):
    """Serial text without ANSI escapes (the firmware console and the kernel log emit them),
    CRs and log timestamps, so patterns can anchor log lines with ^."""
    return LOG_TIMESTAMP.sub("", log_text(text))


def log_text(text):
    """Serial text without ANSI escapes and CRs, timestamps kept: what a terminal shows."""
    return ANSI.sub("", text).replace("\r", "")


class BootResult:
    """`serial` is the cleaned serial log (clean()), `log` the same with timestamps."""

    def __init__(self, serial, exit_code, stopped_on, elapsed, timed_out, log=""):
        self.serial = serial
        self.log = log
        self.exit_code = exit_code
        self.stopped_on = stopped_on
        self.elapsed = elapsed
        self.timed_out = timed_out


class Failure(Exception):
    pass


def poll_until(condition, timeout, what, interval=0.05):
    """Calls `condition()` until it returns a true value, and returns that value. After
    `timeout` seconds without one, raises Failure naming `what` (what was awaited: a string,
    or a function returning one, called only then) and the time waited. A condition may
    raise Failure itself to stop waiting for something that can no longer happen."""
    start = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        waited = time.monotonic() - start
        if waited > timeout:
            raise Failure("waited %.1f s for %s" % (waited, what() if callable(what) else what))
        time.sleep(interval)


def make_image(workdir, loader, kernel=None, cmdline="", no_kernel=False, name="test.img",
               initrd=None, **extra):
    """An image for `loader` and `kernel`; with `initrd` (Context.initrd, from --initrd),
    \\boot\\initrd.tar too: the user programs the process tests run."""
    out = os.path.join(workdir, name)
    argv = ["--loader", loader, "--out", out, "--cmdline", cmdline]
    if initrd:
        argv += ["--initrd", initrd]
    if no_kernel:
        argv.append("--no-kernel")
    else:
        argv += ["--kernel", kernel]
    for key, value in extra.items():
        argv += ["--" + key.replace("_", "-"), value]
    mkimage.main(argv)
    return out


class Qmp:
    """A minimal QMP client (JSON lines over a unix socket)."""

    def __init__(self, path, timeout=10):
        self.sock = poll_until(lambda: self._connect(path), timeout, "QMP at " + path)
        self.file = self.sock.makefile("rwb")
        self._read()  # greeting
        self.execute("qmp_capabilities")

    @staticmethod
    def _connect(path):
        """A socket connected to QEMU's QMP server, or None while QEMU is not listening."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            return None

    def _read(self):
        while True:
            line = self.file.readline()
            if not line:
                raise Failure("QMP connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def execute(self, command, **arguments):
        req = {"execute": command}
        if arguments:
            req["arguments"] = arguments
        self.file.write((json.dumps(req) + "\n").encode())
        self.file.flush()
        reply = self._read()
        if "error" in reply:
            raise Failure("QMP %s failed: %s" % (command, reply["error"]))
        return reply.get("return")

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


class SerialTerminal:
    """The other end of the machine's serial port, for typing into it. QEMU serves COM1 on a
    pair of named pipes (`-chardev pipe`: it reads PATH.in, writes PATH.out) and logs what
    the machine writes to the usual file. A thread keeps reading PATH.out so the machine's
    output never waits for us.

    Why pipes and not a unix socket: QEMU's 16550 sends each byte as its own write, and a
    unix stream socket charges about a kilobyte of buffer per write, so a socket fills
    after a few hundred bytes whenever the reader is late; the UART then retries a few
    times and drops bytes. A pipe buffers 64 KiB of plain bytes.

    With `size` (rows, columns) it answers a cursor position query (ESC [ 6 n, how the
    kernel learns the terminal's width) as a terminal of that size whose cursor was moved to
    the bottom right corner would; without, it never answers, like a log file."""

    QUERY = b"\x1b[6n"

    def __init__(self, path, size=None):
        self._out = os.open(path + ".out", os.O_RDONLY | os.O_NONBLOCK)
        self._in = os.open(path + ".in", os.O_WRONLY)
        self._closed = False
        self._size = size
        self._tail = b""
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    @staticmethod
    def make_pipes(path):
        os.mkfifo(path + ".in")
        os.mkfifo(path + ".out")

    def _drain(self):
        import select
        while not self._closed:
            try:
                ready, _, _ = select.select([self._out], [], [], 0.1)
                data = os.read(self._out, 65536) if ready else None
                if ready and not data:
                    time.sleep(0.01)  # no writer (QEMU gone)
                if data and self._size:
                    self._answer_queries(data)
            except OSError:
                return

    def _answer_queries(self, data):
        seen = self._tail + data
        for _ in range(seen.count(self.QUERY)):
            os.write(self._in, b"\x1b[%d;%dR" % self._size)
        self._tail = seen[-(len(self.QUERY) - 1):]

    def send(self, data, delay=0.0):
        """Types `data` (str or bytes); with `delay`, one byte at a time."""
        if isinstance(data, str):
            data = data.encode()
        if not delay:
            os.write(self._in, data)
            return
        for i in range(len(data)):
            os.write(self._in, data[i:i + 1])
            time.sleep(delay)

    def close(self):
        self._closed = True
        self._reader.join(timeout=1)
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass


def boot(image, *, timeout=90, stop_on=None, interact=None, serial_input=False, serial_size=None,
         **machine):
    """Boots `image`; returns a BootResult. `interact(qmp, read_serial)` may drive the
    machine through QMP while it runs (keyboard input, screenshots); with `serial_input`,
    it is called as interact(qmp, read_serial, terminal), `terminal` a SerialTerminal (of
    `serial_size`, (rows, columns), if given). `secure_boot=True` boots OVMF's Secure Boot
    build with the snakeoil keys enrolled."""
    workdir = tempfile.mkdtemp(prefix="ember-boot-")
    try:
        if machine.get("secure_boot"):
            _, template, _, _ = ovmf.find_secure_boot()
        else:
            _, template = ovmf.find()
        vars_copy = ovmf.prepare_vars(template, workdir)
        serial_path = os.path.join(workdir, "serial.log")
        qmp_path = os.path.join(workdir, "qmp.sock") if interact else None
        serial = "file:" + serial_path
        if serial_input:
            pipe_path = os.path.join(workdir, "serial")
            SerialTerminal.make_pipes(pipe_path)
            machine["extra"] = list(machine.get("extra", ())) + [
                "-chardev", "pipe,id=com1,path=%s,logfile=%s" % (pipe_path, serial_path)]
            serial = "chardev:com1"
        cmd = emberqemu.command(image, vars_copy, serial=serial, qmp=qmp_path, **machine)
        print("boot: " + " ".join(cmd))
        start = time.time()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def read_serial(raw=False):
            """What the machine wrote on serial so far: cleaned text, or the raw bytes."""
            try:
                with open(serial_path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                data = b""
            return data if raw else clean(data.decode("utf-8", errors="replace"))

        stopped_on = None
        timed_out = False
        qmp = None
        terminal = None
        try:
            if serial_input:
                terminal = SerialTerminal(pipe_path, serial_size)
            if interact:
                qmp = Qmp(qmp_path)
                if serial_input:
                    interact(qmp, read_serial, terminal)
                else:
                    interact(qmp, read_serial)
            def ended():
                """QEMU exited (True), or stop_on appeared (its match)."""
                if proc.poll() is not None:
                    return True
                return stop_on and re.search(stop_on, read_serial())

            remaining = timeout - (time.time() - start)
            try:
                if poll_until(ended, remaining, "the boot to end") is not True:
                    stopped_on = stop_on
            except Failure:
                timed_out = True
        finally:
            if qmp:
                qmp.close()
            if terminal:
                terminal.close()
            if proc.poll() is None:
                proc.kill()
            qemu_output = proc.communicate()[0].decode(errors="replace")
        elapsed = time.time() - start
        raw = read_serial(raw=True).decode("utf-8", errors="replace")
        result = BootResult(clean(raw), proc.returncode, stopped_on, elapsed, timed_out,
                            log_text(raw))
        if qemu_output.strip():
            print("qemu said:\n" + qemu_output)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def expect(result, pattern, what=None):
    if not re.search(pattern, result.serial, re.MULTILINE):
        raise Failure("expected %s on serial (pattern %r)" % (what or "output", pattern))


def expect_absent(result, pattern, what=None):
    m = re.search(pattern, result.serial, re.MULTILINE)
    if m:
        raise Failure("unexpected %s on serial: %r" % (what or "output", m.group(0)))


def check_doc_samples(result, source):
    """The docs' samples of `source` (tools/doc_samples.py) match this boot's log. The log is
    kept as doc-sample-SOURCE.log in the current directory (meson test runs in the build
    directory), from which `tools/doc_samples.py update-all build` refreshes the pages."""
    path = os.path.abspath("doc-sample-%s.log" % source)
    with open(path, "w", encoding="utf-8") as f:
        f.write(result.log)
    problems = doc_samples.check(source, result.log)
    if problems:
        raise Failure("\n".join(problems) + "\nIf the change is meant, update the page from "
                      "this boot: tools/doc_samples.py update %s %s" % (source, path))
    print("ok: the docs' %s samples match this boot" % source)


def boot_failing_test(ctx, test, timeout=120, **machine):
    """Boots `test=<test>`, a test that must fail (a deliberate failure, panic or crash):
    the harness then ends QEMU at once with status 35. Returns the BootResult."""
    image = make_image(ctx.work, ctx.loader, ctx.kernel, cmdline="test=" + test)
    result = boot(image, timeout=timeout, **machine)
    print(result.serial)
    if result.timed_out:
        raise Failure("timed out after %.0f s: %s did not end the boot" % (result.elapsed, test))
    if result.exit_code != 35:
        raise Failure("QEMU exit status %s, expected 35 (the test failing)" % result.exit_code)
    return result


def expect_tests_passed(result):
    """The kernel's test harness ran, every test passed, and QEMU exited with 33."""
    if result.timed_out:
        raise Failure("timed out after %.0f s (hang?)" % result.elapsed)
    failures = re.findall(r"^KTEST FAIL .*$", result.serial, re.MULTILINE)
    if failures:
        raise Failure("kernel tests failed:\n  " + "\n  ".join(failures))
    summary = re.search(r"^KTEST SUMMARY passed=(\d+) failed=(\d+)", result.serial, re.MULTILINE)
    if not summary:
        raise Failure("no KTEST SUMMARY line (kernel did not finish its tests)")
    if result.exit_code != 33:
        raise Failure("QEMU exit status %s, expected 33 (success)" % result.exit_code)
    return int(summary.group(1))


class Context:
    """What a test case gets: the loader and kernel under test and a scratch directory."""

    def __init__(self, loader, kernel, work, term=None, update_golden=False, initrd=None):
        self.loader, self.kernel, self.work = loader, kernel, work
        self.term, self.update_golden = term, update_golden
        self.initrd = initrd


def main(cases, benchmarks=None):
    """Command line of every tests/qemu/*_tests.py:
      SCRIPT --list                     the test case names, one per line: tests/meson.build
                                        registers one meson test per name (`PREFIX-NAME`)
      SCRIPT --loader L --kernel K CASE runs the case in a scratch directory and exits 1 with
                                        the reason if it fails
    `benchmarks` are cases too, but not listed: meson registers them as benchmarks."""
    import argparse
    if sys.argv[1:] == ["--list"]:
        print("\n".join(cases))
        return
    runnable = {**cases, **(benchmarks or {})}
    p = argparse.ArgumentParser()
    p.add_argument("--loader", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--term", help="build/tools/ember-term (for the screen cases)")
    p.add_argument("--initrd", help="build/user/initrd.tar (for the user-mode cases)")
    p.add_argument("--update-golden", action="store_true",
                   help="rewrite the golden images of the screen cases from this boot")
    p.add_argument("case", choices=sorted(runnable))
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="ember-case-") as work:
        try:
            runnable[args.case](Context(args.loader, args.kernel, work, args.term,
                                        args.update_golden, args.initrd))
        except Failure as e:
            print("FAIL: %s" % e)
            sys.exit(1)
