// Host-side physical memory made of ACPI tables captured from QEMU (tests/data/acpi/<machine>/
// <signature>@<address>.bin), served at their original addresses, for the parser tests and
// the fuzzer's seeds.
#pragma once

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <libk/acpi.hpp>

#ifndef EMBER_TEST_DATA_DIR
#error "EMBER_TEST_DATA_DIR must name tests/data (set by tests/meson.build)"
#endif

namespace ember_test {

class CapturedMemory final : public libk::acpi::PhysicalMemory {
 public:
  explicit CapturedMemory(const std::string& machine) {
    std::string dir = std::string(EMBER_TEST_DATA_DIR) + "/acpi/" + machine;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      auto at = name.find('@');
      if (entry.path().extension() != ".bin" || at == std::string::npos) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::vector<u8> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      u64 address = std::stoull(name.substr(at + 1), nullptr, 16);
      regions_[address] = std::move(bytes);
      names_[name.substr(0, at)] = address;
    }
    if (regions_.empty()) throw std::runtime_error("no captured ACPI tables for " + machine);
  }

  libk::Bytes read(u64 address, u64 length) override {
    for (auto& [base, bytes] : regions_) {
      if (address >= base && address - base <= bytes.size() &&
          length <= bytes.size() - (address - base))
        return {bytes.data() + (address - base), length};
    }
    return {};
  }

  u64 address_of(const std::string& signature) const { return names_.at(signature); }
  u64 rsdp_address() const { return address_of("RSDP"); }
  std::vector<u8>& region(const std::string& signature) {
    return regions_.at(address_of(signature));
  }

 private:
  std::map<u64, std::vector<u8>> regions_;
  std::map<std::string, u64> names_;
};

inline void fix_table_checksum(std::vector<u8>& table, size_t length = 0) {
  if (length == 0) length = table.size();
  table[9] = 0;
  u8 sum = 0;
  for (size_t i = 0; i < length; ++i) sum = u8(sum + table[i]);
  table[9] = u8(-sum);
}

inline void fix_rsdp_checksum(std::vector<u8>& rsdp) {
  rsdp[8] = 0;
  u8 sum = 0;
  for (size_t i = 0; i < 20; ++i) sum = u8(sum + rsdp[i]);
  rsdp[8] = u8(-sum);
}

inline void set_length(std::vector<u8>& table, u32 length) { std::memcpy(&table[4], &length, 4); }

}  // namespace ember_test
