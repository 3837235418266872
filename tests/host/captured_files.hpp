// Byte files captured from QEMU's devices (tests/data/<kind>/<machine>/NAME.bin, written by
// tools/capture_devices.py): PCI configuration spaces and USB descriptors, read by name.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <libk/span.hpp>

#ifndef EMBER_TEST_DATA_DIR
#error "EMBER_TEST_DATA_DIR must name tests/data (set by tests/meson.build)"
#endif

namespace ember_test {

inline std::vector<u8> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every NAME.bin under tests/data/<kind>/<machine>/, by NAME.
inline std::map<std::string, std::vector<u8>> captured_files(const std::string& kind,
                                                             const std::string& machine) {
  std::map<std::string, std::vector<u8>> files;
  std::filesystem::path dir = std::filesystem::path(EMBER_TEST_DATA_DIR) / kind / machine;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".bin")
      files[entry.path().stem().string()] = read_file(entry.path());
  if (files.empty()) throw std::runtime_error("no captured files in " + dir.string());
  return files;
}

inline libk::Bytes bytes(const std::vector<u8>& v) { return {v.data(), v.size()}; }

}  // namespace ember_test
