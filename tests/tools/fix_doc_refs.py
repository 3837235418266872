#!/usr/bin/python3
"""Moves the docs' stale file:line references to where their code is now.

  fix_doc_refs.py --fix ROOT            rewrite README.md and docs/*.md in place, list what
                                        cannot be moved, then check (check_doc_refs.py)
  fix_doc_refs.py --fix-self-test ROOT  --fix on a made-up tree whose code moved
(check_doc_refs.py --fix ROOT is the same.)

A number is rewritten in place when the function it names is still in the file: to the
line that holds the same code as when the page's line was last committed (`git blame`, then
the file at that commit), inside (or naming) that function; failing that (or without git) to
the line that defines the function, if the number is no longer inside it. A `break file:N`
in a gdb session moves with the stop it leads to. A reference whose function is no longer
defined in its file, or is defined several times, or a KTEST check whose operand is on no
line or several, is listed and left alone: fixing it means choosing, which a person does.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from check_doc_refs import PATH, Ref, Repo, check, check_ref, code_refs, defines, last_name, \
    pages_of


def definitions(lines, name, assembly):
    """The 1-based lines that define `name`: a label `name:` in assembly; in C++ a line with
    `name(` after nothing but a declaration's words (a type, qualifiers, attributes), whose
    next `{` comes before any `;` (so not a call nor a declaration)."""
    if assembly:
        label = re.compile(r"^\s*" + re.escape(name) + r":")
        return [i + 1 for i, text in enumerate(lines) if label.match(text)]
    return [i + 1 for i in range(len(lines)) if defines(lines, i, name)]


class History:
    """What each page's lines pointed at when they were written: `git blame` names the commit
    that last changed a page's line, and the referenced file at that commit holds the line the
    author meant. None of it without git (a copy of the tree): then a stale reference moves to
    its function's first line."""

    def __init__(self, root):
        self.root = root
        self.blame = {}
        self.files = {}

    def git(self, *args):
        try:
            out = subprocess.run(["git", "-C", self.root] + list(args), capture_output=True,
                                 text=True)
        except OSError:
            return None
        return out.stdout if out.returncode == 0 else None

    def commit_of(self, page, line):
        if page not in self.blame:
            out = self.git("blame", "--porcelain", "--", page) or ""
            commits, current = {}, None
            for text in out.split("\n"):
                m = re.match(r"^([0-9a-f]{40}) \d+ (\d+)", text)
                if m:
                    current = m.group(1)
                    commits[int(m.group(2)) - 1] = current
            self.blame[page] = commits
        commit = self.blame[page].get(line)
        return None if commit is None or set(commit) == {"0"} else commit  # 0: not committed

    def old_line(self, page, line, path, number):
        """The text `path`:`number` had when `page`'s `line` was written, or None."""
        commit = self.commit_of(page, line)
        if commit is None:
            return None
        if (commit, path) not in self.files:
            text = self.git("show", "%s:%s" % (commit, path))
            self.files[(commit, path)] = None if text is None else text.split("\n")
        old = self.files[(commit, path)]
        if old is None or not 1 <= number <= len(old):
            return None
        return old[number - 1]


def relocate(repo, history, ref):
    """(new number, None) for a reference that should move, (None, None) for one that is right
    where it is, (None, message) for one that cannot be moved without guessing."""
    real, problem = repo.resolve(ref.path)
    if problem:
        return None, problem
    lines = repo.lines(real)
    ok = lambda n: not check_ref(repo, "", ref.path, n, ref.name, ref.how)
    old = history.old_line(ref.page, ref.line, real, ref.number)
    here = lines[ref.number - 1] if 1 <= ref.number <= len(lines) else None
    if ok(ref.number) and (old is None or old.strip() == (here or "").strip()):
        return None, None
    if ref.how == "expression":  # a KTEST FAIL line: the check that holds the operand
        operand = re.split(r" == | \(|, ", ref.name)[0].strip()
        hits = [i + 1 for i, text in enumerate(lines) if operand in text]
        if len(hits) == 1:
            return hits[0], None
        return None, ("the check %r is %s in %s" %
                      (operand, "gone" if not hits else "on %d lines" % len(hits), real))
    name = last_name(ref.name)
    assembly = real.endswith(".S")
    starts = definitions(lines, name, assembly)
    if old is not None and old.strip():
        # The same line of code where it is now, still inside (or naming) what it names.
        same = [n for n in range(1, len(lines) + 1)
                if lines[n - 1].strip() == old.strip() and ok(n)]
        if same:
            return min(same, key=lambda n: abs(n - ref.number)), None
    if not starts:
        elsewhere = sorted("%s:%d" % (f, d) for f in repo.files
                           if f.endswith((".cpp", ".hpp", ".S", ".h")) and f != real
                           for d in definitions(repo.lines(f), name, f.endswith(".S")))
        hint = "; defined in %s now?" % ", ".join(elsewhere[:3]) if elsewhere else ""
        return None, "%s is not defined in %s any more%s" % (ref.name, real, hint)
    if ok(ref.number):
        return None, None  # still inside its function, its old line gone: leave it
    if len(starts) == 1:
        return starts[0], None
    return None, ("%s is defined %d times in %s (lines %s): say which by hand" %
                  (ref.name, len(starts), real, ", ".join(map(str, starts))))


BREAK = re.compile(r"^\s*(?:\(gdb\) )?h?break\s+" + PATH + r":(\d+)")


def follow_breakpoints(page, lines, changes):
    """A `break file:N` in a gdb session is not checked (the stop it leads to is): when that
    stop, within the next lines, moves from N, the command moves with it."""
    more = []
    for i, text in enumerate(lines):
        m = BREAK.match(text)
        if not m:
            continue
        for ref, number in sorted(changes, key=lambda c: c[0].line):
            if (i < ref.line <= i + 12 and ref.number == int(m.group(2)) and
                    os.path.basename(ref.path) == os.path.basename(m.group(1))):
                more.append((Ref(page, i, m.start(2), m.group(1), ref.number, "break", "break"),
                             number))
                break
    return more


def fix(root, report=print):
    """Rewrites the pages' stale numbers in place; returns what it could not fix."""
    repo, history = Repo(root), History(root)
    refs = []
    for page in pages_of(root):
        with open(os.path.join(root, page), encoding="utf-8") as f:
            code_refs(repo, page, f.read(), refs)
    unfixed, edits = [], {}
    for ref in refs:
        number, problem = relocate(repo, history, ref)
        where = "%s:%d" % (ref.page, ref.line + 1)
        if problem:
            unfixed.append("%s: %s:%d (%s): %s" % (where, ref.path, ref.number, ref.name,
                                                    problem))
        elif number is not None and number != ref.number:
            edits.setdefault(ref.page, []).append((ref, number))
            report("%s: %s:%d -> %d (%s)" % (where, ref.path, ref.number, number, ref.name))
    for page, changes in edits.items():
        path = os.path.join(root, page)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        changes += follow_breakpoints(page, lines, changes)
        for ref, number in sorted(changes, key=lambda c: (c[0].line, -c[0].column)):
            text, old = lines[ref.line], str(ref.number)
            assert text[ref.column:ref.column + len(old)] == old, (page, ref.line, text)
            lines[ref.line] = text[:ref.column] + str(number) + text[ref.column + len(old):]
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    return unfixed


# --fix on a made-up tree: the page was written against FIX_BEFORE, the code is now FIX_AFTER.
FIX_BEFORE = {
    "kernel/a.cpp": "// a\nint keep() {\n  return 1;\n}\n\nvoid mover() {\n  int x = 1;\n"
                    "  step(x);\n}\n\nvoid gone() {\n  y();\n}\n",
    "kernel/b.cpp": "void f() {\n  a();\n  b();\n}\n",
}
FIX_AFTER = {
    "kernel/a.cpp": "// a\n// b\n// c\n// d\nint keep() {\n  return 1;\n}\n\nvoid mover() {\n"
                    "  int x = 1;\n  x += 2;\n  step(x);\n}\n\nvoid went() {\n  y();\n}\n",
    "kernel/b.cpp": "void f() {\n  a0();\n  a();\n  b();\n}\n",
}
FIX_PAGE = ("`kernel/a.cpp:6` (`mover`) starts it, `kernel/a.cpp:8` (`mover`) steps;\n"
            "`kernel/a.cpp:11` (`gone`) is gone and `kernel/b.cpp:3` (`f`) calls b.\n"
            "```\n(gdb) break kernel/a.cpp:8\nBreakpoint 1, mover () at ../kernel/a.cpp:8\n```\n")
# What each reference becomes: without history a stale number moves to its function's first
# line and one still inside its function stays; with git, each follows its line of code. The
# breakpoint command follows the stop it leads to.
FIX_EXPECTED = {
    False: ("`kernel/a.cpp:9` (`mover`) starts it, `kernel/a.cpp:9` (`mover`) steps;\n"
            "`kernel/a.cpp:11` (`gone`) is gone and `kernel/b.cpp:3` (`f`) calls b.\n"
            "```\n(gdb) break kernel/a.cpp:9\nBreakpoint 1, mover () at ../kernel/a.cpp:9\n```\n"),
    True: ("`kernel/a.cpp:9` (`mover`) starts it, `kernel/a.cpp:12` (`mover`) steps;\n"
           "`kernel/a.cpp:11` (`gone`) is gone and `kernel/b.cpp:4` (`f`) calls b.\n"
           "```\n(gdb) break kernel/a.cpp:12\nBreakpoint 1, mover () at ../kernel/a.cpp:12\n```\n"),
}


def fix_self_test():
    def write(root, files):
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)

    def git(root, *args):
        return subprocess.run(["git", "-C", root, "-c", "user.name=t", "-c", "user.email=t@t"]
                              + list(args), capture_output=True).returncode == 0

    problems, modes = [], [False]
    if shutil.which("git"):
        modes.append(True)
    for with_git in modes:
        with tempfile.TemporaryDirectory() as root:
            write(root, FIX_BEFORE)
            write(root, {"README.md": "# t\n", "docs/page.md": FIX_PAGE})
            if with_git and not (git(root, "init", "-q") and git(root, "add", "-A") and
                                 git(root, "commit", "-qm", "before")):
                problems.append("could not make the git fixture")
                continue
            write(root, FIX_AFTER)
            unfixed = fix(root, report=lambda line: None)
            with open(os.path.join(root, "docs/page.md")) as f:
                got = f.read()
            mode = "with git" if with_git else "without git"
            if got != FIX_EXPECTED[with_git]:
                problems.append("%s: the page became\n%s\ninstead of\n%s"
                                % (mode, got, FIX_EXPECTED[with_git]))
            if len(unfixed) != 1 or "gone is not defined in kernel/a.cpp" not in unfixed[0]:
                problems.append("%s: should report only `gone` as not fixed: %s" % (mode, unfixed))
            elif "kernel/a.cpp:11" not in unfixed[0]:
                problems.append("%s: the report should say where: %s" % (mode, unfixed[0]))
            left = check(root)
            if len(left) != 1 or "gone" not in left[0]:
                problems.append("%s: after --fix only `gone` should fail: %s" % (mode, left))
    print("--fix on a tree whose code moved, %s" % " and ".join(
        "with git history" if g else "without" for g in modes))
    return problems


def main(argv):
    if len(argv) == 2 and argv[0] == "--fix-self-test":
        problems = fix_self_test()
    elif len(argv) == 2 and argv[0] == "--fix":
        for p in fix(argv[1]):
            print("NOT FIXED: " + p)
        problems = check(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
