// The typed register helper (hal/bit_register.hpp) and the registers declared with it: each
// bit and field reads and writes exactly its own bits.
#include <catch2/catch.hpp>

#include <hal/descriptors.hpp>
#include <hal/exceptions.hpp>
#include <hal/hpet.hpp>
#include <hal/paging.hpp>
#include <hal/pat.hpp>
#include <hal/registers.hpp>

#include "string_sink.hpp"

namespace {

enum class Colour : u8 { Red = 1, Green = 2, Blue = 5 };

class Sample : public hal::detail::BitRegister<Sample> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, low);
  HAL_BIT(63, top);
  HAL_FIELD(u8, 11, 4, byte);
  HAL_FIELD(Colour, 14, 12, colour);
  HAL_ADDRESS(51, 12, frame);
};

}  // namespace

TEST_CASE("a declared bit reads and writes only its own position", "[registers]") {
  Sample s(0);
  CHECK(s.set_top(true).raw() == 1ull << 63);
  CHECK(s.top());
  CHECK_FALSE(s.low());
  CHECK(s.set_low(true).set_top(false).raw() == 1);
  CHECK(Sample(~u64{0}).set_low(false).raw() == ~u64{1});
}

TEST_CASE("a field is shifted to bit 0 and never spills into its neighbours", "[registers]") {
  Sample s(0);
  s.set_byte(0xAB);
  CHECK(s.raw() == 0xAB0);
  CHECK(s.byte() == 0xAB);
  CHECK(Sample(~u64{0}).set_byte(0).raw() == ~u64{0xFF0});
  s.set_colour(Colour::Blue);
  CHECK(s.colour() == Colour::Blue);
  CHECK(s.byte() == 0xAB);
  CHECK(s.raw() == (0xAB0 | 5u << 12));
  // A value wider than the field: the extra bits are dropped, not written next door.
  Sample t(0);
  t.set_colour(Colour(0xFF));
  CHECK(t.raw() == 7u << 12);
}

TEST_CASE("an address field keeps the address in place and ignores other bits", "[registers]") {
  Sample s(0xFFF);  // low bits already set
  s.set_frame(0x1234'5678'9ABC'DEF0);
  CHECK(s.frame() == 0x0004'5678'9ABC'D000);  // bits 51:12 only
  CHECK((s.raw() & 0xFFF) == 0xFFF);          // the flags below the frame untouched
  CHECK_FALSE(s.top());
}

TEST_CASE("the field mask covers exactly high:low", "[registers]") {
  CHECK(Sample::mask(0, 0) == 1);
  CHECK(Sample::mask(63, 0) == ~u64{0});
  CHECK(Sample::mask(63, 63) == 1ull << 63);
  CHECK(Sample::mask(51, 12) == 0x000F'FFFF'FFFF'F000);
}

TEST_CASE("CR0, CR4, EFER and RFLAGS bits sit where the SDM puts them", "[registers]") {
  CHECK(hal::Cr0(0).set_wp(true).raw() == 1u << 16);
  CHECK(hal::Cr0(0x8001'0033).pg());
  CHECK(hal::Cr0(0x8001'0033).ne());
  CHECK_FALSE(hal::Cr0(0x8001'0033).cd());
  CHECK(hal::Cr4(0).set_pge(true).set_mce(true).raw() == (1u << 7 | 1u << 6));
  CHECK(hal::Cr4(1u << 17).pcide());
  CHECK(hal::Efer(0).set_nxe(true).raw() == 1u << 11);
  CHECK(hal::Efer(0x500).lma());
  CHECK(hal::Efer(0x500).lme());
  CHECK(hal::Rflags(0x202).interrupt_enable());
  CHECK(hal::Rflags(0x3000).iopl() == 3);
}

TEST_CASE("CR0 and CR4 are printed with their bit names", "[registers][exceptions]") {
  test::StringSink cr0, cr4;
  hal::exceptions::describe_cr0(cr0, 0x8001'0033);
  CHECK(cr0.out == "0x80010033 [PE MP ET NE WP PG]");
  hal::exceptions::describe_cr4(cr4, 0x668);
  CHECK(cr4.out == "0x668 [DE PAE MCE OSFXSR OSXMMEXCPT]");
}

TEST_CASE("HPET capabilities decode QEMU's register", "[registers]") {
  hal::HpetCapabilities caps(0x0098'9680'8086'A201);
  CHECK(caps.revision() == 1);
  CHECK(caps.timers() == 3);
  CHECK(caps.counter_64bit());
  CHECK(caps.legacy_replacement());
  CHECK(caps.vendor() == 0x8086);
  CHECK(caps.period_fs() == 10'000'000);
  CHECK_FALSE(hal::HpetCapabilities(0x0098'9680'8086'8201).counter_64bit());
}

TEST_CASE("Ember's PAT layout changes only entry 4, to write-combining", "[registers]") {
  CHECK(hal::Pat::ember_layout() == 0x0007'0401'0007'0406);
  hal::Pat pat(hal::Pat::ember_layout());
  CHECK(pat.entry(4) == hal::MemoryType::WriteCombining);
  CHECK(pat.entry(0) == hal::MemoryType::WriteBack);
  CHECK(pat.entry(3) == hal::MemoryType::Uncacheable);
  CHECK(pat.entry(7) == hal::MemoryType::Uncacheable);
}

TEST_CASE("selector error codes split into flags and a 13-bit index", "[registers]") {
  hal::exceptions::SelectorError e(0xFFFF);
  CHECK(e.index() == 0x1FFF);
  CHECK(e.external());
  CHECK(e.idt());
  CHECK(e.ldt());
  CHECK(hal::exceptions::SelectorError(0x1230).index() == 582);
}

TEST_CASE("page-table entry masks come from the typed entry at the SDM's positions",
          "[registers][paging]") {
  using namespace hal::paging;
  CHECK(kPresent == 1);
  CHECK(kWritable == 2);
  CHECK(kUser == 4);
  CHECK(kWriteThrough == 8);
  CHECK(kCacheDisable == 0x10);
  CHECK(kHuge == 0x80);
  CHECK(kPat4K == 0x80);
  CHECK(kGlobal == 0x100);
  CHECK(kPatLarge == 0x1000);
  CHECK(kNoExecute == 1ull << 63);
  CHECK(kAddressMask == 0x000F'FFFF'FFFF'F000);
  PageEntry e = PageEntry(0).set_address(0x1234'5000).set_present(true).set_no_execute(true);
  CHECK(e.raw() == (0x1234'5000 | 1 | 1ull << 63));
  CHECK(e.address() == 0x1234'5000);
}

TEST_CASE("a write-combining leaf puts PAT at bit 7 in a PTE and bit 12 in a large page",
          "[registers][paging]") {
  using namespace hal::paging;
  Permissions wc{.writable = true, .cache = Cache::WriteCombining};
  CHECK(PageTables::leaf_flags(wc, PageSize::Size4K) ==
        (kPresent | kWritable | kNoExecute | kPat4K));
  CHECK(PageTables::leaf_flags(wc, PageSize::Size2M) ==
        (kPresent | kWritable | kNoExecute | kHuge | kPatLarge));
  Permissions uc{.executable = true, .cache = Cache::Uncached};
  CHECK(PageTables::leaf_flags(uc, PageSize::Size4K) == (kPresent | kCacheDisable | kWriteThrough));
}

TEST_CASE("a TSS descriptor splits its base and limit where the SDM says", "[registers]") {
  u64 base = 0xFFFF'FFFF'8012'3456;
  hal::SegmentDescriptor d = hal::SegmentDescriptor(0)
                                 .set_base(base)
                                 .set_limit(103)
                                 .set_type(hal::SegmentDescriptor::kTypeTssAvailable)
                                 .set_present(true);
  // Limit 15:0 | base 23:0 << 16 | type << 40 | P | limit 19:16 << 48 | base 31:24 << 56.
  CHECK(d.raw() == (103 | 0x12'3456ull << 16 | 0x9ull << 40 | 1ull << 47 | 0x80ull << 56));
  CHECK(d.base() == 0x8012'3456);
  CHECK(d.limit() == 103);
  CHECK_FALSE(d.code_or_data());
}

TEST_CASE("an interrupt gate splits its offset over three places", "[registers]") {
  u64 handler = 0xFFFF'FFFF'8000'1234;
  hal::GateDescriptor g = hal::GateDescriptor(0)
                              .set_offset(handler)
                              .set_selector(0x08)
                              .set_ist(2)
                              .set_type(hal::GateDescriptor::kTypeInterruptGate)
                              .set_present(true);
  CHECK(g.raw() ==
        (0x1234 | 0x08ull << 16 | 2ull << 32 | 0xEull << 40 | 1ull << 47 | 0x8000ull << 48));
  CHECK(g.offset() == 0x8000'1234);
  CHECK(g.ist() == 2);
  CHECK(g.dpl() == 0);
}

TEST_CASE("CR3's base() is the top-level table's address without PCID or cache bits",
          "[registers]") {
  hal::Cr3 cr3(0x8000'0000'1E53'1018);  // no-flush bit, PML4 at 0x1e531000, PCD, PWT
  CHECK(cr3.base() == 0x1E53'1000);
  CHECK(cr3.write_through());
  CHECK(cr3.cache_disable());
  CHECK(cr3.pcid() == 0x018);  // the same low bits read as a PCID under CR4.PCIDE
  CHECK(cr3.keep_tlb());
  CHECK(hal::Cr3(0).set_base(0x1E53'1000).raw() == 0x1E53'1000);
  CHECK(hal::Cr3(0xFFF).set_base(0x0012'3456'7000).raw() == 0x0012'3456'7FFF);
}
