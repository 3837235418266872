// The backtrace demangler (libk/demangle.hpp): the name forms kernel frames have, and a
// clean refusal of everything else.
#include <catch2/catch.hpp>
#include <string>

#include <libk/demangle.hpp>

namespace {

std::string demangled(const char* mangled) {
  char buffer[300];
  libk::BufferSink sink(buffer, sizeof(buffer));
  if (!libk::demangle(mangled, sink)) return "<declined>";
  return std::string(sink.view().data(), sink.view().size());
}

}  // namespace

TEST_CASE("nested names are joined with ::, parameters dropped", "[demangle]") {
  CHECK(demangled("_ZN6kernel3log4initEv") == "kernel::log::init");
  CHECK(demangled("_ZN6kernel7symbols5writeERN4libk4SinkEm") == "kernel::symbols::write");
  CHECK(demangled("_ZN4libk3elf11SymbolTable5parseENS_4SpanIKhEE") ==
        "libk::elf::SymbolTable::parse");
}

TEST_CASE("the anonymous namespace is spelled out", "[demangle]") {
  CHECK(demangled("_ZN6kernel12_GLOBAL__N_117divide_error_hereEm") ==
        "kernel::(anonymous namespace)::divide_error_here");
}

TEST_CASE("plain, internal-linkage and std:: names", "[demangle]") {
  CHECK(demangled("_Z11kernel_mainPKN4boot8BootInfoE") == "kernel_main");
  CHECK(demangled("_ZL6helperv") == "helper");
  CHECK(demangled("_ZSt9terminatev") == "std::terminate");
  CHECK(demangled("_ZNSt6vectorE") == "std::vector");
}

TEST_CASE("constructors, destructors, const methods and operators", "[demangle]") {
  CHECK(demangled("_ZN3hal9LocalApicC2ERNS_13ApicRegistersE") == "hal::LocalApic::LocalApic");
  CHECK(demangled("_ZN4libk10BufferSinkD0Ev") == "libk::BufferSink::~BufferSink");
  CHECK(demangled("_ZNK4libk10StringView4findEcm") == "libk::StringView::find");
  CHECK(demangled("_ZNK4libk10StringVieweqES0_") == "libk::StringView::operator==");
  CHECK(demangled("_ZN4libk10BufferSinkclEv") == "libk::BufferSink::operator()");
}

TEST_CASE("templates, local names and non-mangled names are declined", "[demangle]") {
  CHECK(demangled("_ZN4libk9format_toIJiEEEvRNS_4SinkENS_17BasicFormatStringIJiEEEDpRKT_") ==
        "<declined>");
  CHECK(demangled("_ZZN6kernel4idleEvENK3$_0clEv") == "<declined>");
  CHECK(demangled("_Z3maxIiET_S0_S0_") == "<declined>");
  CHECK(demangled("kernel_main") == "<declined>");
  CHECK(demangled("_Z") == "<declined>");
  CHECK(demangled("_ZN") == "<declined>");
  CHECK(demangled("_ZN6kern") == "<declined>");    // length past the end
  CHECK(demangled("_ZN99999kE") == "<declined>");  // absurd length
  CHECK(demangled("_ZN3fooC") == "<declined>");    // truncated constructor
}

TEST_CASE("write_symbol_name falls back to the mangled name", "[demangle]") {
  char buffer[100];
  libk::BufferSink sink(buffer, sizeof(buffer));
  libk::write_symbol_name(sink, "_Z3maxIiET_S0_S0_");
  libk::write_symbol_name(sink, " ");
  libk::write_symbol_name(sink, "_ZN1a1bEv");
  CHECK(std::string(sink.c_str()) == "_Z3maxIiET_S0_S0_ a::b");
}
