// libFuzzer harness for the initrd's USTAR reader. Every entry it returns must lie inside the
// input with a well-formed path, the walk must end (the offset only grows), and errors must
// format. Any violation traps.
#include <stddef.h>
#include <stdint.h>

#include <libk/ustar.hpp>

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

void check_entry(const libk::ustar::Entry& e, libk::Bytes archive, u64& last_offset) {
  require(e.header_offset + libk::ustar::kBlockSize <= archive.size());
  require(e.header_offset >= last_offset);
  last_offset = e.header_offset + libk::ustar::kBlockSize;
  if (!e.data.empty()) {
    require(e.data.data() >= archive.data() + last_offset);
    require(e.data.data() + e.data.size() <= archive.data() + archive.size());
    volatile u8 sink = e.data[e.data.size() - 1];  // ASan checks the last byte is readable
    (void)sink;
  }
  libk::StringView path = e.path();
  require(!path.empty() && path.size() <= libk::ustar::kMaxPath);
  require(e.path_buffer[path.size()] == 0);
  require(!path.starts_with("/") && !path.ends_with("/"));
  for (char c : path) require(c >= 0x20 && c <= 0x7e);
  require(libk::ustar::normalize(path) == path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  libk::Bytes archive(data, size);
  libk::ustar::Reader reader(archive);
  u64 last_offset = 0;
  usize count = 0;
  while (true) {
    auto entry = reader.next();
    if (!entry) {
      char text[128];
      libk::BufferSink sink(text, sizeof(text));
      libk::format_to(sink, "{}", entry.error());
      require(sink.length() > 0);
      require(libk::ustar::problem_name(entry.error().problem) != "unknown");
      break;
    }
    if (!entry.value()) break;
    check_entry(*entry.value(), archive, last_offset);
    require(++count <= size / libk::ustar::kBlockSize);
  }
  auto found = libk::ustar::find(archive, "bin/hello");
  if (found.ok() && found.value()) require(found.value()->path() == "bin/hello");
  return 0;
}
