#!/usr/bin/python3
"""Writes the committed fuzz seeds under tests/fuzz/corpus/. Run once by hand after changing
an input format; the fuzz tests only read the result.

    tests/fuzz/make_seeds.py
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_BASE = 0xFFFF_FFFF_8000_0000
PT_LOAD, PT_DYNAMIC, PT_NOTE = 1, 2, 4
PF_X, PF_W, PF_R = 1, 2, 4
DT_NULL, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 7, 8, 9
R_X86_64_RELATIVE = 8


def elf(segments, entry=KERNEL_BASE + 0xB0, machine=62, tail=b"", elf_type=3):
    """A little-endian ELF64 (ET_DYN unless told): header, program headers, then `tail`."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    header = ident + struct.pack("<HHIQQQIHHHHHH", elf_type, machine, 1, entry, 64, 0, 0, 64,
                                 56, len(segments), 64, 0, 0)
    table = b"".join(struct.pack("<IIQQQQQQ", *s) for s in segments)
    return header + table + tail


def load(offset, vaddr, filesz, memsz, flags, align=0x1000):
    return (PT_LOAD, flags, offset, vaddr, vaddr, filesz, memsz, align)


def dynamic(offset, entries):
    return (PT_DYNAMIC, PF_R, offset, 0, 0, 16 * entries, 16 * entries, 8)


def dynamic_entries(*pairs):
    return b"".join(struct.pack("<qQ", tag, value) for tag, value in pairs + ((DT_NULL, 0),))


def rela(offset, addend, kind=R_X86_64_RELATIVE, symbol=0):
    return struct.pack("<QQQ", offset, symbol << 32 | kind, addend)  # the addend as u64 bits


def elf_seeds():
    # Three headers end at 0xe8: code there (0x18 bytes), data at 0x100 one page up, and the
    # dynamic entries (just DT_NULL) at 0x110.
    entry = KERNEL_BASE + 0xE8
    code = load(0xE8, entry, 0x18, 0x18, PF_R | PF_X)
    data = load(0x100, KERNEL_BASE + 0x1100, 0x10, 0x100, PF_R | PF_W)
    body = b"\xf4\xeb\xfd" + b"\x90" * 21 + bytes(range(16)) + dynamic_entries()
    two = [code, data, dynamic(0x110, 1)]
    # Four headers end at 0x120: code there, a two-entry RELA table at 0x130 in a read-only
    # segment, data at 0x160 (both entries patch it), the dynamic entries at 0x170.
    table = (rela(KERNEL_BASE + 0x2160, KERNEL_BASE + 0x120)
             + rela(KERNEL_BASE + 0x2168, KERNEL_BASE + 0x2160))
    relocated = [load(0x120, KERNEL_BASE + 0x120, 0x10, 0x10, PF_R | PF_X),
                 load(0x130, KERNEL_BASE + 0x1130, len(table), len(table), PF_R),
                 load(0x160, KERNEL_BASE + 0x2160, 0x10, 0x1000, PF_R | PF_W),
                 dynamic(0x170, 4)]
    relocated_tail = (b"\xf4\xeb\xfd" + b"\x90" * 13 + table + bytes(16)
                      + dynamic_entries((DT_RELA, KERNEL_BASE + 0x1130), (DT_RELASZ, len(table)),
                                        (DT_RELAENT, 24)))
    return {
        "valid-two-segments.seed": elf(two, entry=entry, tail=body),
        "valid-relocations.seed": elf(relocated, entry=KERNEL_BASE + 0x120, tail=relocated_tail),
        "truncated.seed": elf(two, entry=entry, tail=body)[:0xB8],
        "wrong-machine.seed": elf(two, entry=entry, machine=3, tail=body),
        "fixed-address.seed": elf(two, entry=entry, elf_type=2, tail=body),
        "segment-past-eof.seed": elf([code, load(0x100, KERNEL_BASE + 0x1100, 0x100, 0x100,
                                                PF_R | PF_W), dynamic(0x110, 1)],
                                     entry=entry, tail=body),
        "overlapping-segments.seed": elf([code, load(0x100, KERNEL_BASE + 0xF0, 0x10, 0x100,
                                                    PF_R, align=0), dynamic(0x110, 1)],
                                         entry=entry, tail=body),
        "writable-and-executable.seed": elf([code, load(0x100, KERNEL_BASE + 0x1100, 0x10, 0x10,
                                                       PF_R | PF_W | PF_X), dynamic(0x110, 1)],
                                            entry=entry, tail=body),
        "relocation-in-text.seed": elf(relocated, entry=KERNEL_BASE + 0x120,
                                       tail=relocated_tail.replace(
                                           struct.pack("<Q", KERNEL_BASE + 0x2168),
                                           struct.pack("<Q", KERNEL_BASE + 0x128))),
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


def psf_seeds():
    """Small synthetic PSF fonts (the Terminus fonts are not committed)."""
    glyphs = bytes((i * 7 + y) & 0xFF for i in range(256) for y in range(4))
    table = b""
    for i in range(256):
        if 32 <= i < 127:
            table += struct.pack("<H", i)
        if i == 1:  # U+FFFD, then a combining sequence A + U+0301
            table += struct.pack("<HHHH", 0xFFFD, 0xFFFE, 0x41, 0x301)
        table += b"\xff\xff"
    width, height, count = 12, 6, 16
    charsize = height * 2
    psf2 = b"\x72\xb5\x4a\x86" + struct.pack("<IIIIIII", 0, 32, 1, count, charsize, height, width)
    psf2 += bytes((i * 5 + k) & 0xFF for i in range(count) for k in range(charsize))
    for i in range(count):
        psf2 += chr(0x41 + i).encode()
        if i == 2:
            psf2 += "\u2500".encode() + b"\xfe" + "e\u0301".encode()
        if i == 3:
            psf2 += "\ufffd".encode()
        psf2 += b"\xff"
    big_header = (b"\x72\xb5\x4a\x86" + struct.pack("<IIIIIII", 0, 40, 0, 3, 32 * 4, 32, 32)
                  + bytes(8) + bytes(3 * 128))
    return {
        "psf1-256-table.psf": b"\x36\x04\x02\x04" + glyphs + table,
        "psf1-512-notable.psf": b"\x36\x04\x01\x02" + bytes(512 * 2),
        "psf2-12x6-table.psf": psf2,
        "psf2-32x32-bigheader.psf": big_header,
    }


def terminal_seeds():
    """Terminal input; the first three bytes pick columns, rows and the write size."""
    texts = {
        "sgr.txt": "plain \x1b[1mbold\x1b[0m \x1b[31;42mred\x1b[m \x1b[38;5;208m256"
                   "\x1b[38;2;1;2;3mtrue\x1b[48:2::9:8:7mcolon\x1b[0m\n",
        "cursor.txt": "\x1b[5;5Hx\x1b[2A\x1b[3C\x1b[10D\x1b[2E\x1b[F\x1b[7G\x1b[3d\x1b7\x1b[H"
                      "\x1b8y\x1b[s\x1b[u\x1bM\x1bD\x1bE",
        "erase.txt": "abcdefghij\x1b[2;3H\x1b[J\x1b[1J\x1b[2J\x1b[3J\x1b[K\x1b[1K\x1b[2K"
                     "\x1b[4X\x1b[2S\x1b[3T",
        "strings.txt": "\x1b]0;title\x07\x1b]8;;url\x1b\\\x1bPq#0\x1b\\\x1b_apc\x1b\\"
                       "\x1b[?25l\x1b[?7l\x1b[20h\x1b[?1049h\x1bc\x18\x1a",
        "wrap.txt": "x" * 200 + "\tTab\bBS\rCR\nLF\vVT\fFF",
        "region.txt": "a\r\nb\r\nc\x1b[2;5r\x1b[5;1H\n\n\x1bM\x1b[2L\x1b[3M\x1b[?6h\x1b[2;2H"
                      "\x1b[r\x1b[S\x1b[T",
        "edit.txt": "abcdef\x1b[1;2H\x1b[2@\x1b[3P\x1b[4X\x1b[4hXY\x1b[4l\x1bHq\x1b[5b\x1b[g"
                    "\x1b[3g\t\x1b[2I\x1b[Z\x1b[5`\x1b[2e\x1b[3a",
        "screens.txt": "main\x1b[?1049halt\x1b7\x1b[?1049l\x1b[?47hx\x1b[?47l\x1b[?1047h"
                       "\x1b[?1047l\x1b(0lqk\x1b(B\x1b)0\x0eq\x0f\x1b#8\x1b[6n\x1b[c\x1b[>c"
                       "\x1b[5n\x1b[?2004h\x1b[5 q",
        "wide.txt": "\u65e5\u672c\u8a9e\x1b[1;2Hx\x1b[1;39H\u65e5e\u0301\x1b[?7l\u65e5\u65e5"
                    "\x1b[?7h\x1b[1;3H\x1b[P\x1b[@\x1b[K\ufe0f\u0301",
    }
    seeds = {name: bytes([20, 6, 7]) + text.encode() for name, text in texts.items()}
    seeds["utf8.txt"] = (bytes([20, 6, 7]) + "\u00e4\u20ac\U0001F600".encode() +
                         b"\xff\x80\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82x\xe2\x82"
                         b"\x1b[1mz")
    return seeds


def sha256_seeds():
    """Messages around the padding boundaries; the first byte also picks the chunk sizes."""
    return {
        "abc.bin": b"abc",
        "block-minus-9.bin": bytes(range(55)),
        "block.bin": bytes(range(64)),
        "blocks.bin": b"\x3f" + bytes(range(256)) * 2,
    }


def write_all(directory, files):
    path = os.path.join(HERE, "corpus", directory)
    os.makedirs(path, exist_ok=True)
    for name, data in files.items():
        assert len(data) < 8192, name
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def hid_seeds():
    """Boot keyboard reports (HID 1.11 Appendix B.1): 'hi' typed, Shift+a, a phantom
    report, Caps Lock; each 8-byte record is also read as a mouse report and an event TRB."""
    def report(modifiers, *usages):
        return bytes([modifiers, 0] + list(usages) + [0] * (6 - len(usages)))
    return {
        "typing.seed": report(0, 0x0B) + report(0) + report(0, 0x0C) + report(0),
        "shift-and-rollover.seed": report(2, 0x04) + report(0, *[1] * 6) + report(0),
        "caps-lock.seed": report(0, 0x39) + report(0) + report(0, 0x04) + report(0),
    }


def main():
    write_all("elf", elf_seeds())
    write_all("hid", hid_seeds())
    write_all("memory-map", memory_map_seeds())
    write_all("config", config_seeds())
    write_all("psf", psf_seeds())
    write_all("terminal", terminal_seeds())
    write_all("sha256", sha256_seeds())


if __name__ == "__main__":
    main()
