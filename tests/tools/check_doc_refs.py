#!/usr/bin/python3
"""The docs' references to the code and to each other still point where they say.

  check_doc_refs.py ROOT                  check README.md and docs/*.md
  check_doc_refs.py --fix ROOT            move stale line numbers to where the code is now,
                                          list what cannot be moved, then check
  check_doc_refs.py --self-test ROOT      the rules on made-up pages: what must pass and fail
  check_doc_refs.py --fix-self-test ROOT  --fix on a made-up tree whose code moved

File:line references (docs/debugging.md#traces): line numbers drift as code changes, so each
one must name what it points at, and the line must still be in it:

  `kernel/main.cpp:111` (`kernel_main`)      prose and trace tables: the line names the symbol
                                             or lies in the function or label the symbol starts
  kernel_main (info=...) at ../kernel/main.cpp:112      gdb's stops and backtraces: the line lies
                                             in the function gdb names (C++ qualifiers and MSVC
                                             mangling stripped)
  at kernel/exceptions.cpp:42 in fatal()     a panic banner: the same
  KTEST FAIL name: kernel/tests/x.cpp:150: 1 + 1 == 3 (2 vs 3)
                                             the line holds the check's first operand

Any other `path:line` is an error: it would rot unchecked. A file name alone (`main.cpp:9`)
must be unique in the repository.

--fix and --fix-self-test are fix_doc_refs.py's (beside this file): it moves stale numbers.

Links: a relative link's file exists, and its #anchor is a heading of that page (GitHub's
rule: lower case, punctuation dropped, blanks to hyphens).
"""

import os
import re
import subprocess
import sys
import tempfile

CODE_EXT = r"(?:cpp|hpp|S|h|py|ld|build|in)"
PATH = r"(?:\.\./)?([\w./-]+\." + CODE_EXT + r")"
REF = re.compile(PATH + r":(\d+)\b")
PROSE = re.compile(r"`" + PATH + r":(\d+)`\s+\(`([^`]+)`\)")
GDB = re.compile(r"(\S+) \([^()]*(?:\([^()]*\)[^()]*)*\) at " + PATH + r":(\d+)")
BANNER = re.compile(r"\bat " + PATH + r":(\d+) in (\w+)\(\)")
KTEST = re.compile(r"KTEST FAIL \S+: " + PATH + r":(\d+): (.+)$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*```")


def last_name(symbol):
    """The identifier to look for: `kernel::Scheduler::init` -> `init`; an MSVC-mangled
    `?validate_kernel@loader@@YA...` -> `validate_kernel`; `foo()` -> `foo`."""
    if symbol.startswith("?"):
        return symbol[1:].split("@")[0]
    symbol = symbol.split("(")[0]
    return symbol.split("::")[-1].strip()


class Repo:
    def __init__(self, root):
        self.root = root
        out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True)
        self.files = out.stdout.split() if out.returncode == 0 else []
        if not self.files:  # not a git checkout (a copy of the tree): walk it
            for base, dirs, names in os.walk(root):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "build"]
                self.files += [os.path.relpath(os.path.join(base, n), root) for n in names]
        self.cache = {}

    def resolve(self, path):
        """The repository path a reference means, or an error message."""
        if path in self.files:
            return path, None
        matches = [f for f in self.files if f.endswith("/" + path)]
        if len(matches) == 1:
            return matches[0], None
        if not matches:
            return None, "no file %s in the repository" % path
        return None, "%s is ambiguous (%s): give the directory" % (path, ", ".join(matches))

    def lines(self, path):
        if path not in self.cache:
            with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as f:
                self.cache[path] = f.read().split("\n")
        return self.cache[path]


NOT_A_DEFINITION = re.compile(r"\b(?:return|co_return|else|case|goto|throw|new|delete)\b|"
                              r"[=!.(,;?]|->|\|\||&&")


def defines(lines, i, name):
    """Line `i` (0-based) of C++ starts the definition of function `name`: `name(` comes after
    nothing but a declaration's words (a type, qualifiers, attributes), and the next `{` before
    any `;` (so not a call, nor a declaration)."""
    text = lines[i]
    m = re.search(r"(?<![\w$~])" + re.escape(name) + r"\s*\(", text)
    if not m or text.lstrip().startswith(("//", "*", "/*", "#")):
        return False
    before = re.sub(r"\[\[.*?\]\]|\"[^\"]*\"", "", text[:m.start()])
    if NOT_A_DEFINITION.search(before):
        return False
    rest = "\n".join(lines[i:i + 12])[m.start():]
    brace, semicolon = rest.find("{"), rest.find(";")
    return brace >= 0 and (semicolon < 0 or brace < semicolon)


def within(lines, number, name, assembly):
    """Line `number` (1-based) names `name`, or lies in the function or label it starts: going
    up from it, the line that defines `name` (`defines`) or its label `name:` comes before a
    line that ends a top-level function (`}` in column 0) or starts another label."""
    if not 1 <= number <= len(lines):
        return False
    word = re.compile(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])")
    if word.search(lines[number - 1]):
        return True
    label = re.compile(r"^\s*" + re.escape(name) + r":")
    for i in range(number - 2, max(-1, number - 400), -1):
        text = lines[i]
        if label.search(text) if assembly else defines(lines, i, name):
            return True
        if assembly and re.match(r"^[A-Za-z_.$][\w.$]*:", text):
            return False
        if not assembly and text.startswith("}"):
            return False
    return False


def check_ref(repo, where, path, number, name, how):
    real, problem = repo.resolve(path)
    if problem:
        return ["%s: %s:%d: %s" % (where, path, number, problem)]
    lines = repo.lines(real)
    if how == "expression":
        operand = re.split(r" == | \(|, ", name)[0].strip()
        if number <= len(lines) and operand in lines[number - 1]:
            return []
        return ["%s: %s:%d does not hold the check %r any more" % (where, path, number, operand)]
    if within(lines, number, last_name(name), real.endswith(".S")):
        return []
    got = lines[number - 1].strip() if 1 <= number <= len(lines) else "(past the end)"
    return ["%s: %s:%d is not in %s any more (the line is: %s)" % (where, path, number, name, got)]


class Ref:
    """One checked reference: `page`'s line `line` (0-based) has `number` at `column`."""

    def __init__(self, page, line, column, path, number, name, how):
        self.page, self.line, self.column = page, line, column
        self.path, self.number, self.name, self.how = path, number, name, how


def code_refs(repo, page, text, found=None):
    """The problems of one page's file:line references. Each checked reference is appended to
    `found` (if given) as a Ref, with where its number is on the page."""
    problems = []
    lines = text.split("\n")
    # Prose: the page with its code blocks blanked, so that a reference may wrap a line.
    prose, in_code = [], False
    for line in lines:
        fence = FENCE.match(line)
        prose.append("" if in_code or fence else line)
        if fence:
            in_code = not in_code
    prose_text = "\n".join(prose)
    spans = []
    for m in PROSE.finditer(prose_text):
        line = prose_text.count("\n", 0, m.start(2))
        where = "%s:%d" % (page, prose_text.count("\n", 0, m.start()) + 1)
        column = m.start(2) - (prose_text.rfind("\n", 0, m.start(2)) + 1)
        if found is not None:
            found.append(Ref(page, line, column, m.group(1), int(m.group(2)), m.group(3),
                             "symbol"))
        problems += check_ref(repo, where, m.group(1), int(m.group(2)), m.group(3), "symbol")
        spans.append((m.start(), m.end()))
    for m in REF.finditer(prose_text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if re.search(r"`h?break $", prose_text[max(0, m.start() - 8):m.start()]):
            continue  # `break file:line`, a command: the text says where it stops
        where = "%s:%d" % (page, prose_text.count("\n", 0, m.start()) + 1)
        problems.append("%s: %s:%s names no function; write `%s:%s` (`symbol`)"
                        % (where, m.group(1), m.group(2), m.group(1), m.group(2)))
    # Code blocks: gdb's output, panic banners, test failures, one line at a time.
    in_code = False
    for n, line in enumerate(lines, 1):
        if FENCE.match(line):
            in_code = not in_code
            continue
        if not in_code:
            continue
        where = "%s:%d" % (page, n)
        checked = set()
        for pattern, how in [(GDB, "gdb"), (BANNER, "banner"), (KTEST, "expression")]:
            for m in pattern.finditer(line):
                if how == "gdb":
                    name, path, number = m.group(1), m.group(2), m.group(3)
                    column = m.start(3)
                else:
                    path, number, name = m.group(1), m.group(2), m.group(3)
                    column = m.start(2)
                if found is not None:
                    found.append(Ref(page, n - 1, column, path, int(number), name, how))
                problems += check_ref(repo, where, path, int(number), name, how)
                checked.add((os.path.basename(path), number))
        for m in REF.finditer(line):
            if (os.path.basename(m.group(1)), m.group(2)) in checked:
                continue
            if re.match(r"^\s*(?:\(gdb\) )?h?break\s", line):
                continue  # a breakpoint command: its stop is what names the function
            problems.append("%s: %s:%s names no function (gdb's stops, panic banners and "
                            "KTEST FAIL lines are checked)" % (where, m.group(1), m.group(2)))
    return problems


def slug(heading):
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    in_code = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if FENCE.match(line):
                in_code = not in_code
            if in_code or not line.startswith("#"):
                continue
            base = slug(line.lstrip("#"))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else "%s-%d" % (base, count))
    return found


def link_refs(root, page, text):
    problems = []
    in_code = False
    for n, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            in_code = not in_code
        if in_code:
            continue
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            here = os.path.dirname(os.path.join(root, page))
            path = os.path.normpath(os.path.join(here, file_part)) if file_part else \
                os.path.join(root, page)
            where = "%s:%d" % (page, n)
            if not os.path.exists(path):
                problems.append("%s: link to %s: no such file" % (where, target))
            elif anchor and path.endswith(".md") and anchor not in anchors(path):
                problems.append("%s: link to %s: no heading #%s there" % (where, target, anchor))
    return problems


def pages_of(root):
    return ["README.md"] + sorted("docs/" + n for n in os.listdir(os.path.join(root, "docs"))
                                  if n.endswith(".md"))


def check(root):
    repo = Repo(root)
    pages = pages_of(root)
    problems, refs = [], 0
    for page in pages:
        with open(os.path.join(root, page), encoding="utf-8") as f:
            text = f.read()
        refs += len(REF.findall(text))
        problems += code_refs(repo, page, text)
        problems += link_refs(root, page, text)
    print("%d file:line references and the links of %d pages checked" % (refs, len(pages)))
    return problems


SELF_TEST_CODE = {
    "kernel/main.cpp": "// x\nvoid helper() {}\n\nextern \"C\" void kernel_main(int info) {\n"
                       "  helper();\n  stop();\n}\n\nvoid other() {\n  helper();\n  x();\n}\n",
    "hal/x86/entry.S": "    .text\n_start:\n    cli\n    call kernel_main\nnext:\n    hlt\n",
    "kernel/tests/t.cpp": "KTEST(\"a\") {\n  KEXPECT_EQ(1 + 1, 3);\n}\n",
    "docs/other.md": "# Other page\n## The `x` thing (y)\n",
}
SELF_TEST_PASS = [
    "`kernel/main.cpp:4` (`kernel_main`)",
    "`kernel/main.cpp:6` (`kernel::kernel_main`)",
    "`hal/x86/entry.S:4` (`_start`)",
    "```\nBreakpoint 1, kernel_main (info=0x1) at ../kernel/main.cpp:5\n```",
    "```\n#1 0x1 in ?kernel_main@@YA (a=...) at ../kernel/main.cpp:5\n```",
    "```\n  at kernel/main.cpp:10 in other()\n```",
    "```\nKTEST FAIL a: kernel/tests/t.cpp:2: 1 + 1 == 3 (2 vs 3)\n```",
    "```\nbreak kernel/main.cpp:5\n```",
    "[o](other.md#the-x-thing-y) [t](../kernel/main.cpp)",
    "see `kernel/main.cpp:5`\n(`kernel_main`), wrapped",
]
SELF_TEST_FAIL = [
    "`kernel/main.cpp:10` (`kernel_main`)",   # past the function's closing brace
    "`kernel/main.cpp:2` (`kernel_main`)",    # before it
    "`hal/x86/entry.S:6` (`_start`)",         # after the next label
    "`kernel/main.cpp:11` (`helper`)",         # below a call of it, not its definition
    "`kernel/main.cpp:5`",                     # names no symbol
    "see kernel/main.cpp:5 for it",            # names no symbol
    "`main.cpp:99` (`kernel_main`)",           # past the end of the file
    "`kernel/nothere.cpp:1` (`x`)",            # no such file
    "```\nBreakpoint 1, other () at ../kernel/main.cpp:5\n```",
    "```\nKTEST FAIL a: kernel/tests/t.cpp:1: 1 + 1 == 3 (2 vs 3)\n```",
    "[o](other.md#no-such-heading)",
    "[t](../kernel/gone.cpp)",
]


def self_test():
    problems = []
    with tempfile.TemporaryDirectory() as root:
        for path, text in SELF_TEST_CODE.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        repo = Repo(root)
        for text in SELF_TEST_PASS:
            found = code_refs(repo, "docs/page.md", text) + link_refs(root, "docs/page.md", text)
            if found:
                problems.append("should pass: %r: %s" % (text, found))
        for text in SELF_TEST_FAIL:
            if not code_refs(repo, "docs/page.md", text) + link_refs(root, "docs/page.md", text):
                problems.append("should fail: %r" % text)
    print("%d references that must pass and %d that must fail"
          % (len(SELF_TEST_PASS), len(SELF_TEST_FAIL)))
    return problems


FIX_HINT = """
Line numbers drift as the code changes. To move them to where their functions are now, at
the top of the source tree:
  /usr/bin/python3 tests/tools/check_doc_refs.py --fix .
then review `git diff docs README.md` (docs/testing.md#line-references-in-the-docs). What it
cannot move (a function gone from its file, renamed, defined twice) it lists as NOT FIXED:
edit those by hand."""


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        problems = self_test()
    elif len(sys.argv) == 3 and sys.argv[1] in ("--fix", "--fix-self-test"):
        import fix_doc_refs  # beside this file; it uses this module's rules
        return fix_doc_refs.main(sys.argv[1:])
    elif len(sys.argv) == 2:
        problems = check(sys.argv[1])
        for p in problems:
            print("FAIL: " + p)
        if any(" any more" in p or "does not hold" in p for p in problems):
            print(FIX_HINT)
        return 1 if problems else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
