#!/usr/bin/python3
"""Converts Debian's pci.ids and usb.ids into the compact name tables the kernel embeds
(libk/include/libk/ids.hpp describes the format; docs/pci.md the choices).

  tools/ids2cpp.py --pci /usr/share/misc/pci.ids --usb /usr/share/misc/usb.ids \\
      --devices tools/ids_devices.txt --budget 98304 --out ids_tables.cpp

What is kept: every class, subclass and programming interface; every vendor; the device
names of the vendors listed in --devices (optionally only those whose name matches a
pattern). Names are compressed with a dictionary of the 128 words that save the most bytes
(byte 0x80 + i stands for word i; byte 0x01 escapes a literal byte >= 0x80). The tool fails
if the tables take more than --budget bytes, and prints their size.
"""

import argparse
import collections
import re
import sys

TOKENS = 128
TOKEN_BASE = 0x80
ESCAPE = 0x01
SPARSE = 32  # one name offset every SPARSE entries


def parse_ids(path):
    """Returns (vendors {id: (name, {device: name})}, classes {(c, s, p) or shorter: name})."""
    vendors, classes = {}, {}
    vendor = cls = sub = None
    in_classes = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            m = re.match(r"C ([0-9a-f]{2})\s+(.*)$", line)
            if m:
                in_classes, cls, sub = True, int(m.group(1), 16), None
                classes[(cls,)] = m.group(2)
                continue
            if re.match(r"[A-Z]{1,3} ", line):  # other lists (usb.ids: HID usages, languages)
                in_classes, vendor = False, None
                continue
            if in_classes:
                m = re.match(r"\t\t([0-9a-f]{2})\s+(.*)$", line)
                if m and sub is not None:
                    classes[(cls, sub, int(m.group(1), 16))] = m.group(2)
                    continue
                m = re.match(r"\t([0-9a-f]{2})\s+(.*)$", line)
                if m:
                    sub = int(m.group(1), 16)
                    classes[(cls, sub)] = m.group(2)
                continue
            m = re.match(r"([0-9a-f]{4})\s+(.*)$", line)
            if m:
                vendor = int(m.group(1), 16)
                vendors[vendor] = (m.group(2), {})
                continue
            m = re.match(r"\t([0-9a-f]{4})\s+(.*)$", line)
            if m and vendor is not None:
                vendors[vendor][1][int(m.group(1), 16)] = m.group(2)
    return vendors, classes


def read_device_list(path):
    """{('pci'|'usb', vendor): compiled pattern or None} from tools/ids_devices.txt."""
    keep = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 2)
            pattern = re.compile(parts[2]) if len(parts) > 2 else None
            keep[(parts[0], int(parts[1], 16))] = pattern
    return keep


def words(name):
    return re.findall(r"\S+ ?|\s", name)


def choose_tokens(names):
    saving = collections.Counter()
    for name in names:
        for w in words(name):
            if len(w) > 1:
                saving[w] += len(w.encode()) - 1
    return [w for w, _ in saving.most_common(TOKENS)]


def encode(name, token_index):
    out = bytearray()
    for w in words(name):
        if w in token_index:
            out.append(TOKEN_BASE + token_index[w])
            continue
        for b in w.encode():
            out += bytes([ESCAPE, b]) if b >= 0x80 or b == ESCAPE else bytes([b])
    return bytes(out) + b"\0"


class Table:
    """One database's arrays, and their size in bytes."""

    def __init__(self, prefix, vendors, classes, keep, kind):
        self.prefix = prefix
        self.vendor_ids = sorted(vendors)
        self.blocks, self.device_ids, device_names = [], [], []
        for v in self.vendor_ids:
            key = (kind, v)
            if key not in keep:
                continue
            pattern = keep[key]
            devices = sorted(d for d, n in vendors[v][1].items()
                             if pattern is None or pattern.search(n))
            if devices:
                self.blocks.append((v, len(devices), len(self.device_ids)))
                self.device_ids += devices
                device_names += [vendors[v][1][d] for d in devices]
        self.class_keys = sorted(classes, key=lambda k: class_key(k))
        self.vendor_names = [vendors[v][0] for v in self.vendor_ids]
        self.device_names = device_names
        self.class_names = [classes[k] for k in self.class_keys]

    def all_names(self):
        return self.vendor_names + self.device_names + self.class_names


def class_key(k):
    """(class, subclass, interface) as one sortable u32: level in the top byte."""
    padded = list(k) + [0] * (3 - len(k))
    return (len(k) << 24) | (padded[0] << 16) | (padded[1] << 8) | padded[2]


def stream(names, token_index):
    """The encoded names back to back, and the offset of every SPARSE-th one."""
    data, sparse = bytearray(), []
    for i, name in enumerate(names):
        if i % SPARSE == 0:
            sparse.append(len(data))
        data += encode(name, token_index)
    return bytes(data), sparse


def c_array(ctype, name, values, per_line=16, fmt="{}"):
    lines = []
    for i in range(0, len(values), per_line):
        lines.append("    " + ", ".join(fmt.format(v) for v in values[i:i + per_line]) + ",")
    return "constexpr %s %s[] = {\n%s\n};\n" % (ctype, name, "\n".join(lines) or "    0,")


def emit(table, token_index, out):
    """Writes the arrays and the Table of one database; returns the bytes they take."""
    p = table.prefix
    vnames, vsparse = stream(table.vendor_names, token_index)
    dnames, dsparse = stream(table.device_names, token_index)
    cnames, csparse = stream(table.class_names, token_index)
    blocks = [x for b in table.blocks for x in b]
    out.append(c_array("u16", p + "VendorIds", table.vendor_ids, fmt="{:#06x}"))
    out.append(c_array("u32", p + "VendorSparse", vsparse))
    out.append(c_array("u8", p + "VendorNames", list(vnames), per_line=24))
    out.append(c_array("u32", p + "DeviceBlocks", blocks, per_line=12))
    out.append(c_array("u16", p + "DeviceIds", table.device_ids, fmt="{:#06x}"))
    out.append(c_array("u32", p + "DeviceSparse", dsparse))
    out.append(c_array("u8", p + "DeviceNames", list(dnames), per_line=24))
    out.append(c_array("u32", p + "ClassKeys", [class_key(k) for k in table.class_keys],
                       per_line=8, fmt="{:#010x}"))
    out.append(c_array("u32", p + "ClassSparse", csparse))
    out.append(c_array("u8", p + "ClassNames", list(cnames), per_line=24))
    out.append(("constinit const libk::ids::Table k{p}Ids{{\n"
                "    kTokens, {p}VendorIds, {p}VendorSparse, {p}VendorNames,\n"
                "    {p}DeviceBlocks, {p}DeviceIds, {p}DeviceSparse, {p}DeviceNames,\n"
                "    {p}ClassKeys, {p}ClassSparse, {p}ClassNames}};\n").format(p=p))
    return (2 * len(table.vendor_ids) + 4 * len(vsparse) + len(vnames) + 4 * len(blocks)
            + 2 * len(table.device_ids) + 4 * len(dsparse) + len(dnames)
            + 4 * len(table.class_keys) + 4 * len(csparse) + len(cnames))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pci", required=True)
    p.add_argument("--usb", required=True)
    p.add_argument("--devices", required=True, help="vendors whose device names are kept")
    p.add_argument("--budget", type=int, required=True, help="bytes the tables may take")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    keep = read_device_list(args.devices)
    tables = [Table("Pci", *parse_ids(args.pci), keep, "pci"),
              Table("Usb", *parse_ids(args.usb), keep, "usb")]
    tokens = choose_tokens([n for t in tables for n in t.all_names()])
    token_index = {w: i for i, w in enumerate(tokens)}
    out = ["// Generated by tools/ids2cpp.py from %s and %s: do not edit.\n" % (args.pci, args.usb),
           "#include <ids/ids_tables.hpp>\n\nnamespace libk::ids::generated {\n\nnamespace {\n\n"]
    token_text = "".join(tokens)
    offsets, at = [], 0
    for t in tokens:
        offsets.append(at)
        at += len(t.encode())
    out.append("constexpr char kTokenText[] = %s;\n" % cpp_string(token_text))
    out.append(c_array("u16", "kTokenOffsets", offsets + [at]))
    out.append("constexpr libk::ids::Tokens kTokens{kTokenText, kTokenOffsets};\n\n")
    out.append("}  // namespace\n\n")
    size = len(token_text.encode()) + 2 * (len(offsets) + 1)
    for t in tables:
        size += emit(t, token_index, out)
    out.append("\nconstexpr u64 kTableBytes = %d;\n" % size)
    out.append("u64 table_bytes() { return kTableBytes; }\n\n}  // namespace libk::ids::generated\n")
    if size > args.budget:
        sys.exit("ids2cpp: the tables take %d bytes, over the budget of %d: keep fewer device "
                 "names in %s" % (size, args.budget, args.devices))
    with open(args.out, "w") as f:
        f.write("".join(out))
    print("ids2cpp: %d bytes (budget %d): %d PCI vendors, %d PCI device names, %d USB vendors, "
          "%d USB device names, %d class names" % (
              size, args.budget, len(tables[0].vendor_ids), len(tables[0].device_ids),
              len(tables[1].vendor_ids), len(tables[1].device_ids),
              len(tables[0].class_keys) + len(tables[1].class_keys)))


def cpp_string(text):
    out = '"'
    for b in text.encode():
        ch = chr(b)
        if ch in '"\\':
            out += "\\" + ch
        elif 0x20 <= b < 0x7F:
            out += ch
        else:
            out += '\\x%02x""' % b
    return out + '"'


if __name__ == "__main__":
    main()
