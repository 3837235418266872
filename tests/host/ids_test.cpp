// The PCI and USB name tables the kernel embeds (kernel/ids: generated from Debian's pci.ids
// and usb.ids by tools/ids2cpp.py) and their lookup (libk/ids.hpp): every vendor name
// decodes to exactly what the database says, device and class names are found, and the
// tables stay within their budget.
#include <catch2/catch.hpp>
#include <fstream>
#include <ids/ids_tables.hpp>
#include <map>
#include <regex>
#include <string>

#include <libk/ids.hpp>

using namespace libk::ids;
using generated::kPciIds;
using generated::kUsbIds;

namespace {

std::string text(const Name& name) {
  char buffer[256];
  libk::BufferSink sink(buffer, sizeof(buffer));
  name.write(sink);
  return std::string(sink.view().data(), sink.view().size());
}

// Vendor lines ("8086  Intel Corporation") of an .ids file, up to its class list.
std::map<u16, std::string> vendors_in(const char* path) {
  std::map<u16, std::string> out;
  std::ifstream in(path);
  std::regex vendor("^([0-9a-f]{4})  (.*)$");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("C ", 0) == 0) break;
    std::smatch m;
    if (std::regex_match(line, m, vendor)) out[u16(std::stoul(m[1], nullptr, 16))] = m[2];
  }
  return out;
}

}  // namespace

TEST_CASE("every PCI and USB vendor name decodes to what the database says", "[ids]") {
  for (auto [path, table] : {std::pair{EMBER_PCI_IDS, &kPciIds}, {EMBER_USB_IDS, &kUsbIds}}) {
    auto vendors = vendors_in(path);
    REQUIRE(vendors.size() > 2000);
    for (const auto& [id, name] : vendors) {
      INFO(path << " vendor " << std::hex << id);
      CHECK(text(vendor(*table, id)) == name);
    }
  }
}

TEST_CASE("QEMU's devices and USB controllers have device names", "[ids]") {
  CHECK(text(device(kPciIds, 0x1b36, 0x000d)) == "QEMU XHCI Host Controller");
  CHECK(text(device(kPciIds, 0x1033, 0x0194)) == "uPD720200 USB 3.0 Host Controller");
  CHECK(text(device(kPciIds, 0x8086, 0x2922)).find("SATA Controller [AHCI mode]") !=
        std::string::npos);
  CHECK(text(device(kUsbIds, 0x0627, 0x0001)) == "QEMU Tablet");
  CHECK(text(device(kUsbIds, 0x1d6b, 0x0003)) == "3.0 root hub");
}

TEST_CASE("classes, subclasses and interfaces are named at each level", "[ids]") {
  CHECK(text(class_name(kPciIds, 0x0c)) == "Serial bus controller");
  CHECK(text(subclass_name(kPciIds, 0x0c, 0x03)) == "USB controller");
  CHECK(text(interface_name(kPciIds, 0x0c, 0x03, 0x30)) == "XHCI");
  CHECK(text(class_name(kUsbIds, 0x03)) == "Human Interface Device");
  CHECK(text(interface_name(kUsbIds, 0x03, 0x01, 0x01)) == "Keyboard");
  CHECK(text(interface_name(kUsbIds, 0x03, 0x01, 0x02)) == "Mouse");
  CHECK(text(class_name(kUsbIds, 0x09)) == "Hub");
}

TEST_CASE("an ID that is not in a table is not found and formats as nothing", "[ids]") {
  CHECK_FALSE(vendor(kPciIds, 0x0002).found());
  CHECK_FALSE(device(kPciIds, 0x1b36, 0xfffe).found());
  CHECK_FALSE(device(kPciIds, 0x10de, 0x0001).found());  // a vendor without device names
  CHECK_FALSE(interface_name(kPciIds, 0x0c, 0x03, 0x31).found());
  char buffer[16];
  CHECK(libk::format_into(buffer, sizeof(buffer), "[{}]", vendor(kPciIds, 2)) == 2);
}

TEST_CASE("the first and last entries of each sparse block are found", "[ids]") {
  // Vendors 0, 31, 32, 33 and the last exercise the skip over names within a block.
  for (usize i : {usize{0}, usize{31}, usize{32}, usize{33}, kPciIds.vendor_ids.size() - 1}) {
    INFO(i);
    CHECK(vendor(kPciIds, kPciIds.vendor_ids[i]).found());
  }
}

TEST_CASE("a name pads to a width", "[ids]") {
  char buffer[64];
  libk::format_into(buffer, sizeof(buffer), "{:<20}|", class_name(kUsbIds, 0x09));
  CHECK(std::string(buffer) == "Hub                 |");
}

TEST_CASE("the name tables stay within the budget the build states", "[ids]") {
  CHECK(generated::table_bytes() <= 112 * 1024);
  CHECK(generated::table_bytes() > 64 * 1024);  // every vendor is in
}
