#!/usr/bin/python3
"""Sample outputs in the docs, checked against and refreshed from real boots.

A sample is a fenced code block in README.md or docs/*.md right after a marker line:

    <!-- sample SOURCE: ... -->
    ```
    ember-loader 0.1.0
    ...
    [    0.000000] Ember 0.1.0 (debugoptimized) starting
    ```

SOURCE names the boot that shows it (SOURCES below: the QEMU test that boots it checks every
sample of its source, docs/testing.md#samples-in-the-docs). A line that is just `...` stands
for any number of lines; every other line must appear in the boot's serial log, in that
order, with nothing between them. Lines are compared after normalising what legitimately
changes from build to build and boot to boot (normalise()): log timestamps, and every
number (addresses move with KASLR and with every change to the code, sizes and counts change
with the build, times with the host); a size's unit counts as part of the number, and the
arithmetic flags decoded from a crash report's RFLAGS count as part of it. The words,
the lines and their order are compared exactly.

  doc_samples.py check SOURCE LOG     does every SOURCE sample match LOG? (exit 1 if not)
  doc_samples.py update SOURCE LOG    rewrite the SOURCE samples from LOG: the real numbers;
                                      if the lines changed, the real lines from the sample's
                                      first line to its last (review the result)
  doc_samples.py update-all DIR       the same for each DIR/doc-sample-SOURCE.log (the QEMU
                                      tests leave them in the build directory)
  doc_samples.py lint                 markers well-formed, sources known (host test)
  doc_samples.py self-test            the matcher passes and fails where it should (host test)

LOG is the serial output of a boot with escape sequences removed (harness.BootResult.log).
"""

import difflib
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# SOURCE: the QEMU test (meson name) whose boot provides the samples.
SOURCES = {
    "boot-log": "secureboot-off",
    "crash-page-fault": "cpu-crash-page-fault",
    "crash-stack-overflow": "cpu-crash-stack-overflow",
    "thread-stack-overflow": "sched-thread-stack-overflow",
    "shell-session": "shell-serial",
    "test-all": "boot-sata",
    "ktest-failure": "boot-harness-failure",
    "fault-write-text": "boot-fault-write-text",
    "fault-stack-guard": "boot-fault-stack-guard",
    "kaslr": "hardening-kaslr-crash",
    "stack-smash": "hardening-stack-smash",
    "secure-boot-on": "secureboot-on",
    "mutex-relock": "sched-mutex-relock",
    "mutex-unlock-non-owner": "sched-mutex-unlock-non-owner",
    "spinlock-recursion": "sched-spinlock-recursion",
}

MARKER = re.compile(r"^\s*<!-- sample (\S+?):? .*-->\s*$|^\s*<!-- sample (\S+?) -->\s*$")
FENCE = re.compile(r"^(\s*)```")
ELLIPSIS = "..."
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d{6}\] ")
SIZE = re.compile(r"(?<![\w.])\d+(?:\.\d+)? ?(?:B|KiB|MiB|GiB|TiB)\b")
NUMBER = re.compile(r"(?<![A-Za-z_.])(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)*)(?![A-Za-z_])")
ORDER_LIST = re.compile(r"#:#(?: #:#)*")
# The arithmetic flags a crash report decodes from RFLAGS depend on the last instruction
# before the fault, so they change with the code like a number does.
RFLAGS = re.compile(r"rflags=# \[[A-Z ]*\]")


def doc_files():
    docs = os.path.join(ROOT, "docs")
    names = ["README.md"] + sorted("docs/" + n for n in os.listdir(docs) if n.endswith(".md"))
    return [os.path.join(ROOT, n) for n in names]


def normalise(line):
    """What is compared of a line: no timestamp, sizes and numbers as placeholders, runs of
    blanks as one (column alignment follows the numbers' widths)."""
    line = TIMESTAMP.sub("", line.rstrip())
    line = SIZE.sub("#size", line)
    line = NUMBER.sub("#", line)
    line = ORDER_LIST.sub("#:#...", line)  # mem's free blocks per order: only non-empty orders
    line = RFLAGS.sub("rflags=# [...]", line)
    return re.sub(r"\s+", " ", line).strip()


class Block:
    """One sample: its file, source, and the line numbers (0-based) of its content."""

    def __init__(self, path, source, first, end, indent, lines):
        self.path, self.source, self.first, self.end = path, source, first, end
        self.indent, self.lines = indent, lines

    def where(self):
        return "%s:%d" % (os.path.relpath(self.path, ROOT), self.first + 1)


def blocks_in(path):
    """The samples in one markdown file; raises ValueError for a malformed marker."""
    with open(path, encoding="utf-8") as f:
        text = f.read().split("\n")
    found = []
    i = 0
    in_code = False  # a marker inside a code block is an example, not a marker
    while i < len(text):
        if FENCE.match(text[i]):
            in_code = not in_code
        m = None if in_code else MARKER.match(text[i])
        if not m:
            i += 1
            continue
        source = m.group(1) or m.group(2)
        where = "%s:%d" % (os.path.relpath(path, ROOT), i + 1)
        fence = FENCE.match(text[i + 1]) if i + 1 < len(text) else None
        if not fence:
            raise ValueError("%s: sample marker not followed by a ``` block" % where)
        indent = fence.group(1)
        end = i + 2
        while end < len(text) and not FENCE.match(text[end]):
            end += 1
        if end == len(text):
            raise ValueError("%s: sample block never closed" % where)
        lines = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                 for line in text[i + 2:end]]
        found.append(Block(path, source, i + 2, end, indent, lines))
        i = end + 1
    return found


def all_blocks():
    return [b for path in doc_files() for b in blocks_in(path)]


def log_lines(log):
    return log.replace("\r", "").split("\n")


def match(sample, real):
    """Indices into `real` matched by each line of `sample` (None for `...`), or None."""
    want = [None if s.strip() == ELLIPSIS else normalise(s) for s in sample]
    have = [normalise(r) for r in real]
    memo = {}

    def from_here(d, r):
        """A match of want[d:] starting exactly at have[r] (or anywhere after, for `...`)."""
        key = (d, r)
        if key in memo:
            return memo[key]
        result = None
        if d == len(want):
            result = []
        elif want[d] is None:
            for skip in range(r, len(have) + 1):
                rest = from_here(d + 1, skip)
                if rest is not None:
                    result = [None] + rest
                    break
        elif r < len(have) and have[r] == want[d]:
            rest = from_here(d + 1, r + 1)
            if rest is not None:
                result = [r] + rest
        memo[key] = result
        return result

    for start in range(len(have)):
        found = from_here(0, start)
        if found is not None:
            return found
    return None


def explain(block, real):
    """Why a sample does not match: its lines that differ (after normalising) from the log,
    from where its first line is."""
    anchors = [s for s in block.lines if s.strip() != ELLIPSIS]
    have = [normalise(r) for r in real]
    start = next((i for i, h in enumerate(have) if anchors and h == normalise(anchors[0])), None)
    if start is None:
        return "its first line %r is not in the boot's log" % (anchors[0] if anchors else "")
    page = [s for s in block.lines]
    region = real[start:start + len(page) + 5]
    ops = difflib.SequenceMatcher(None, [normalise(s) for s in page],
                                  [normalise(r) for r in region], autojunk=False).get_opcodes()
    out = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" or (tag == "insert" and i1 == len(page)):
            continue  # the log going on after the sample is no difference
        out += ["  page: " + line for line in page[i1:i2] if line.strip() != ELLIPSIS]
        out += ["  boot: " + line for line in region[j1:j2]]
    return "these lines differ (numbers aside):\n" + "\n".join(out[:40])


def check(source, log):
    """Failure messages, one per sample of `source` that `log` does not show."""
    real = log_lines(log)
    problems = []
    blocks = [b for b in all_blocks() if b.source == source]
    if not blocks:
        problems.append("no sample in the docs has the source %r" % source)
    for block in blocks:
        if match(block.lines, real) is None:
            problems.append("the sample at %s (%s) is not what the boot printed: %s"
                            % (block.where(), source, explain(block, real)))
    return problems


def refreshed(block, real):
    """The block's new lines from the log, or None if its first and last lines are not there."""
    indices = match(block.lines, real)
    stamped = lambda s: bool(TIMESTAMP.match(s))
    if indices is not None:
        out = []
        for line, i in zip(block.lines, indices):
            if i is None:
                out.append(line)
                continue
            new = real[i] if stamped(line) else TIMESTAMP.sub("", real[i])
            if not stamped(line):  # the page's indentation (the panic banner's is two blanks)
                new = line[:len(line) - len(line.lstrip())] + new.lstrip()
            out.append(new)
        return out
    anchors = [s for s in block.lines if s.strip() != ELLIPSIS]
    if not anchors:
        return None
    have = [normalise(r) for r in real]
    first = next((i for i, h in enumerate(have) if h == normalise(anchors[0])), None)
    if first is None:
        return None
    last = next((i for i in range(first, len(have)) if have[i] == normalise(anchors[-1])), None)
    if last is None:
        return None
    keep = stamped(anchors[0])
    lead = [ELLIPSIS] if block.lines[0].strip() == ELLIPSIS else []
    tail = [ELLIPSIS] if block.lines[-1].strip() == ELLIPSIS else []
    return lead + [r if keep else TIMESTAMP.sub("", r) for r in real[first:last + 1]] + tail


def update(source, log):
    """Rewrites the samples of `source` from `log`; returns messages for the ones it could not."""
    real = log_lines(log)
    problems = []
    by_file = {}
    for block in all_blocks():
        if block.source == source:
            by_file.setdefault(block.path, []).append(block)
    for path, blocks in by_file.items():
        with open(path, encoding="utf-8") as f:
            text = f.read().split("\n")
        for block in sorted(blocks, key=lambda b: -b.first):
            new = refreshed(block, real)
            if new is None:
                problems.append("%s: cannot find the sample's first and last lines in the log; "
                                "edit it by hand" % block.where())
                continue
            text[block.first:block.end] = [block.indent + line if line else line for line in new]
            print("updated %s (%s)" % (block.where(), source))
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(text))
    return problems


def lint():
    problems = []
    try:
        blocks = all_blocks()
    except ValueError as e:
        return [str(e)]
    for block in blocks:
        if block.source not in SOURCES:
            problems.append("%s: unknown sample source %r (tools/doc_samples.py SOURCES)"
                            % (block.where(), block.source))
        if not [s for s in block.lines if s.strip() and s.strip() != ELLIPSIS]:
            problems.append("%s: empty sample" % block.where())
    used = {b.source for b in blocks}
    for source in sorted(set(SOURCES) - used):
        problems.append("source %r (checked by %s) has no sample in the docs"
                        % (source, SOURCES[source]))
    print("%d samples from %d sources" % (len(blocks), len(used)))
    return problems


def self_test():
    """The matcher on made-up logs: what must pass and what must fail."""
    log = ["noise", "[    1.250000] memory: 1073348608 bytes of RAM (1023.6 MiB) in 31 ranges",
           "[    1.250100] kernel: 0xffffffffdc400000 -> phys 0x3d800000, 2 MiB", "x: y",
           "  free blocks per order: 1:1 2:1 8:2", "end"]
    passing = {
        "numbers, timestamps and sizes differ": [
            "[    0.000000] memory: 536477696 bytes of RAM (511.6 MiB) in 32 ranges",
            "[    0.000000] kernel: 0xffffffff80000000 -> phys 0x1000000, 640 KiB"],
        "an ellipsis skips lines": ["[    0.000000] memory: 1 bytes of RAM (1 KiB) in 1 ranges",
                                    "...", "end"],
        "blanks inside a line": ["x:   y"],
        "other non-empty orders": ["  free blocks per order: 0:4 18:1"],
    }
    failing = {
        "a changed word": ["[    0.000000] memory: 1 bytes of RAM (1 KiB) in 1 regions"],
        "a missing line": ["[ 0.000000] memory: 1 bytes of RAM (1 MiB) in 1 ranges", "x: y"],
        "lines out of order": ["x: y", "[    0.000000] kernel: 0x1 -> phys 0x2, 2 MiB"],
        "a line the log does not have": ["noise", "new line"],
        "a unit that is no size": ["x: 3 y"],
    }
    problems = []
    for what, sample in passing.items():
        if match(sample, log) is None:
            problems.append("should match (%s): %r" % (what, sample))
    for what, sample in failing.items():
        if match(sample, log) is not None:
            problems.append("should not match (%s): %r" % (what, sample))
    block = Block("x.md", "s", 0, 2, "", ["[    0.000000] memory: 1 bytes of RAM (1 KiB) in 1 ranges"])
    if refreshed(block, log) != [log[1]]:
        problems.append("update does not take the log's line: %r" % refreshed(block, log))
    grown = Block("x.md", "s", 0, 2, "", ["noise", "x: y"])
    if refreshed(grown, log) != [TIMESTAMP.sub("", line) for line in log[0:4]]:
        problems.append("update does not take the lines between first and last: %r"
                        % refreshed(grown, log))
    print("%d matches and %d mismatches checked" % (len(passing), len(failing)))
    return problems


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def main(argv):
    if argv[:1] == ["lint"]:
        problems = lint()
    elif argv[:1] == ["self-test"]:
        problems = self_test()
    elif len(argv) == 3 and argv[0] in ("check", "update"):
        action = check if argv[0] == "check" else update
        problems = action(argv[1], read(argv[2]))
    elif len(argv) == 2 and argv[0] == "update-all":
        problems = []
        for source in SOURCES:
            path = os.path.join(argv[1], "doc-sample-%s.log" % source)
            if os.path.exists(path):
                problems += update(source, read(path))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
