#!/usr/bin/python3
"""Host checks of the loader as firmware and signing tools see it (docs/secure-boot.md).

  loader_signing.py pe UNSEALED BOOTX64 KERNEL CONF SIGNED_BY_BUILD
      the PE layout strict firmware wants (4 KiB sections, back to back in memory and in the
      file with nothing after them, none writable and executable, NX compatible); BOOTX64.EFI
      sealed to exactly the kernel and ember.conf; `sbverify --list` on it as the build left it
      (signed when SIGNED_BY_BUILD is 1); the unsealed loader signed with the snakeoil key: no
      sbsign warning, one signature, verified, and no longer verified once a byte of code
      changes;
      tools/seal_loader.py refusing a sealed loader, a signed one and a file without the section.
  loader_signing.py key-tool UNSEALED
      tools/secure-boot-key makes a key pair that signs the loader and verifies, a DER copy of
      the certificate, and an EFI_SIGNATURE_LIST holding it; it never overwrites a key.

Programs come from the environment Meson sets: EMBER_SBSIGN, EMBER_SBVERIFY, EMBER_OPENSSL,
EMBER_SECBOOT_KEY, EMBER_SECBOOT_CERT.
"""

import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "ovmf"))
import ovmf  # noqa: E402
import seal_loader  # noqa: E402

SBSIGN = os.environ.get("EMBER_SBSIGN", "sbsign")
SBVERIFY = os.environ.get("EMBER_SBVERIFY", "sbverify")
OPENSSL = os.environ.get("EMBER_OPENSSL", "openssl")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# --- PE layout (PE/COFF specification §3.3, §3.4, §4) -----------------------------------------

def pe_layout(path):
    image = read(path)
    pe = struct.unpack_from("<I", image, 0x3C)[0]
    symbols, = struct.unpack_from("<I", image, pe + 12)
    optional = pe + 24
    section_alignment, file_alignment = struct.unpack_from("<II", image, optional + 32)
    size_of_image, size_of_headers = struct.unpack_from("<II", image, optional + 56)
    dll_characteristics, = struct.unpack_from("<H", image, optional + 70)
    _, cert_size = struct.unpack_from("<II", image, optional + 112 + 8 * 4)
    count, = struct.unpack_from("<H", image, pe + 6)
    optional_size, = struct.unpack_from("<H", image, pe + 20)
    table = optional + optional_size
    sections = []
    for i in range(count):
        name, vsize, vaddr, rsize, roffset = struct.unpack_from("<8sIIII", image, table + 40 * i)
        flags, = struct.unpack_from("<I", image, table + 40 * i + 36)
        sections.append((name.rstrip(b"\0").decode(), vsize, vaddr, rsize, roffset, flags))
    return dict(size=len(image), symbols=symbols, section_alignment=section_alignment,
                file_alignment=file_alignment, size_of_image=size_of_image,
                size_of_headers=size_of_headers, nx_compat=bool(dll_characteristics & 0x100),
                cert_size=cert_size, sections=sections)


def check_layout(path):
    name = os.path.basename(path)
    pe = pe_layout(path)
    check(pe["section_alignment"] == 4096, "%s: 4 KiB section alignment" % name)
    check(pe["nx_compat"], "%s: NX compatible (DllCharacteristics)" % name)
    check(pe["symbols"] == 0, "%s: no COFF symbol table after the sections" % name)
    memory_end, file_end = 4096, pe["size_of_headers"]
    for sname, vsize, vaddr, rsize, roffset, flags in pe["sections"]:
        check(vaddr == memory_end, "%s: %s starts where the previous section ends in memory"
              % (name, sname))
        check(roffset == file_end, "%s: %s starts where the previous one ends in the file"
              % (name, sname))
        check(not (flags & 0x80000000 and flags & 0x20000000),
              "%s: %s is not writable and executable" % (name, sname))
        memory_end = vaddr + (vsize + 4095) // 4096 * 4096
        file_end = roffset + rsize
    check(pe["size_of_image"] == memory_end, "%s: SizeOfImage ends at the last section" % name)
    check(pe["size"] == file_end + pe["cert_size"],
          "%s: nothing but the signature after the last section (%d bytes, sections end at %d)"
          % (name, pe["size"], file_end))
    check(".ember" in [s[0] for s in pe["sections"]], "%s: has the .ember digest section" % name)
    sbat = [s for s in pe["sections"] if s[0] == ".sbat"]
    image = read(path)
    check(bool(sbat) and image[sbat[0][4]:sbat[0][4] + sbat[0][1]].startswith(
        b"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\nember-loader,1,"),
        "%s: has an SBAT section naming the format and the loader (shim needs it)" % name)


def sealed_digests(path):
    image = read(path)
    sections, _ = seal_loader.pe_sections(image)
    offset = [s for s in sections if s[0] == seal_loader.SECTION][0][4]
    out = {}
    for i in range(seal_loader.CAPACITY):
        role, _, digest, esp = seal_loader.ENTRY.unpack_from(
            image, offset + seal_loader.HEADER.size + i * seal_loader.ENTRY.size)
        if role:
            out[role] = (digest.hex(), esp.rstrip(b"\0").decode())
    return out


def snakeoil(work):
    _, _, key, cert = ovmf.find_secure_boot()
    copy = os.path.join(work, "snakeoil.key")
    unlocked = run(OPENSSL, "pkey", "-in", key, "-passin", "pass:" + ovmf.SNAKEOIL_PASSWORD,
                   "-out", copy)
    check(unlocked.returncode == 0, "openssl unlocks a copy of the snakeoil key")
    return copy, cert


def sign_and_verify(work, loader, key, cert, label):
    signed = os.path.join(work, label + "-signed.efi")
    s = run(SBSIGN, "--key", key, "--cert", cert, "--output", signed, loader)
    check(s.returncode == 0 and "warning" not in s.stderr.lower(),
          "%s: sbsign signs without a warning (%s)" % (label, s.stderr.strip() or "silent"))
    listed = run(SBVERIFY, "--list", signed)
    check(len(re.findall(r"^signature \d+$", listed.stdout, re.MULTILINE)) == 1,
          "%s: sbverify --list shows one signature" % label)
    check(run(SBVERIFY, "--cert", cert, signed).returncode == 0,
          "%s: sbverify --cert verifies it" % label)
    return signed


def case_pe(unsealed, bootx64, kernel, conf, signed_by_build):
    for path in (unsealed, bootx64):
        check_layout(path)
    digests = sealed_digests(bootx64)
    check(digests.get(seal_loader.ROLE_KERNEL, ("",))[0] == hashlib.sha256(read(kernel)).hexdigest(),
          "BOOTX64.EFI carries the kernel's SHA-256")
    check(digests.get(seal_loader.ROLE_CONFIG, ("",))[0] == hashlib.sha256(read(conf)).hexdigest(),
          "BOOTX64.EFI carries ember.conf's SHA-256")
    check(sealed_digests(unsealed) == {}, "the unsealed loader carries no digests")
    listed = run(SBVERIFY, "--list", bootx64)
    print(listed.stdout.strip())
    if signed_by_build:
        check("signature 1" in listed.stdout, "sbverify --list: the build signed BOOTX64.EFI")
    else:
        check("No signature table present" in listed.stdout + listed.stderr,
              "sbverify --list: BOOTX64.EFI is unsigned (no key configured)")
    with tempfile.TemporaryDirectory(prefix="ember-sign-") as work:
        key, cert = snakeoil(work)
        # The unsealed loader: the same PE as BOOTX64.EFI before sealing, and never signed
        # (BOOTX64.EFI is when the build has a key).
        signed = sign_and_verify(work, unsealed, key, cert, "ember-loader-unsealed.efi")
        text = [s for s in pe_layout(signed)["sections"] if s[0] == ".text"][0]
        tampered = bytearray(read(signed))
        tampered[text[4] + 100] ^= 0x01
        bad = os.path.join(work, "tampered.efi")
        with open(bad, "wb") as f:
            f.write(tampered)
        check(run(SBVERIFY, "--cert", cert, bad).returncode != 0,
              "sbverify rejects the signed loader with one bit of code changed")
        signed_sealed = os.path.join(work, "signed-sealed.efi")
        run(SBSIGN, "--key", key, "--cert", cert, "--output", signed_sealed, bootx64)
        for loader, why in ((bootx64, "sealed already"), (signed_sealed, "sealed already"),
                            (kernel, "no MZ header")):
            r = run(sys.executable, os.path.join(ROOT, "tools", "seal_loader.py"), "--loader",
                    loader, "--kernel", kernel, "--out", os.path.join(work, "x.efi"))
            check(r.returncode != 0 and why in r.stderr,
                  "seal_loader refuses %s: %s" % (os.path.basename(loader), r.stderr.strip()))
        signed_unsealed = os.path.join(work, "signed-unsealed.efi")
        run(SBSIGN, "--key", key, "--cert", cert, "--output", signed_unsealed, unsealed)
        r = run(sys.executable, os.path.join(ROOT, "tools", "seal_loader.py"), "--loader",
                signed_unsealed, "--kernel", kernel, "--out", os.path.join(work, "x.efi"))
        check(r.returncode != 0 and "is signed" in r.stderr,
              "seal_loader refuses a signed loader: " + r.stderr.strip())


def case_key_tool(unsealed):
    with tempfile.TemporaryDirectory(prefix="ember-key-") as work:
        out = os.path.join(work, "keys")
        tool = [sys.executable, os.path.join(ROOT, "tools", "secure-boot-key"), "--out", out]
        made = run(*tool, "--name", "Ember test key")
        check(made.returncode == 0, "tools/secure-boot-key runs: " + made.stderr.strip())
        key, crt, cer, esl = (os.path.join(out, "db." + e) for e in ("key", "crt", "cer", "esl"))
        check(os.stat(key).st_mode & 0o077 == 0, "the private key is readable by its owner only")
        subject = run(OPENSSL, "x509", "-in", crt, "-noout", "-subject").stdout
        check("Ember test key" in subject, "the certificate names the key: " + subject.strip())
        check(read(cer) == run_bytes(OPENSSL, "x509", "-in", crt, "-outform", "DER"),
              "db.cer is the certificate in DER")
        check_esl(read(esl), read(cer))
        sign_and_verify(work, unsealed, key, crt, "key-tool")
        again = run(*tool)
        check(again.returncode != 0 and "not overwriting" in again.stderr,
              "a second run refuses to overwrite the key")


def run_bytes(*argv):
    return subprocess.run(list(argv), capture_output=True).stdout


def check_esl(esl, der):
    """EFI_SIGNATURE_LIST (UEFI spec §32.4.1): EFI_CERT_X509_GUID, sizes, owner, the DER."""
    x509 = bytes.fromhex("a159c0a5e494a74a87b5ab155c2bf072")  # a5c059a1-94e4-4aa7-... little-endian
    list_size, header_size, signature_size = struct.unpack_from("<III", esl, 16)
    check(esl[:16] == x509, "db.esl: signature type EFI_CERT_X509_GUID")
    check(list_size == len(esl) == 28 + 16 + len(der) and header_size == 0
          and signature_size == 16 + len(der), "db.esl: list, header and signature sizes")
    check(esl[28 + 16:] == der, "db.esl: the signature data is the DER certificate")


def main():
    if sys.argv[1] == "pe":
        case_pe(*sys.argv[2:6], sys.argv[6] == "1")
    elif sys.argv[1] == "key-tool":
        case_key_tool(sys.argv[2])
    else:
        sys.exit("usage: see the docstring")
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
