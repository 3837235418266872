"""Malformed kernel files derived from the real one, each with the loader message it must
produce (the phrase from libk/src/elf.cpp's Formatter<elf::Error>)."""

import struct

PHDR_SIZE = 56


def _phdr_offset(data, index):
    phoff = struct.unpack_from("<Q", data, 32)[0]
    return phoff + index * PHDR_SIZE


def truncated(data):
    # Cut inside the program header table.
    return data[:100], r"program header table \(e_phoff 0x40\) extends past end of file"


def wrong_machine(data):
    out = bytearray(data)
    struct.pack_into("<H", out, 18, 3)  # EM_386
    return bytes(out), r"wrong machine \(e_machine is 3, need x86-64 = 62\)"


def segment_past_eof(data):
    out = bytearray(data)
    at = _phdr_offset(out, 2)
    struct.pack_into("<Q", out, at + 32, len(data) * 4)  # p_filesz
    struct.pack_into("<Q", out, at + 40, len(data) * 4)  # p_memsz
    return bytes(out), r"segment 2 extends past end of file"


def overlapping_segments(data):
    out = bytearray(data)
    vaddr0 = struct.unpack_from("<Q", out, _phdr_offset(out, 0) + 16)[0]
    at = _phdr_offset(out, 1)
    struct.pack_into("<Q", out, at + 8, struct.unpack_from("<Q", out, _phdr_offset(out, 0) + 8)[0])
    struct.pack_into("<Q", out, at + 16, vaddr0)  # p_vaddr
    return bytes(out), r"segment 1 overlaps segment 0"


def not_elf(data):
    return b"MZ" + bytes(len(data) - 2), r"not an ELF file \(bad magic number\)"


VARIANTS = {
    "truncated": truncated,
    "wrong-machine": wrong_machine,
    "segment-past-eof": segment_past_eof,
    "overlapping-segments": overlapping_segments,
    "not-elf": not_elf,
}
