#!/usr/bin/python3
"""Seals ember-loader to the files it will load, and optionally signs it for Secure Boot.

Writes the SHA-256 digests of the kernel, its configuration and any modules into the
loader's `.ember` section (the table laid out in libk/include/boot/digests.hpp), which the
loader checks each file against after reading it (docs/secure-boot.md). Sealing comes before
signing: the signature covers the section, so under Secure Boot nobody can change the digests
without the firmware refusing the loader.

  tools/seal_loader.py --loader build/loader/ember-loader-unsealed.efi --out BOOTX64.EFI \\
      --kernel build/kernel/ember.elf --config ember.conf \\
      [--module '\\boot\\initrd.tar=initrd.tar'] [--key db.key --cert db.crt]

With --key and --cert it runs sbsign (sbsigntool) on the sealed loader; the key must not be
encrypted (sbsign would ask for its passphrase on the terminal).
"""

import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SECTION = b".ember"
MAGIC = 0x5453_4744_5242_4D45  # "EMBRDGST"
VERSION = 1
CAPACITY = 8
HEADER = struct.Struct("<QII")  # magic, version, capacity
ENTRY = struct.Struct("<II32s88s")  # role, reserved, sha256, path
ROLE_EMPTY, ROLE_KERNEL, ROLE_CONFIG, ROLE_MODULE = 0, 1, 2, 3
CERTIFICATE_TABLE = 4  # the data directory Authenticode signatures live in (PE/COFF §3.4.3)


class SealError(Exception):
    pass


def pe_sections(image):
    """[(name, virtual_size, virtual_address, raw_size, raw_offset)] and the offset of the
    optional header's data directories (PE/COFF specification §3.3, §3.4, §4)."""
    if image[:2] != b"MZ":
        raise SealError("not a PE image (no MZ header)")
    pe = struct.unpack_from("<I", image, 0x3C)[0]
    if image[pe:pe + 4] != b"PE\0\0":
        raise SealError("not a PE image (no PE signature)")
    count, = struct.unpack_from("<H", image, pe + 6)
    optional_size, = struct.unpack_from("<H", image, pe + 20)
    optional = pe + 24
    if struct.unpack_from("<H", image, optional)[0] != 0x20B:
        raise SealError("not a PE32+ image")
    table = optional + optional_size
    sections = []
    for i in range(count):
        name, vsize, vaddr, rsize, roffset = struct.unpack_from("<8sIIII", image, table + 40 * i)
        sections.append((name.rstrip(b"\0"), vsize, vaddr, rsize, roffset))
    return sections, optional + 112


def digest_table_offset(image):
    """The file offset of the empty digest table in `image`; SealError if there is none, the
    table is not the one this tool writes, or the loader is already sealed or signed."""
    sections, directories = pe_sections(image)
    found = [s for s in sections if s[0] == SECTION]
    if len(found) != 1:
        raise SealError("the loader has no %s section" % SECTION.decode())
    _, vsize, _, rsize, offset = found[0]
    size = HEADER.size + CAPACITY * ENTRY.size
    if min(vsize, rsize) < size or offset + size > len(image):
        raise SealError("the %s section is smaller than the digest table" % SECTION.decode())
    magic, version, capacity = HEADER.unpack_from(image, offset)
    if (magic, version, capacity) != (MAGIC, VERSION, CAPACITY):
        raise SealError("the %s section holds no digest table of version %d"
                        % (SECTION.decode(), VERSION))
    if any(image[offset + HEADER.size:offset + size]):
        raise SealError("the loader is sealed already")
    _, cert_size = struct.unpack_from("<II", image, directories + 8 * CERTIFICATE_TABLE)
    if cert_size:
        raise SealError("the loader is signed: seal it first, then sign it")
    return offset


def entry(role, esp_path, path):
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).digest()
    name = esp_path.encode()
    if len(name) >= 88:
        raise SealError("ESP path too long: %s" % esp_path)
    return ENTRY.pack(role, 0, digest, name), digest


def seal(image, entries):
    """`image` (bytes) with `entries` [(role, esp_path, host_path)] in its digest table."""
    if len(entries) > CAPACITY:
        raise SealError("%d files, the table holds %d" % (len(entries), CAPACITY))
    offset = digest_table_offset(image)
    out = bytearray(image)
    at = offset + HEADER.size
    for role, esp_path, path in entries:
        packed, digest = entry(role, esp_path, path)
        out[at:at + ENTRY.size] = packed
        at += ENTRY.size
        print("seal_loader: %s %s" % (digest.hex(), esp_path))
    return bytes(out)


def sign(sealed_path, out, key, cert, sbsign):
    run = subprocess.run([sbsign, "--key", key, "--cert", cert, "--output", out, sealed_path],
                         capture_output=True, text=True)
    if run.returncode != 0 or "warning" in run.stderr.lower():
        raise SealError("sbsign failed or warned:\n" + run.stderr)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--loader", required=True, help="the unsealed, unsigned loader")
    p.add_argument("--out", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--kernel-path", default="\\boot\\ember.elf", help="its path on the ESP")
    p.add_argument("--config", help="ember.conf (omit to seal a loader without one)")
    p.add_argument("--module", action="append", default=[], metavar="ESP_PATH=FILE")
    p.add_argument("--key", help="sign with this key (PEM, unencrypted)")
    p.add_argument("--cert", help="... and this certificate (PEM)")
    p.add_argument("--sbsign", default=os.environ.get("EMBER_SBSIGN", "sbsign"))
    args = p.parse_args(argv)
    if bool(args.key) != bool(args.cert):
        p.error("--key and --cert go together")
    entries = [(ROLE_KERNEL, args.kernel_path, args.kernel)]
    if args.config:
        entries.append((ROLE_CONFIG, "\\boot\\ember.conf", args.config))
    for module in args.module:
        esp_path, _, path = module.partition("=")
        entries.append((ROLE_MODULE, esp_path, path))
    try:
        with open(args.loader, "rb") as f:
            sealed = seal(f.read(), entries)
        with tempfile.TemporaryDirectory(prefix="ember-seal-") as work:
            tmp = os.path.join(work, "sealed.efi")
            with open(tmp, "wb") as f:
                f.write(sealed)
            if args.key:
                sign(tmp, args.out, args.key, args.cert, args.sbsign)
            else:
                shutil.copyfile(tmp, args.out)
    except (SealError, OSError) as e:
        sys.exit("seal_loader: %s" % e)


if __name__ == "__main__":
    main()
