#!/usr/bin/python3
"""QEMU+OVMF tests of the kernel shell (docs/shell.md), typed on the serial port and on the
PS/2 keyboard (QMP send-key).

  shell_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf CASE

serial     every command and its output, help and errors, line editing with VT100 escape
           sequences, history, Tab completion, Ctrl-C, Ctrl-L, UTF-8; ends with `shutdown`,
           which must end QEMU by itself (status 0, no timeout).
keyboard   the same prompt driven by key presses on the framebuffer side: a command,
           history with the Up key, editing keys, Ctrl-C; then the screen must equal
           ember-term's rendering of the serial log (the session looks the same on both);
           then `shutdown` typed on the keyboard.
reboot     without -no-reboot: `reboot acpi`, `reboot kbd` and `reboot triple` each bring the
           machine back through the firmware and the loader to a new shell, then shutdown.
reboot-pc  `reboot` on -machine pc, whose FADT offers no reset register: the 8042 resets it.
paste-scrollback
           a serial terminal of 100 columns that answers the cursor position query: the shell
           learns its width; then 4 KiB pasted at once (26 lines of 150 characters, wider
           than the terminal) must all be echoed and run, with nothing dropped, in a bound no
           correct implementation misses (the line's speed is 11.5 KB/s; TCG is slower).
           Then 230 short commands pasted (500 lines on screen), Shift+PgUp three times and
           Shift+PgDn once with QMP send-key: each time the screen must equal ember-term's
           rendering of the serial log with its view as many lines back (half a screen per
           key); Shift+End and new output return to the live screen.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_cases  # noqa: E402
import harness  # noqa: E402
from harness import Failure  # noqa: E402
from shell_session import Shell, expect_in, qcodes  # noqa: E402

LOADER_BANNER = r"^ember-loader \d+\.\d+\.\d+$"
COMMANDS = ["help", "clear", "echo", "mem", "ps", "cpus", "uptime", "dmesg", "cpuinfo", "acpi",
            "lspci", "lsusb", "bench", "test", "reboot", "shutdown"]


def expect_clean_poweroff(result):
    """`shutdown` ended QEMU on its own: ACPI S5 makes QEMU exit with status 0."""
    if result.timed_out:
        raise Failure("QEMU was still running %.0f s after shutdown" % result.elapsed)
    if result.exit_code != 0:
        raise Failure("QEMU exit status %s after shutdown, expected 0" % result.exit_code)
    harness.expect(result, r"^power: entering ACPI S5 \(soft off\)$", "the S5 request")
    harness.expect_absent(result, r"still running", "a failed power-off")
    print("PASS: shutdown powered the machine off (QEMU exit status 0) in %.1f s total"
          % result.elapsed)


def check_commands(sh):
    out = sh.run("help")
    for name in COMMANDS:
        expect_in(out, r"^  %s +\S" % name, "help listing %s" % name)
    expect_in(sh.run("help mem"), r"^usage: mem\n.*frames", "help NAME")
    expect_in(sh.run("dmesg --help"), r"^usage: dmesg \[COUNT\]$", "COMMAND --help")
    expect_in(sh.run("echo \"a  b\" 'c' d\\ e"), r"^a  b c d e$", "echo with quotes and escapes")
    out = sh.run("mem")
    expect_in(out, r"^frames: \d+ of 4 KiB \(.*\): \d+ in use .*, \d+ free", "mem: frames")
    expect_in(out, r"^  kmalloc-64 +64 +\d+ +\d+ +\d+ +\d+$", "mem: a slab cache's line")
    expect_in(out, r"^  large blocks: \d+ live", "mem: large allocations")
    expect_in(sh.run("uptime"), r"^up \d+:\d\d:\d\d\.\d{3} \(\d+ ns since boot\)$", "uptime")
    expect_in(sh.run("dmesg 3"), r"ember: boot complete; starting the shell$", "dmesg COUNT")
    out = sh.run("cpuinfo")
    expect_in(out, r"^brand: +QEMU Virtual CPU", "cpuinfo: the brand string")
    expect_in(out, r"^features: fpu .* apic ", "cpuinfo: feature names")
    expect_in(out, r"\blm\b", "cpuinfo: long mode")
    out = sh.run("acpi")
    expect_in(out, r"^  FACP at 0x[0-9a-f]{16} +244 bytes  revision 3$", "acpi: the FADT")
    expect_in(out, r"^  PM1a control: port 0x604, 16 bits$", "acpi: the PM1a register")
    expect_in(out, r"^\\_S5: SLP_TYPa 0, SLP_TYPb 0$", "acpi: the S5 sleep type")
    out = sh.run("ps")
    expect_in(out, r"^ +1 +\d+[ *] main +blocked +16 +\d+\.\d{3} +\d+$",
              "ps: main, waiting for the shell")
    expect_in(out, r"^ +0 +0\* idle +\w+ ", "ps: the idle thread, pinned to CPU 0")
    expect_in(out, r"^ +\d+ +\d+[ *] shell +running +20 +\d+\.\d{3} +\d+$",
              "ps: the shell itself, running")
    expect_in(out, r"^\d+ threads; \d+ context switches", "ps: scheduler totals")
    out = sh.run("cpus")
    expect_in(out, r"^CPU APIC ID +STATE +CURRENT +BUSY \(ms\) +IDLE \(ms\) +INTERRUPTS", "cpus: the header")
    expect_in(out, r"^ +0 +\d+  online +shell +\d+ +\d+ +[1-9]\d* +[1-9]\d* +0$",
              "cpus: CPU 0 online, running the shell, with interrupts and switches, no IPIs")
    expect_in(out, r"^1 of 1 CPUs online$", "cpus: the count")
    expect_in(sh.run("test boot.*"), r"^test: \d+ passed, 0 failed$", "test PATTERN")
    expect_in(sh.run("test all", timeout=240), r"^test: \d+ passed, 0 failed$",
              "test: every in-kernel test, run from the shell")
    expect_in(sh.run("test nothing.matches"), r"^test: no tests match$", "test with no match")
    out = sh.run("bench", timeout=240)
    expect_in(out, r"^KBENCH bench\.heap\.kmalloc_kfree: 20000 pairs, \d+ cycles per pair", "bench: heap")
    expect_in(out, r"^KBENCH yield_pingpong: ", "bench: the scheduler's benchmarks")
    expect_in(out, r"^bench: \d+ passed, 0 failed$", "bench: all ran")


def check_errors(sh):
    expect_in(sh.run("shutdwon"),
              r"^shutdwon: command not found; did you mean 'shutdown'\? \(type 'help' for the list\)$",
              "an unknown command with a suggestion")
    expect_in(sh.run("frobnicate"), r"^frobnicate: command not found \(type 'help'", "no suggestion")
    expect_in(sh.run("shutdown now"), r"^shutdown: too many arguments\nusage: shutdown$",
              "too many arguments")
    expect_in(sh.run("dmesg lots"), r"^dmesg: 'lots' is not a count\nusage: dmesg \[COUNT\]$",
              "a bad argument")
    expect_in(sh.run("reboot later"), r"^reboot: unknown method 'later'\nusage: reboot ",
              "an unknown reboot method")
    expect_in(sh.run("echo \"unclosed"), r"^error: unterminated quote$", "a tokenizer error")


def check_editing(sh):
    # Home, Right, insert; End, append: "eho world" -> "echo world!"
    expect_in(sh.run("eho world\x1b[H\x1b[Cc\x1b[F!"), r"^world!$", "Home/Right/End editing")
    expect_in(sh.run("echo abcX\x7f"), r"^abc$", "Backspace (DEL)")
    expect_in(sh.run("echo abXc\x1b[D\x1b[D\x1b[3~"), r"^abc$", "Delete (ESC [ 3 ~)")
    expect_in(sh.run("echo junk\x15echo clean"), r"^clean$", "Ctrl-U")
    expect_in(sh.run("echo one two\x17three"), r"^one three$", "Ctrl-W")
    expect_in(sh.run("echo caf\u00e9\x1b[D\x7f"), "^ca\u00e9$", "UTF-8: Left over é, Backspace")
    expect_in(sh.run("\x1b[A"), "^ca\u00e9$", "Up recalls the last line")
    expect_in(sh.run("\x1b[A\x1b[A\x1b[A\x1b[B"), r"^one three$", "Up/Down walk the history")
    expect_in(sh.run("upt\t"), r"^up \d+:", "Tab completes a command")
    start = len(sh.read_serial())
    before = sh.prompts()
    sh.type("echo cancelled\x03")
    sh.wait_prompt(before)
    text = sh.read_serial()[start:]
    if "^C" not in text or re.search(r"^cancelled$", text, re.MULTILINE):
        raise Failure("Ctrl-C did not cancel the line:\n" + text)
    print("ok: Ctrl-C cancels the line")
    # A log message while a line is being typed (an NMI is logged): the line is drawn again
    # below it, and typing goes on.
    start = len(sh.read_serial())
    sh.type("echo typed aro")
    sh.wait_for(r"echo typed aro", start=start)
    sh.qmp.execute("inject-nmi")
    m = sh.wait_for(r"nmi: non-maskable interrupt at .*\n", start=start)
    sh.wait_for(r"^ember> echo typed aro", start=start + m.end())
    expect_in(sh.run("und a log message"), r"^typed around a log message$",
              "the line redrawn below a log message")
    raw_before = len(sh.read_serial(raw=True))
    sh.type("\x0c")
    expect_in(sh.run("echo after clear"), r"^after clear$", "typing after Ctrl-L")
    if b"\x1b[H\x1b[2J" not in sh.read_serial(raw=True)[raw_before:]:
        raise Failure("Ctrl-L did not clear the screen")
    print("ok: Ctrl-L clears the screen")


def case_serial(ctx):
    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        check_commands(sh)
        check_errors(sh)
        check_editing(sh)
        terminal.send("shutdown\r")

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, initrd=ctx.initrd)
    result = harness.boot(image, interact=interact, serial_input=True, timeout=180)
    print(result.serial[-3000:])
    expect_clean_poweroff(result)
    harness.check_doc_samples(result, "shell-session")


def case_keyboard(ctx):
    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        expect_in(sh.run_keys(qcodes("echo Typed, on the keyboard!")), r"^Typed, on the keyboard!$",
                  "a line typed on the PS/2 keyboard")
        expect_in(sh.run_keys([["up"]]), r"^Typed, on the keyboard!$", "Up on the keyboard")
        expect_in(sh.run_keys(qcodes("echo xy") + [["left"], ["backspace"], ["end"], ["z"]]),
                  r"^yz$", "arrows and Backspace on the keyboard")
        expect_in(sh.run_keys(qcodes("ehco")), r"did you mean 'echo'", "an unknown command")
        start = len(read_serial())
        before = sh.prompts()
        for combo in qcodes("echo nope") + [["ctrl", "c"]]:
            qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in combo])
        sh.wait_prompt(before)
        if "^C" not in read_serial()[start:]:
            raise Failure("Ctrl-C on the keyboard did not cancel the line")
        print("ok: Ctrl-C on the keyboard")
        check_screen_matches_serial(ctx, qmp, read_serial)
        for combo in qcodes("shutdown") + [["ret"]]:
            qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in combo])

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel,
                               resolution="%dx%d" % SCREEN)
    result = harness.boot(image, interact=interact, serial_input=True, timeout=180)
    print(result.serial[-2000:])
    expect_clean_poweroff(result)


SCREEN = (1024, 768)


def check_screen_matches_serial(ctx, qmp, read_serial):
    """The framebuffer shows what serial shows: ember-term's rendering of the serial log
    equals a screendump, every pixel."""
    if not ctx.term:
        raise Failure("--term (build/tools/ember-term) is needed for the screen check")
    console_cases.wait_screen_shows_serial(ctx, qmp, read_serial, SCREEN[0], SCREEN[1],
                                           "shell-keyboard")


def reboot_with(sh, command, method_text):
    start = len(sh.read_serial())
    loaders = len(re.findall(LOADER_BANNER, sh.read_serial(), re.MULTILINE))
    sh.type(command + "\r")
    sh.wait_for(r"^power: resetting through %s$" % re.escape(method_text), start=start)
    sh.wait_for(LOADER_BANNER, 90, start=start)
    if len(re.findall(LOADER_BANNER, sh.read_serial(), re.MULTILINE)) != loaders + 1:
        raise Failure("the loader did not start again after %r" % command)
    sh.wait_ready(start=start)
    print("ok: %r rebooted through %s" % (command, method_text))
    return sh.read_serial()[start:]


def case_reboot(ctx):
    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        for command, method in (("reboot", "the ACPI reset register"),
                                ("reboot kbd", "the 8042 reset line"),
                                ("reboot triple", "a triple fault")):
            text = reboot_with(sh, command, method)
            if "still running after" in text:
                raise Failure("%s did not reset the machine:\n%s" % (method, text))
        terminal.send("shutdown\r")

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel)
    result = harness.boot(image, interact=interact, serial_input=True, timeout=240, no_reboot=False)
    expect_clean_poweroff(result)


def case_reboot_pc(ctx):
    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        text = reboot_with(sh, "reboot", "the 8042 reset line")
        if not re.search(r"reset register: the FADT offers no reset register", text):
            raise Failure("the missing reset register was not reported:\n" + text)
        terminal.send("shutdown\r")

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel)
    result = harness.boot(image, interact=interact, serial_input=True, timeout=180,
                          no_reboot=False, machine="pc")
    expect_clean_poweroff(result)


PASTE_LINES = 26
PASTE_BOUND_S = 60  # for 4 KiB: 2 % of the serial line's speed


def paste_lines():
    return ["echo p%02d %s" % (i, "".join(chr(ord("a") + (i + j) % 26) for j in range(142)))
            for i in range(PASTE_LINES)]


def paste(sh, terminal, lines, bound):
    """Pastes `lines` (each + CR) at once; waits for the last one's output; returns the
    output and the bytes per second."""
    data = "".join(line + "\r" for line in lines).encode()
    start = len(sh.read_serial())
    began = time.time()
    terminal.send(data)
    last = re.escape(lines[-1][len("echo "):])
    sh.wait_for(r"^%s$" % last, timeout=bound, start=start)
    elapsed = time.time() - began
    out = sh.read_serial()[start:]
    for line in lines:
        if not re.search(r"^%s$" % re.escape(line[len("echo "):]), out, re.MULTILINE):
            raise Failure("no output for the pasted line %r:\n%s" % (line, out[-2000:]))
    if "bytes dropped" in out:
        raise Failure("serial input was dropped:\n" + out[-2000:])
    return out, len(data), elapsed


def scroll_and_compare(ctx, qmp, read_serial, keys, view_back, what):
    qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in keys])
    console_cases.wait_screen_shows_serial(ctx, qmp, read_serial, SCREEN[0], SCREEN[1],
                                           "shell-scrollback", view_back=view_back)
    print("ok: %s" % what)


def case_paste_scrollback(ctx):
    def interact(qmp, read_serial, terminal):
        sh = Shell(qmp, read_serial, terminal)
        sh.wait_ready()
        sh.wait_for(r"^shell: serial terminal: 100 columns \(it answered\)$")
        print("ok: the shell learnt the serial terminal's width from its answer")
        _, size, elapsed = paste(sh, terminal, paste_lines(), PASTE_BOUND_S)
        print("ok: %d bytes pasted were echoed and run in %.1f s (%.0f bytes/s)"
              % (size, elapsed, size / elapsed))
        _, size, elapsed = paste(sh, terminal, ["echo line %03d" % i for i in range(230)],
                                 PASTE_BOUND_S)
        print("ok: 230 more commands (%d bytes) in %.1f s" % (size, elapsed))
        half = SCREEN[1] // 16 // 2  # rows of the 8x16 font, halved
        console_cases.wait_screen_shows_serial(ctx, qmp, read_serial, SCREEN[0], SCREEN[1],
                                               "shell-scrollback")
        for n in (1, 2, 3):
            scroll_and_compare(ctx, qmp, read_serial, ["shift", "pgup"], n * half,
                               "Shift+PgUp x%d shows the view %d lines back" % (n, n * half))
        scroll_and_compare(ctx, qmp, read_serial, ["shift", "pgdn"], 2 * half,
                           "Shift+PgDn scrolls half a screen forward")
        scroll_and_compare(ctx, qmp, read_serial, ["shift", "end"], 0,
                           "Shift+End returns to the live screen")
        scroll_and_compare(ctx, qmp, read_serial, ["shift", "pgup"], half, "Shift+PgUp again")
        expect_in(sh.run("echo back to the bottom"), r"^back to the bottom$", "output after PgUp")
        console_cases.wait_screen_shows_serial(ctx, qmp, read_serial, SCREEN[0], SCREEN[1],
                                               "shell-scrollback")
        print("ok: new output returns the view to the live screen")
        terminal.send("shutdown\r")

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel,
                               resolution="%dx%d" % SCREEN)
    result = harness.boot(image, interact=interact, serial_input=True, serial_size=(24, 100),
                          timeout=180)
    print(result.serial[-1500:])
    expect_clean_poweroff(result)


CASES = {"serial": case_serial, "keyboard": case_keyboard, "reboot": case_reboot,
         "reboot-pc": case_reboot_pc, "paste-scrollback": case_paste_scrollback}


if __name__ == "__main__":
    harness.main(CASES)
