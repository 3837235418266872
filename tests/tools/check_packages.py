#!/usr/bin/python3
"""Checks that everything Meson found comes from a Debian package tools/setup.sh installs.

    check_packages.py SETUP_SH MANIFEST
    check_packages.py --self-test SETUP_SH MANIFEST

SETUP_SH is tools/setup.sh. Its EMBER_PACKAGES=( ... ) list is what a fresh machine gets
(`apt-get install --no-install-recommends`), and with it the packages those depend on: the
closure over Depends and Pre-Depends among the packages installed here, an alternative
`a | b` taken by its first installed choice, a virtual package by the installed packages
that provide it. Recommends and Suggests do not count: setup.sh does not install them.
Essential packages count as installed: every Debian system has them.

MANIFEST (build/packages-manifest.txt, written by meson.build) has one line per program,
library or data file the build and the tests use: what<TAB>absolute path. Each path must be
owned (`dpkg -S`) by a package in that set. The path as found and its real path both count
(the symlink /usr/bin/clang belongs to clang, its target to clang-14), and so do their
/usr-merge aliases (dpkg knows /usr/sbin/mkfs.fat as /sbin/mkfs.fat).

--self-test shows that the check fails when it should: without pkg-config in the list (the
omission that broke `meson setup` on a fresh Debian 12) it must name the package to add; a
file of no package (the manifest itself) must be reported; and the closure must follow
alternatives and Provides but not Recommends.

Standard library only; needs dpkg but not git (the fresh-machine check has no git).
"""

import os
import re
import subprocess
import sys

SETUP = "tools/setup.sh"
USR_MERGED = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
STATUS_FORMAT = ("${Package}\\t${Status}\\t${Essential}\\t${Provides}\\t${Depends}\\t"
                 "${Pre-Depends}\\n")


def listed_packages(setup_text):
    """The names in EMBER_PACKAGES=( ... ), comments removed."""
    m = re.search(r"^EMBER_PACKAGES=\(([^)]*)\)", setup_text, re.MULTILINE)
    if not m:
        raise SystemExit("check_packages.py: no EMBER_PACKAGES=( ... ) in " + SETUP)
    return [word for line in m.group(1).splitlines()
            for word in line.split("#", 1)[0].split()]


def names(field):
    """A Depends-style field as a list of groups, each a list of alternative names:
    "a (>= 1), b:any | c" -> [["a"], ["b", "c"]]."""
    groups = []
    for group in field.split(","):
        alternatives = [re.split(r"[\s(:\[]", alt.strip(), maxsplit=1)[0]
                        for alt in group.split("|")]
        alternatives = [a for a in alternatives if a]
        if alternatives:
            groups.append(alternatives)
    return groups


def parse_status(text):
    """dpkg-query output (STATUS_FORMAT) -> {package: [dependency groups]} of the installed
    packages, {virtual name: {packages providing it}}, and the essential packages."""
    depends, providers, essential = {}, {}, set()
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 6:
            continue
        package, status, is_essential, provides, depends_field, pre_depends = fields
        if status.split()[-1:] != ["installed"]:
            continue
        if is_essential == "yes":
            essential.add(package)
        groups = names(depends_field) + names(pre_depends)
        depends.setdefault(package, []).extend(groups)  # several architectures: all of them
        for group in names(provides):
            providers.setdefault(group[0], set()).add(package)
    return depends, providers, essential


def installed_with(roots, depends, providers):
    """The packages that installing `roots` brings: (set, roots not installed here)."""
    def resolve(name):
        if name in depends:
            return {name}
        return providers.get(name, set())

    closure, missing, todo = set(), [], []
    for root in roots:
        found = resolve(root)
        if not found:
            missing.append(root)
        todo.extend(found)
    while todo:
        package = todo.pop()
        if package in closure:
            continue
        closure.add(package)
        for group in depends[package]:
            for alternative in group:
                chosen = resolve(alternative)
                if chosen:
                    todo.extend(chosen)
                    break
    return closure, missing


def read_manifest(path):
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                what, _, found = line.partition("\t")
                items.append((what, found))
    return items


def aliases(path):
    """The path and its /usr-merge twin (/usr/sbin/x <-> /sbin/x)."""
    parts = path.split("/")
    if len(parts) > 3 and parts[1] == "usr" and parts[2] in USR_MERGED:
        return [path, "/" + "/".join(parts[2:])]
    if len(parts) > 2 and parts[1] in USR_MERGED:
        return [path, "/usr" + path]
    return [path]


def candidates(path):
    """Paths dpkg may know the file by: as found (normalized), then its real path."""
    out = []
    for p in aliases(os.path.normpath(path)) + aliases(os.path.realpath(path)):
        if p not in out:
            out.append(p)
    return out


def owners_of(paths):
    """{path: [packages]} from one `dpkg -S` call; paths no package owns are absent."""
    if not paths:
        return {}
    done = subprocess.run(["dpkg", "-S"] + sorted(set(paths)), stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    owners = {}
    for line in done.stdout.splitlines():
        if line.startswith(("diversion by", "local diversion")):
            continue
        packages, sep, path = line.partition(": ")
        if sep:
            owners[path] = [p.strip().split(":")[0] for p in packages.split(",")]
    return owners


def check(items, closure, owners, setup=SETUP):
    """Returns (lines of success, failure messages) for the manifest items."""
    ok, failures = [], []
    for what, path in items:
        if not os.path.isabs(path):
            failures.append("%s: Meson recorded no absolute path (%r)" % (what, path))
            continue
        paths = candidates(path)
        packages = []
        for p in paths:
            packages += [o for o in owners.get(p, []) if o not in packages]
        real = os.path.realpath(path)
        shown = path if real == os.path.normpath(path) else "%s (really %s)" % (path, real)
        if not packages:
            failures.append("%s: %s belongs to no Debian package (dpkg -S knows none of %s); "
                            "Ember may only use files that the packages in EMBER_PACKAGES in %s "
                            "install" % (what, shown, ", ".join(paths), setup))
            continue
        inside = [p for p in packages if p in closure]
        if inside:
            ok.append("%s: %s (%s)" % (what, path, inside[0]))
        else:
            failures.append("%s: %s belongs to %s, which %s does not install: add %s to "
                            "EMBER_PACKAGES in %s" % (what, shown, " and ".join(packages),
                                                      setup, packages[0], setup))
    return ok, failures


class Machine:
    """What this machine's dpkg says, read once: installed packages and file owners."""

    def __init__(self, items):
        status = subprocess.run(["dpkg-query", "-W", "-f=" + STATUS_FORMAT],
                                stdout=subprocess.PIPE, text=True, check=True).stdout
        self.depends, self.providers, self.essential = parse_status(status)
        self.owners = owners_of([c for _, p in items if os.path.isabs(p) for c in candidates(p)])

    def run(self, listed, items):
        closure, missing = installed_with(listed, self.depends, self.providers)
        closure |= installed_with(sorted(self.essential), self.depends, self.providers)[0]
        ok, failures = check(items, closure, self.owners)
        failures = ["EMBER_PACKAGES lists %s, which is not installed here (run tools/test, "
                    "which installs it)" % p for p in missing] + failures
        return closure, ok, failures


def expect(condition, message, errors):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        errors.append(message)


def unit_checks(errors):
    """The closure on a made-up dpkg database."""
    status = "\n".join("\t".join(fields) for fields in [
        ("tool", "install ok installed", "", "", "liba | libb, virtual", "pre"),
        ("liba", "deinstall ok config-files", "", "", "", ""),
        ("libb", "install ok installed", "", "", "libc6:any (>= 2.36)", ""),
        ("impl", "install ok installed", "", "virtual (= 1)", "", ""),
        ("pre", "install ok installed", "", "", "", ""),
        ("libc6", "install ok installed", "", "", "", ""),
        ("recommended", "install ok installed", "", "", "", ""),
        ("bash", "install ok installed", "yes", "", "", ""),
    ])
    depends, providers, essential = parse_status(status)
    closure, missing = installed_with(["tool", "absent"], depends, providers)
    expect(closure == {"tool", "libb", "impl", "pre", "libc6"},
           "closure: an alternative by its installed choice, a virtual package by its "
           "provider, Pre-Depends, ':any'; nothing else (got %s)" % sorted(closure), errors)
    expect(missing == ["absent"], "closure: a listed package that is not installed is "
           "reported", errors)
    expect(essential == {"bash"}, "essential packages are known", errors)
    expect(listed_packages("EMBER_PACKAGES=(\n  a b # c\n  d\n)\n") == ["a", "b", "d"],
           "EMBER_PACKAGES is read without its comments", errors)
    expect(aliases("/usr/sbin/mkfs.fat") == ["/usr/sbin/mkfs.fat", "/sbin/mkfs.fat"] and
           aliases("/lib/x86_64-linux-gnu/libc.so")[1] == "/usr/lib/x86_64-linux-gnu/libc.so",
           "paths are also tried by their /usr-merge twins", errors)


def self_test(listed, items, manifest):
    errors = []
    unit_checks(errors)
    pkg_config = [(what, path) for what, path in items if what == "pkg-config"]
    expect(bool(pkg_config) and "pkg-config" in listed,
           "the manifest has pkg-config and EMBER_PACKAGES lists it", errors)
    machine = Machine(items + [("the manifest", os.path.abspath(manifest))])
    _, _, baseline = machine.run(listed, items)
    without = [p for p in listed if p != "pkg-config"]
    _, _, failures = machine.run(without, items)
    new = [f for f in failures if f not in baseline]
    for f in new:
        print("     (expected) " + f)
    expect(any(f.startswith("pkg-config: ") and "to EMBER_PACKAGES in tools/setup.sh" in f
               and re.search(r": add \S+ to", f) for f in new),
           "without pkg-config in EMBER_PACKAGES the check fails and names the package to add",
           errors)
    _, _, failures = machine.run(listed, [("the manifest", os.path.abspath(manifest))])
    for f in failures:
        print("     (expected) " + f)
    expect(len(failures) == 1 and "belongs to no Debian package" in failures[0],
           "a file that no package owns is reported", errors)
    print("self-test: %s" % ("%d checks failed" % len(errors) if errors else "all checks passed"))
    return 1 if errors else 0


def main(argv):
    args = argv[1:]
    self_testing = args[:1] == ["--self-test"]
    if self_testing:
        args = args[1:]
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    setup_sh, manifest = args
    with open(setup_sh, encoding="utf-8") as f:
        listed = listed_packages(f.read())
    items = read_manifest(manifest)
    if self_testing:
        return self_test(listed, items, manifest)
    closure, ok, failures = Machine(items).run(listed, items)
    for line in ok:
        print("ok   " + line)
    for line in failures:
        print("FAIL " + line)
    print("%d of %d paths Meson found belong to the %d packages installed with tools/setup.sh's "
          "%d (their dependencies and the essential packages included)"
          % (len(ok), len(items), len(closure), len(listed)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
