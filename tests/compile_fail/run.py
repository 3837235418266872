#!/usr/bin/python3
"""Checks that bad format strings are rejected at compile time, for the right reason.

    run.py CXX -Iinclude... [-Wflag...] [--marker TEXT] FILE... --control OKFILE

Each FILE must fail `CXX -std=c++20 -fsyntax-only`, and its diagnostics must mention
format_string_error: libk's format-string checker calls that (non-constexpr) function while
evaluating a consteval constructor, so a failure for any other reason (a typo, a missing
header) does not count. A FILE may also name the
exact problem in a comment line `// Reason: <text>`; then <text> (the argument passed to
format_string_error, which clang quotes from the source) must appear in the diagnostics too.
OKFILE uses the same calls correctly and must compile without any diagnostic, which shows
that the setup itself is sound. Exit status 1 on any mismatch.

Other checks reuse the runner: --marker TEXT replaces format_string_error as the text the
diagnostics must contain, and -W flags are passed to the compiler (e.g. -Werror=unused-value
to make discarding a [[nodiscard]] guard an error).
"""

import re
import subprocess
import sys

MARKER = "format_string_error"
REASON_COMMENT = re.compile(r"^\s*//\s*Reason:\s*(.+?)\s*$", re.MULTILINE)
QUOTED_REASON = re.compile(r'format_string_error\("([^"]*)"\)')
TIMEOUT_SECONDS = 120


def usage(message):
    print(f"run.py: {message}", file=sys.stderr)
    print("usage: run.py CXX -Iinclude... [-Wflag...] [--marker TEXT] FILE... --control OKFILE",
          file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    if len(argv) < 2:
        usage("missing compiler")
    global MARKER
    cxx, rest = argv[1], argv[2:]
    includes, files, control = [], [], None
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--marker":
            if i + 1 >= len(rest):
                usage("--marker needs a text")
            MARKER = rest[i + 1]
            i += 2
            continue
        if arg == "--control":
            if i + 1 >= len(rest):
                usage("--control needs a file")
            control = rest[i + 1]
            i += 2
            continue
        if arg.startswith("-I") or arg.startswith("-W"):
            includes.append(arg)
        elif arg.startswith("-"):
            usage(f"unknown option {arg}")
        else:
            files.append(arg)
        i += 1
    if not files:
        usage("no files that must fail to compile")
    if control is None:
        usage("no --control file")
    return cxx, includes, files, control


def compile_file(cxx, includes, path):
    command = [cxx, "-std=c++20", "-fsyntax-only", *includes, path]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError:
        usage(f"cannot run compiler {cxx}")
    except subprocess.TimeoutExpired:
        return None, f"(compiler timed out after {TIMEOUT_SECONDS} s)"
    return done.returncode, done.stdout


def first_error(output):
    for line in output.splitlines():
        if "error:" in line:
            return line.strip()
    return "(no error line)"


def expected_reason(path):
    try:
        with open(path, encoding="utf-8") as f:
            match = REASON_COMMENT.search(f.read())
    except OSError as e:
        usage(f"cannot read {path}: {e}")
    return match.group(1) if match else None


def check_must_fail(cxx, includes, path):
    reason = expected_reason(path)
    status, output = compile_file(cxx, includes, path)
    if status == 0:
        print(f"FAIL {path}: compiled, but it must be rejected")
        return False
    if status is None or MARKER not in output:
        print(f"FAIL {path}: did not compile, but not for the expected reason ({MARKER})")
        print("     " + first_error(output))
        print(output, end="")
        return False
    quoted = QUOTED_REASON.search(output)
    actual = quoted.group(1) if quoted else first_error(output)
    if reason is not None and reason not in output:
        print(f"FAIL {path}: rejected for \"{actual}\", expected \"{reason}\"")
        print(output, end="")
        return False
    print(f"ok   {path}: rejected: {actual}")
    return True


def check_must_pass(cxx, includes, path):
    status, output = compile_file(cxx, includes, path)
    if status != 0 or output.strip():
        print(f"FAIL {path} (control): must compile without diagnostics")
        print(output, end="")
        return False
    print(f"ok   {path} (control): compiled cleanly")
    return True


def main(argv):
    cxx, includes, files, control = parse_args(argv)
    results = [check_must_pass(cxx, includes, control)]
    results += [check_must_fail(cxx, includes, path) for path in files]
    failed = results.count(False)
    print(f"{len(results) - failed}/{len(results)} compile checks as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
