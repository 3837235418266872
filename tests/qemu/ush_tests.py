#!/usr/bin/python3
"""QEMU+OVMF test of the interactive user shell /bin/sh (docs/shell.md, "The user shell"),
driven over serial from the kernel shell, with the results read back from serial.

  ush_tests.py --loader ember-loader-unsealed.efi --kernel ember.elf --initrd initrd.tar CASE

interactive-2cpu  One boot, 2 CPUs. `sh` from the kernel shell shows its prompt; then, typed
        at that prompt: lists with ; && || and $?, quoting, a command continued after an
        open quote (the "> " prompt), `&` + `wait`, a script file (`sh /etc/demo.sh`),
        redirections on system calls (`cat < /etc/motd`, `>` and `>>` and `2>&1` onto
        /dev/console), the terminal calls through `ttytest` (winsize, errors, process groups,
        raw mode: typed bytes arrive as typed, Ctrl-C as byte 3, no echo, and canonical mode
        is back once ttytest ended), Ctrl-C ending a whole foreground process group
        (`sh -c 'loop & loop'`: three processes) with the shell surviving and no loop left
        in `ps`, `kill` of a background job and kill's errors, and `exit 3` back to the
        kernel shell. Pipelines: `cat /etc/motd | wc`, three stages, `<` into a pipeline, a
        pipeline's status, Ctrl-C on `loop | cat`. The RAM file system: `>`, `>>` and `2>&1`
        into files in /tmp read back with `<`, `cd /tmp; pwd`, cd's error, a built-in with
        redirections (`cd /nosuch 2> /tmp/cd-err`), a background
        and-or list (`true && echo bg-ok > /tmp/bg || ... &`, then `wait`).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, poll_until  # noqa: E402
from shell_session import Shell, expect_in  # noqa: E402

SH_PROMPT = "$ "


class UserShell:
    """The user shell at its prompt: run() types a line and waits for the next "$ " prompt
    at the start of a line; the output is what came between the typed line and it."""

    def __init__(self, kernel_shell):
        self.k = kernel_shell

    def serial(self):
        return self.k.read_serial()

    def prompts(self):
        return len(re.findall("^" + re.escape(SH_PROMPT), self.serial(), re.MULTILINE))

    def wait_prompt(self, before, timeout=60):
        def new_prompt():
            self.k.check_alive()
            return self.prompts() > before
        poll_until(new_prompt, timeout,
                   lambda: "a new sh prompt; the end of serial:\n%s" % self.serial()[-2000:])

    def run(self, line, timeout=60):
        start = len(self.serial())
        before = self.prompts()
        self.k.type(line + "\r")
        self.wait_prompt(before, timeout)
        text = self.serial()[start:]
        newline = text.find("\n")
        end = text.rfind("\n" + SH_PROMPT) + 1
        return text[newline + 1:end] if 0 <= newline < end else ""


def lines(out):
    return [line for line in out.split("\n") if line]


def check_lists(sh):
    out = sh.run("echo one; false; echo status $?")
    if lines(out) != ["one", "status 1"]:
        raise Failure("; and $?:\n" + out)
    out = sh.run("true && echo and-ran || echo or-ran; false && echo no || echo or-ok")
    if lines(out) != ["and-ran", "or-ok"]:
        raise Failure("&& and ||:\n" + out)
    out = sh.run("echo 'single  $?' \"double $?\" back\\ slash")
    if lines(out) != ["single  $? double 0 back slash"]:
        raise Failure("quoting:\n" + out)
    before = sh.prompts()
    start = len(sh.serial())
    sh.k.type("echo 'open\r")
    sh.k.wait_for(r"^> ", start=start)
    sh.k.type("quote'\r")
    sh.wait_prompt(before)
    expect_in(sh.serial()[start:], r"^open\nquote$", "a quote continued on the next line")
    out = sh.run("hello bg & wait; echo waited $?")
    expect_in(out, r"args: bg$(.|\n)*^waited 0$", "& then wait")
    out = sh.run("nosuch; echo $?")
    expect_in(out, r"^sh: nosuch: command not found\n127$", "status 127")
    print("PASS: ; && || $? quoting, a continued quote, & and wait, command not found")


def check_script(sh):
    out = sh.run("sh /etc/demo.sh; echo script status $?")
    if lines(out) != ["script: start", "script: false gave 1", "script: continued",
                      "script: end", "script status 0"]:
        raise Failure("sh /etc/demo.sh:\n" + out)
    out = sh.run("sh /etc/nosuch.sh; echo $?")
    expect_in(out, r"^sh: open: /etc/nosuch.sh: no such file\n127$", "a missing script")
    print("PASS: sh FILE ran a script")


def check_redirections(sh):
    out = sh.run("cat < /etc/motd")
    expect_in(out, r"^Welcome to Ember: this file is /etc/motd in the initrd\.\nIt has two",
              "cat < /etc/motd")
    out = sh.run("echo to-console > /dev/console; echo appended >> /dev/console")
    if lines(out) != ["to-console", "appended"]:
        raise Failure("> and >> onto /dev/console:\n" + out)
    out = sh.run("cat /nosuch 2>&1 >/dev/console; echo $?")
    expect_in(out, r"^cat: /nosuch: no such file\n1$", "2>&1")
    out = sh.run("cat < /nosuch; echo $?")
    expect_in(out, r"^sh: open: /nosuch: no such file\n1$", "a redirection that fails")
    out = sh.run("echo hi > /tmp/x; cat < /tmp/x; echo more >> /tmp/x; cat /tmp/x")
    if lines(out) != ["hi", "hi", "more"]:
        raise Failure("> and >> to /tmp:\n" + out)
    out = sh.run("cat /nosuch > /tmp/err 2>&1; cat /tmp/err")
    expect_in(out, r"^cat: /nosuch: no such file$", "2>&1 into a file")
    out = sh.run("cd /tmp; pwd; echo rel > r; cat /tmp/r; cd /nosuch; echo $?; cd; pwd")
    if lines(out) != ["/tmp", "rel", "sh: cd: /nosuch: no such file", "1", "/"]:
        raise Failure("cd, a relative redirection, cd's error, cd alone:\n" + out)
    # A built-in's redirections: applied to the shell for it, then undone.
    out = sh.run("cd /tmp > /tmp/cd-out; pwd; cd; cd /nosuch 2> /tmp/cd-err; cat /tmp/cd-err")
    if lines(out) != ["/tmp", "sh: cd: /nosuch: no such file"]:
        raise Failure("a built-in with redirections:\n" + out)
    # A background and-or list runs in a forked copy of the shell, collected by wait.
    out = sh.run("true && echo bg-ok > /tmp/bg || echo no > /tmp/bg & wait; cat /tmp/bg")
    if lines(out) != ["bg-ok"]:
        raise Failure("a background and-or list:\n" + out)
    print("PASS: < > >> 2>&1 to /dev/console and /tmp; cd and relative paths")


def check_pipelines(sh):
    out = sh.run("cat /etc/motd | wc")
    if lines(out) != ["2 14 74"]:
        raise Failure("cat /etc/motd | wc:\n" + out)
    out = sh.run("cat /etc/motd | grep two | wc")
    if lines(out) != ["1 4 18"]:
        raise Failure("a 3-stage pipeline:\n" + out)
    out = sh.run("cat < /etc/motd | grep -c Ember; true | false; echo $?; false | true; echo $?")
    if lines(out) != ["1", "1", "0"]:
        raise Failure("a redirection into a pipeline, a pipeline's status:\n" + out)
    out = sh.run("cat /etc/motd | grep two > /tmp/two; cat /tmp/two")
    if lines(out) != ["It has two lines."]:
        raise Failure("a pipeline into a file:\n" + out)
    print("PASS: pipelines of 2 and 3 stages, their status, < into and > out of a pipeline")


def run_typing(sh, line, ready, keys):
    """Runs `line`, types `keys` once serial shows `ready`, and returns the output up to the
    next prompt."""
    before = sh.prompts()
    start = len(sh.serial())
    sh.k.type(line + "\r")
    sh.k.wait_for(ready, start=start)
    sh.k.type(keys)
    sh.wait_prompt(before)
    return sh.serial()[start:]


def check_terminal(sh):
    out = sh.run("ttytest size")
    m = re.search(r"^ttytest: rows (\d+) columns (\d+)$", out, re.MULTILINE)
    if not m or int(m.group(1)) < 20 or int(m.group(2)) < 80:
        raise Failure("winsize:\n" + out)
    print("PASS: winsize: %s rows, %s columns" % m.groups())
    expect_in(sh.run("ttytest errors"), r"^ttytest: errors ok$", "the calls' errors")
    expect_in(sh.run("ttytest groups"), r"^ttytest: groups ok$", "setpgid and proc_list")
    expect_in(sh.run("ttytest background"), r"^ttytest: background ok$",
              "a background job may not change the terminal")
    out = run_typing(sh, "ttytest background-read", r"^ttytest: type a line$", "mine\r")
    expect_in(out, r"^ttytest: got mine$", "the foreground job gets the line typed")
    expect_in(out, r"^ttytest: background-read ok$", "a background read waits until killed")
    out = run_typing(sh, "ttytest raw 5", r"^ttytest: raw mode, type 5 bytes$", "qz\x03\x04\r")
    expect_in(out, r"^ttytest: raw bytes 71 7a 03 04 0d$", "raw bytes as typed, Ctrl-C a byte")
    typed = out[out.find("type 5 bytes"):out.find("ttytest: raw bytes")]
    if "qz" in typed or "^C" in typed:
        raise Failure("raw mode echoed the typed keys:\n" + out)
    expect_in(sh.run("ttytest mode"), r"^ttytest: mode 0$", "canonical mode after ttytest")
    print("PASS: raw mode (bytes as typed, no echo), canonical again after the program")


def check_ctrl_c(sh):
    before = sh.prompts()
    start = len(sh.serial())
    sh.k.type("sh -c 'loop & loop'\r")
    poll_until(lambda: len(re.findall(r"^loop: spinning$", sh.serial()[start:],
                                      re.MULTILINE)) >= 2, 60,
               lambda: "two loops; serial:\n" + sh.serial()[-2000:])
    sh.k.type("\x03")
    sh.wait_prompt(before)
    out = sh.run("echo status $?")
    expect_in(out, r"^status 130$", "the group ended by Ctrl-C (128 + SIGINT)")
    # Every loop is ending at once; the orphans' last steps (the kernel reaps them) may take
    # a while under TCG, so ps is asked again until none is listed, and none may run.
    listing = {}

    def no_loop_left():
        out = listing["ps"] = sh.run("ps")
        if re.search(r" running\s+\d+ loop$", out, re.MULTILINE):
            raise Failure("a loop still runs after Ctrl-C of its group:\n" + out)
        return not re.search(r" loop$", out, re.MULTILINE)
    poll_until(no_loop_left, 30, lambda: "no loop in ps:\n" + listing.get("ps", ""))
    out = listing["ps"]
    expect_in(out, r"^\s+PID\s+PPID\s+PGID STATE\s+THR NAME$", "ps's header")
    expect_in(out, r"^\s+\d+\s+\d+\s+\d+ running\s+1 sh$", "the shell in ps")
    print("PASS: Ctrl-C ended every process of the foreground group; the shell survived")
    before = sh.prompts()
    start = len(sh.serial())
    sh.k.type("loop | cat\r")
    sh.k.wait_for(r"^loop: spinning$", start=start)
    sh.k.type("\x03")
    sh.wait_prompt(before)
    expect_in(sh.run("echo $?"), r"^130$", "loop | cat ended by Ctrl-C")
    print("PASS: Ctrl-C ended the pipeline loop | cat")


def check_kill(sh):
    start = len(sh.serial())
    sh.run("loop &")
    # Once it printed (after the next prompt, maybe) it has exec'd: ps shows "loop", not "sh".
    sh.k.wait_for(r"loop: spinning$", start=start)
    out = sh.run("ps")
    m = re.search(r"^\s+(\d+)\s+\d+\s+\d+ \w+\s+1 loop$", out, re.MULTILINE)
    if not m:
        raise Failure("the background loop is not in ps:\n" + out)
    out = sh.run("kill %s; wait %s; echo waited $?" % (m.group(1), m.group(1)))
    expect_in(out, r"^waited 137$", "kill ended the background loop (128 + SIGKILL)")
    out = sh.run("kill 99999 x; echo $?")
    expect_in(out, r"^kill: 99999: no such process\nkill: x: invalid argument\n1$", "errors")
    print("PASS: ps, kill PID and kill's errors")


def session(k):
    start = len(k.read_serial())
    k.type("sh\r")
    k.wait_for("^" + re.escape(SH_PROMPT), start=start)
    sh = UserShell(k)
    check_lists(sh)
    check_script(sh)
    check_redirections(sh)
    check_pipelines(sh)
    check_terminal(sh)
    check_ctrl_c(sh)
    check_kill(sh)
    out = k.run("exit 3")
    expect_in(out, r"^sh: exit status 3$", "exit 3 back to the kernel shell")
    expect_in(k.run("echo kernel shell"), r"^kernel shell$", "the kernel shell after sh")
    print("PASS: exit 3 returned to the kernel shell")


def case_interactive(ctx):
    def interact(qmp, read_serial, terminal):
        k = Shell(qmp, read_serial, terminal)
        k.wait_ready()
        session(k)
        terminal.send("shutdown\r")

    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, initrd=ctx.initrd)
    result = harness.boot(image, interact=interact, serial_input=True, timeout=240, cpus=2)
    harness.expect_absent(result, r"PANIC|panic:", "a kernel panic")
    if result.timed_out or result.exit_code != 0:
        print(result.serial[-4000:])
        raise Failure("no clean power-off (exit %s, timed out %s)"
                      % (result.exit_code, result.timed_out))


CASES = {"interactive-2cpu": case_interactive}

if __name__ == "__main__":
    harness.main(CASES)
