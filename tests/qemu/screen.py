"""Screen images for the console tests: reading QEMU screendumps (PPM) and golden images
(PNG), writing PNGs, and comparing pixels with a report of where they differ.

Images are (width, height, bytes) with 3 bytes (R, G, B) per pixel, row-major.
"""

import struct
import zlib


class Image:
    def __init__(self, width, height, rgb):
        if len(rgb) != width * height * 3:
            raise ValueError("image data is %d bytes, expected %d" % (len(rgb), width * height * 3))
        self.width, self.height, self.rgb = width, height, bytes(rgb)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i:i + 3])

    def row_bytes(self, y, x0=0, x1=None):
        x1 = self.width if x1 is None else x1
        start = (y * self.width) * 3
        return self.rgb[start + x0 * 3:start + x1 * 3]


def _ppm_tokens(data, count):
    """The first `count` whitespace-separated header tokens (skipping # comments) and the
    offset just past the single whitespace byte after the last one."""
    tokens, pos = [], 0
    while len(tokens) < count:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        tokens.append(data[start:pos])
    return tokens, pos + 1


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    (magic, w, h, maxval), offset = _ppm_tokens(data, 4)
    if magic != b"P6" or int(maxval) != 255:
        raise ValueError("%s: not an 8-bit binary PPM" % path)
    w, h = int(w), int(h)
    return Image(w, h, data[offset:offset + w * h * 3])


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw, width, height, bpp):
    line = width * bpp
    out = bytearray(line * height)
    prev = bytearray(line)
    for y in range(height):
        ftype = raw[y * (line + 1)]
        cur = bytearray(raw[y * (line + 1) + 1:(y + 1) * (line + 1)])
        if ftype == 1:
            for i in range(bpp, line):
                cur[i] = (cur[i] + cur[i - bpp]) & 0xFF
        elif ftype == 2:
            for i in range(line):
                cur[i] = (cur[i] + prev[i]) & 0xFF
        elif ftype == 3:
            for i in range(line):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + (left + prev[i]) // 2) & 0xFF
        elif ftype == 4:
            for i in range(line):
                left = cur[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + _paeth(left, prev[i], up_left)) & 0xFF
        elif ftype != 0:
            raise ValueError("bad PNG filter type %d" % ftype)
        out[y * line:(y + 1) * line] = cur
        prev = cur
    return bytes(out)


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, header = 8, b"", None
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    bpp = {2: 3, 6: 4}.get(colour)
    if depth != 8 or bpp is None or interlace:
        raise ValueError("%s: unsupported PNG (want 8-bit RGB/RGBA, not interlaced)" % path)
    pixels = _unfilter(zlib.decompress(idat), width, height, bpp)
    if bpp == 4:
        pixels = b"".join(pixels[i:i + 3] for i in range(0, len(pixels), 4))
    return Image(width, height, pixels)


def write_png(path, image):
    def chunk(ctype, body):
        return (struct.pack(">I", len(body)) + ctype + body +
                struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF))
    line = image.width * 3
    raw = b"".join(b"\0" + image.rgb[y * line:(y + 1) * line] for y in range(image.height))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def differences(a, b, regions=None):
    """Compares two images (optionally only inside `regions`, a list of (x0, y0, x1, y1)
    rectangles). Returns None if they match, else a one-paragraph report: how many pixels
    differ, the first one with both colours, and the bounding box."""
    if (a.width, a.height) != (b.width, b.height):
        return "sizes differ: %dx%d vs %dx%d" % (a.width, a.height, b.width, b.height)
    regions = regions or [(0, 0, a.width, a.height)]
    count, first, box = 0, None, None
    for x0, y0, x1, y1 in regions:
        for y in range(y0, y1):
            ra, rb = a.row_bytes(y, x0, x1), b.row_bytes(y, x0, x1)
            if ra == rb:
                continue
            for x in range(x0, x1):
                i = (x - x0) * 3
                if ra[i:i + 3] == rb[i:i + 3]:
                    continue
                count += 1
                if first is None:
                    first = (x, y, tuple(ra[i:i + 3]), tuple(rb[i:i + 3]))
                box = (x, y, x, y) if box is None else (
                    min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y))
    if count == 0:
        return None
    x, y, ca, cb = first
    return ("%d pixels differ, within (%d,%d)-(%d,%d); first at (%d,%d): #%02x%02x%02x vs "
            "#%02x%02x%02x" % ((count,) + box + (x, y) + ca + cb))
