#include "png.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <zlib.h>

namespace image {

namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

uint32_t get_u32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

void put_chunk(std::vector<uint8_t>& out, const char type[4], const std::vector<uint8_t>& data) {
  put_u32(out, uint32_t(data.size()));
  size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  uLong crc = crc32(0, out.data() + start, uInt(out.size() - start));
  put_u32(out, uint32_t(crc));
}

// The Paeth predictor (PNG spec §9.4).
uint8_t paeth(int a, int b, int c) {
  int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return uint8_t(a);
  return uint8_t(pb <= pc ? b : c);
}

// Undoes the per-line filters in place (PNG spec §9.2); `bpp` bytes per pixel.
bool unfilter(std::vector<uint8_t>& raw, uint32_t width, uint32_t height, uint32_t bpp,
              std::vector<uint8_t>& out) {
  size_t line = size_t(width) * bpp;
  if (raw.size() < (line + 1) * height) return false;
  out.assign(line * height, 0);
  for (uint32_t y = 0; y < height; ++y) {
    uint8_t filter = raw[y * (line + 1)];
    const uint8_t* in = &raw[y * (line + 1) + 1];
    uint8_t* cur = &out[y * line];
    const uint8_t* prev = y ? &out[(y - 1) * line] : nullptr;
    for (size_t i = 0; i < line; ++i) {
      int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
      int c = prev && i >= bpp ? prev[i - bpp] : 0;
      switch (filter) {
        case 0: cur[i] = in[i]; break;
        case 1: cur[i] = uint8_t(in[i] + a); break;
        case 2: cur[i] = uint8_t(in[i] + b); break;
        case 3: cur[i] = uint8_t(in[i] + (a + b) / 2); break;
        case 4: cur[i] = uint8_t(in[i] + paeth(a, b, c)); break;
        default: return false;
      }
    }
  }
  return true;
}

}  // namespace

std::string write_png(const std::string& path, const Image& img) {
  std::vector<uint8_t> raw;
  raw.reserve((size_t(img.width) * 3 + 1) * img.height);
  for (uint32_t y = 0; y < img.height; ++y) {
    raw.push_back(0);  // filter: none
    for (uint32_t x = 0; x < img.width; ++x) {
      Rgb8 p = img.at(x, y);
      raw.insert(raw.end(), {p.r, p.g, p.b});
    }
  }
  uLongf packed_size = compressBound(uLong(raw.size()));
  std::vector<uint8_t> packed(packed_size);
  if (compress2(packed.data(), &packed_size, raw.data(), uLong(raw.size()), 9) != Z_OK)
    return "zlib compression failed";
  packed.resize(packed_size);
  std::vector<uint8_t> header;
  put_u32(header, img.width);
  put_u32(header, img.height);
  header.insert(header.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, no interlace
  std::vector<uint8_t> file(kSignature, kSignature + 8);
  put_chunk(file, "IHDR", header);
  put_chunk(file, "IDAT", packed);
  put_chunk(file, "IEND", {});
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(file.data()), std::streamsize(file.size()));
  return f ? "" : "cannot write " + path;
}

std::string write_ppm(const std::string& path, const Image& img) {
  std::ofstream f(path, std::ios::binary);
  f << "P6\n" << img.width << " " << img.height << "\n255\n";
  f.write(reinterpret_cast<const char*>(img.pixels.data()), std::streamsize(img.pixels.size() * 3));
  return f ? "" : "cannot write " + path;
}

std::string read_png(const std::string& path, Image& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "cannot open " + path;
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (file.size() < 8 || std::memcmp(file.data(), kSignature, 8) != 0) return path + ": not a PNG";
  uint32_t width = 0, height = 0, bpp = 0;
  std::vector<uint8_t> idat;
  for (size_t pos = 8; pos + 12 <= file.size();) {
    uint32_t length = get_u32(&file[pos]);
    if (length > file.size() - pos - 12) return path + ": truncated chunk";
    std::string type(reinterpret_cast<const char*>(&file[pos + 4]), 4);
    const uint8_t* data = &file[pos + 8];
    if (type == "IHDR" && length >= 13) {
      width = get_u32(data), height = get_u32(data + 4);
      uint8_t depth = data[8], colour = data[9], interlace = data[12];
      bpp = colour == 2 ? 3 : colour == 6 ? 4 : colour == 0 ? 1 : 0;
      if (depth != 8 || bpp == 0 || interlace != 0) return path + ": unsupported PNG flavour";
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + length);
    }
    pos += 12 + length;
  }
  if (width == 0 || height == 0 || width > 16384 || height > 16384) return path + ": bad size";
  std::vector<uint8_t> raw((size_t(width) * bpp + 1) * height);
  uLongf raw_size = uLongf(raw.size());
  if (uncompress(raw.data(), &raw_size, idat.data(), uLong(idat.size())) != Z_OK)
    return path + ": corrupt image data";
  std::vector<uint8_t> pixels;
  if (!unfilter(raw, width, height, bpp, pixels)) return path + ": bad filter data";
  out.width = width, out.height = height;
  out.pixels.resize(size_t(width) * height);
  for (size_t i = 0; i < out.pixels.size(); ++i) {
    const uint8_t* p = &pixels[i * bpp];
    out.pixels[i] = bpp == 1 ? Rgb8{p[0], p[0], p[0]} : Rgb8{p[0], p[1], p[2]};
  }
  return "";
}

}  // namespace image
