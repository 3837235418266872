"""Locating Debian's OVMF firmware and preparing a per-run copy of its variable store.

OVMF comes in two files: the code (read-only pflash, shared) and the variables (writable
pflash, so each QEMU run gets its own copy). Debian's `ovmf` package installs them under
/usr/share/OVMF; the 4 MiB build is preferred, the 2 MiB one is the fallback.

Secure Boot (docs/secure-boot.md): Debian also ships a build that enforces it
(OVMF_CODE_4M.secboot.fd, which needs SMM and a secure pflash), a variable store with
Debian's test keys enrolled (OVMF_VARS_4M.snakeoil.fd: PK, KEK and db hold the snakeoil
certificate) and that key pair (/usr/share/ovmf/PkKek-1-snakeoil.{key,pem}, the key
encrypted with the password "snakeoil").

Run as a program, prints the code and the variables template, one per line (Meson finds
them this way and passes them to the tests as EMBER_OVMF_CODE and EMBER_OVMF_VARS); with
--secure-boot, the Secure Boot code, variables, key and certificate (EMBER_SECBOOT_CODE,
EMBER_SECBOOT_VARS, EMBER_SECBOOT_KEY, EMBER_SECBOOT_CERT).
"""

import os
import shutil
import sys

SEARCH_DIRS = ("/usr/share/OVMF", "/usr/share/ovmf", "/usr/share/qemu")
PAIRS = (("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"), ("OVMF_CODE.fd", "OVMF_VARS.fd"))
SECURE_BOOT = (("OVMF_CODE_4M.secboot.fd", "OVMF_VARS_4M.snakeoil.fd"),)
SNAKEOIL_KEY = ("PkKek-1-snakeoil.key", "PkKek-1-snakeoil.pem")
SNAKEOIL_PASSWORD = "snakeoil"


class FirmwareNotFound(RuntimeError):
    pass


def find(search_dirs=SEARCH_DIRS):
    """Returns (code_path, vars_template_path); raises FirmwareNotFound naming the fix."""
    override_code = os.environ.get("EMBER_OVMF_CODE")
    override_vars = os.environ.get("EMBER_OVMF_VARS")
    if override_code and override_vars:
        return override_code, override_vars
    for directory in search_dirs:
        for code, variables in PAIRS:
            code_path = os.path.join(directory, code)
            vars_path = os.path.join(directory, variables)
            if os.path.isfile(code_path) and os.path.isfile(vars_path):
                return code_path, vars_path
    raise FirmwareNotFound(
        "OVMF firmware not found in %s; install it with: sudo apt-get install ovmf "
        "(or set EMBER_OVMF_CODE and EMBER_OVMF_VARS)" % ", ".join(search_dirs))


def find_secure_boot(search_dirs=SEARCH_DIRS):
    """Returns (code, vars template, key, certificate) of the Secure Boot build with Debian's
    snakeoil keys enrolled; raises FirmwareNotFound naming the fix."""
    names = ("EMBER_SECBOOT_CODE", "EMBER_SECBOOT_VARS", "EMBER_SECBOOT_KEY", "EMBER_SECBOOT_CERT")
    if all(os.environ.get(n) for n in names):
        return tuple(os.environ[n] for n in names)

    def first(name):
        for directory in search_dirs:
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                return path
        return None
    for code, variables in SECURE_BOOT:
        found = [first(n) for n in (code, variables) + SNAKEOIL_KEY]
        if all(found):
            return tuple(found)
    raise FirmwareNotFound(
        "OVMF's Secure Boot build with the snakeoil keys (%s) not found in %s; install it with: "
        "sudo apt-get install ovmf" % (", ".join(SECURE_BOOT[0] + SNAKEOIL_KEY),
                                       ", ".join(search_dirs)))


def prepare_vars(template, directory):
    """Copies the variable store template into `directory`; returns the copy's path."""
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, "OVMF_VARS.fd")
    shutil.copyfile(template, target)
    os.chmod(target, 0o644)
    return target


def pflash_args(code, vars_copy):
    return [
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + code,
        "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy,
    ]


if __name__ == "__main__":
    try:
        print("\n".join(find_secure_boot() if sys.argv[1:] == ["--secure-boot"] else find()))
    except FirmwareNotFound as e:
        print(e, file=sys.stderr)
        sys.exit(1)
