#!/usr/bin/python3
"""Writes the committed fuzz seeds under tests/fuzz/corpus/. Run once by hand after changing
an input format; the fuzz tests only read the result.

    tests/fuzz/make_seeds.py
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_BASE = 0xFFFF_FFFF_8000_0000
PT_LOAD, PT_NOTE = 1, 4
PF_X, PF_W, PF_R = 1, 2, 4


def elf(segments, entry=KERNEL_BASE + 0xB0, machine=62, tail=b""):
    """A little-endian ELF64 ET_EXEC: header, program headers, then `tail`."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    header = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, entry, 64, 0, 0, 64, 56,
                                 len(segments), 64, 0, 0)
    table = b"".join(struct.pack("<IIQQQQQQ", *s) for s in segments)
    return header + table + tail


def load(offset, vaddr, filesz, memsz, flags, align=0x1000):
    return (PT_LOAD, flags, offset, vaddr, vaddr, filesz, memsz, align)


def elf_seeds():
    # Two segments right after a 64 + 2 * 56 = 0xb0 byte header: code, then data one page up.
    code = load(0xB0, KERNEL_BASE + 0xB0, 0x10, 0x10, PF_R | PF_X)
    data = load(0xC0, KERNEL_BASE + 0x10C0, 0x10, 0x100, PF_R | PF_W)
    body = b"\xf4\xeb\xfd" + b"\x90" * 13 + bytes(range(16))
    # Four headers end at 0x120: an 8-byte note there, then code, rodata and data.
    note = (PT_NOTE, PF_R, 0x120, 0, 0, 8, 8, 4)
    three = [load(0x128, KERNEL_BASE + 0x128, 0x10, 0x10, PF_R | PF_X),
             load(0x138, KERNEL_BASE + 0x1138, 0x8, 0x8, PF_R),
             load(0x140, KERNEL_BASE + 0x2140, 0x8, 0x2000, PF_R | PF_W)]
    return {
        "valid-two-segments.elf": elf([code, data], tail=body),
        "valid-three-segments-and-note.elf": elf([note] + three, entry=KERNEL_BASE + 0x128,
                                                  tail=bytes(8) + body),
        "truncated.elf": elf([code, data], tail=body)[:0xB8],
        "wrong-machine.elf": elf([code, data], machine=3, tail=body),
        "segment-past-eof.elf": elf([code, load(0xC0, KERNEL_BASE + 0x10C0, 0x100, 0x100,
                                                PF_R | PF_W)], tail=body),
        "overlapping-segments.elf": elf([code, load(0xC0, KERNEL_BASE + 0xB8, 0x10, 0x100,
                                                    PF_R, align=0)], tail=body),
        "writable-and-executable.elf": elf([code, load(0xC0, KERNEL_BASE + 0x10C0, 0x10, 0x10,
                                                       PF_R | PF_W | PF_X)], tail=body),
    }


def memory_map_seed(stride, descriptors, overlays):
    """Harness format: stride selector, overlay count, overlays, then the raw map."""
    out = bytes([stride - 40, len(overlays)])
    for first_page, pages, kind in overlays:
        out += struct.pack("<IIB", first_page, pages, kind)
    for kind, start, pages, attribute in descriptors:
        d = struct.pack("<IIQQQQ", kind, 0, start, 0, pages, attribute)
        out += d + b"\xa5" * (stride - len(d))
    return out


def memory_map_seeds():
    wb, uc = 0x8, 0x1
    ovmf_like = [
        (3, 0x0, 0x1, wb), (7, 0x1000, 0x9E, wb), (0, 0x9F000, 0x61, wb),
        (7, 0x100000, 0x700, wb), (10, 0x800000, 0x8, wb), (7, 0x808000, 0x8, wb),
        (4, 0x810000, 0xF0, wb), (7, 0x900000, 0x3E000, wb), (1, 0x3F000000, 0x40, wb),
        (2, 0x3F040000, 0x20, wb), (9, 0x3F060000, 0x10, wb), (6, 0x3F070000, 0x10, wb | (1 << 63)),
        (5, 0x3F080000, 0x10, wb | (1 << 63)), (0, 0xB0000000, 0x10000, uc),
        (11, 0xFFC00000, 0x400, uc | (1 << 63)),
    ]
    overlapping = [(7, 0x0, 0x100, wb), (0, 0x10000, 0x10, wb), (10, 0x18000, 0x10, wb),
                   (8, 0x20000, 0x1, wb), (7, 0x80000, 0x10, wb), (7, 0x90000, 0x0, wb),
                   (7, 0xFFFF_FFFF_FFFF_0000, 0x100, wb)]
    return {
        "ovmf-like-48.bin": memory_map_seed(48, ovmf_like, [(0x100, 0x20, 4), (0x80000, 0x300, 10)]),
        "overlapping-56.bin": memory_map_seed(56, overlapping, [(0x8, 0x20, 4)]),
        "minimal-40.bin": memory_map_seed(40, [(7, 0x0, 0x10, wb)], []),
    }


def config_seeds():
    return {
        "ember.conf": b"# Ember loader configuration\nkernel = \\boot\\ember.elf\n"
                      b"cmdline = log=debug test=all\nresolution = 1280x800\n",
        "quoted-crlf.conf": b"cmdline = \"greeting=\\\"hello world\\\" quiet\"\r\n"
                            b"resolution=1024x768\r\n\r\n  # indented comment\r\n",
        "problems.conf": b"no equals here\n= empty key\nbad = \x01control\n"
                         b"resolution = 0x600\nresolution = 99999x1\ncmdline = \"unterminated\n",
        "cmdline.txt": b"log=debug quiet greeting=\"hi there\" =bad \"q\"=x log=info msg=\"open",
    }


def write_all(directory, files):
    path = os.path.join(HERE, "corpus", directory)
    os.makedirs(path, exist_ok=True)
    for name, data in files.items():
        assert len(data) < 8192, name
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def main():
    write_all("elf", elf_seeds())
    write_all("memory-map", memory_map_seeds())
    write_all("config", config_seeds())


if __name__ == "__main__":
    main()
