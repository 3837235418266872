"""Driving Ember's shell from a test: type a line on the serial port (or with QMP send-key
on the PS/2 keyboard), wait for the next prompt, and return what the command printed.

The serial log is cleaned by harness.clean (no ANSI escapes, no CRs, no timestamps). The
line editor's redraws leave the prompt and partial lines in it (a redraw starts with a CR,
which cleaning removes, so it never starts a line); a command's output is what follows the
newline after the typed line, up to the next prompt at the start of a line.
"""

import re

from harness import Failure, poll_until

PROMPT = "ember> "
READY = r"Welcome to Ember\. Type 'help'"


class Shell:
    def __init__(self, qmp, read_serial, terminal=None, timeout=60):
        self.qmp = qmp
        self.read_serial = read_serial
        self.terminal = terminal
        self.timeout = timeout

    def wait_for(self, pattern, timeout=None, start=0):
        """The first match of `pattern` in the serial log after offset `start`."""
        def found():
            self.check_alive()
            return re.search(pattern, self.read_serial()[start:], re.MULTILINE)
        return poll_until(found, timeout or self.timeout,
                          lambda: "%r on serial; the end of it:\n%s"
                          % (pattern, self.read_serial()[-2000:]))

    def wait_ready(self, timeout=120, start=0):
        """Waits for the shell's welcome (after serial offset `start`) and its first prompt."""
        m = self.wait_for(READY, timeout, start=start)
        self.wait_for(re.escape(PROMPT), timeout, start=start + m.end())

    def prompts(self):
        """Prompts that start a line: the editor's redraws (CR, prompt, line) do not count,
        since cleaning the log removes their CR."""
        return len(re.findall("^" + re.escape(PROMPT), self.read_serial(), re.MULTILINE))

    def check_alive(self):
        """Fails at once, instead of at a timeout, if the kernel panicked."""
        if "*** KERNEL PANIC ***" in self.read_serial():
            raise Failure("the kernel panicked:\n" + self.read_serial()[-3000:])

    def wait_prompt(self, count_before, timeout=None):
        def new_prompt():
            self.check_alive()
            return self.prompts() > count_before
        poll_until(new_prompt, timeout or self.timeout,
                   lambda: "a new prompt; the end of serial:\n%s" % self.read_serial()[-2000:])

    def output_since(self, start):
        """What the command printed: after the first newline following `start` (the end
        of the typed line), up to the last prompt."""
        text = self.read_serial()[start:]
        newline = text.find("\n")
        end = text.rfind("\n" + PROMPT) + 1
        return text[newline + 1:end] if 0 <= newline < end else ""

    def type(self, data, delay=0.0):
        """Types raw bytes on the serial terminal (escape sequences included)."""
        self.terminal.send(data, delay)

    def run(self, line, timeout=None, delay=0.0):
        """Types `line` + Enter on serial, waits for the next prompt, returns the output."""
        start = len(self.read_serial())
        before = self.prompts()
        self.type(line + "\r", delay)
        self.wait_prompt(before, timeout)
        return self.output_since(start)

    def run_keys(self, keys, timeout=None):
        """Presses QMP qcode key combinations (lists of qcodes), ending with Enter; waits for
        the next prompt and returns the output."""
        start = len(self.read_serial())
        before = self.prompts()
        for combo in keys + [["ret"]]:
            self.qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in combo])
        self.wait_prompt(before, timeout)
        return self.output_since(start)


def qcodes(text):
    """QMP send-key combinations that type `text` on a US keyboard."""
    names = {" ": "spc", ",": "comma", ".": "dot", "-": "minus", "/": "slash", "=": "equal",
             "'": "apostrophe", ";": "semicolon"}
    shifted = {"!": "1", "*": "8", '"': "apostrophe", "_": "minus", ":": "semicolon"}
    out = []
    for ch in text:
        if ch in names:
            out.append([names[ch]])
        elif ch in shifted:
            out.append(["shift", shifted[ch]])
        elif ch.isalpha():
            out.append(["shift", ch.lower()] if ch.isupper() else [ch])
        elif ch.isdigit():
            out.append([ch])
        else:
            raise ValueError("no qcode for %r" % ch)
    return out


def expect_in(output, pattern, what):
    if not re.search(pattern, output, re.MULTILINE):
        raise Failure("expected %s (pattern %r) in the output:\n%s" % (what, pattern, output))
    print("ok: %s" % what)
