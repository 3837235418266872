// libFuzzer harness for the backtrace demangler (libk/demangle.hpp): any string either
// demangles within bounds or is declined, and a declined name is written unchanged.
#include <libk/demangle.hpp>

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  libk::StringView name(reinterpret_cast<const char*>(data), size);
  char buffer[512];
  libk::BufferSink sink(buffer, sizeof(buffer));
  bool ok = libk::demangle(name, sink);
  if (!ok && sink.length() != 0) __builtin_trap();  // declining writes nothing
  libk::BufferSink fallback(buffer, sizeof(buffer));
  libk::write_symbol_name(fallback, name);
  if (!ok && size < sizeof(buffer) && !(fallback.view() == name)) __builtin_trap();
  return 0;
}
