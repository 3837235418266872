// The application-processor start-up pieces that need no CPU (hal/ap_boot.hpp): the
// trampoline page as the kernel fills it, and the temporary page tables.
#include <catch2/catch.hpp>
#include <vector>

#include <hal/ap_boot.hpp>
#include <hal/descriptors.hpp>
#include <hal/paging.hpp>

using hal::SegmentDescriptor;
using hal::paging::PageEntry;

TEST_CASE("The trampoline fits its page, code before the data block", "[ap]") {
  CHECK(hal::ap::trampoline_size() == AP_DATA + AP_DATA_SIZE);
  CHECK(hal::ap::trampoline_size() <= 4096);
  // The real-mode entry is at offset 0 (a start-up IPI starts at IP 0): `cli` (FAh).
  CHECK(hal::ap::trampoline_image()[0] == 0xFA);
}

TEST_CASE("Installing the trampoline copies the code and fills the data block", "[ap]") {
  alignas(4096) static u8 page[4096];
  __builtin_memset(page, 0xCC, sizeof(page));
  hal::ap::StartState state{0x8005'0033, 0x20, 0xD01};
  hal::ap::install(page, state, 0x7'1000);
  hal::ap::set_entry(page, 0xFFFF'C000'0001'0000, 0xFFFF'FFFF'8000'1234, 3);
  CHECK(__builtin_memcmp(page, hal::ap::trampoline_image(), AP_DATA) == 0);
  auto& d = *reinterpret_cast<hal::ap::TrampolineData*>(page + AP_DATA);
  CHECK(d.gdt[0] == 0);
  SegmentDescriptor code32(d.gdt[1]), data32(d.gdt[2]), code64(d.gdt[3]);
  CHECK(code32.present());
  CHECK(code32.default_32bit());
  CHECK_FALSE(code32.long_mode());
  CHECK(code32.type() == SegmentDescriptor::kTypeCodeExecuteRead);
  CHECK(data32.type() == SegmentDescriptor::kTypeDataReadWrite);
  CHECK(code64.long_mode());
  CHECK_FALSE(code64.default_32bit());  // L=1 requires D=0 (SDM Vol. 3A §5.2.1)
  CHECK(d.gdtr_limit == 31);
  CHECK(d.far32_selector == AP_SELECTOR_CODE32);
  CHECK(d.far64_selector == AP_SELECTOR_CODE64);
  CHECK(d.cr3 == 0x7'1000);
  CHECK(d.cr0 == 0x8005'0033);
  CHECK(d.cr4 == 0x20);
  CHECK(d.efer == 0xD01);
  CHECK(d.stack_top == 0xFFFF'C000'0001'0000);
  CHECK(d.entry == 0xFFFF'FFFF'8000'1234);
  CHECK(d.arg == 3);
}

TEST_CASE("The temporary tables map the kernel half and the first 2 MiB one to one", "[ap]") {
  std::vector<u64> kernel(512), pml4(512), pdpt(512), pd(512);
  for (usize i = 0; i < 512; ++i) kernel[i] = i >= 256 ? (0x10'0000 + i * 0x1000) | 3 : 0;
  hal::ap::build_temporary_tables(pml4.data(), pdpt.data(), pd.data(), kernel.data(), 0x7'2000,
                                  0x7'3000);
  for (usize i = 256; i < 512; ++i) CHECK(pml4[i] == kernel[i]);
  for (usize i = 1; i < 256; ++i) CHECK(pml4[i] == 0);
  PageEntry top(pml4[0]), middle(pdpt[0]), page(pd[0]);
  CHECK((top.present() && top.writable() && top.address() == 0x7'2000));
  CHECK((middle.present() && middle.address() == 0x7'3000 && !middle.huge()));
  CHECK((page.present() && page.huge() && page.address() == 0));
  CHECK_FALSE(page.no_execute());  // the trampoline runs from there
}

TEST_CASE("A start-up IPI can name only pages below 640 KiB, not page 0", "[ap]") {
  CHECK(hal::ap::page_usable_for_trampoline(0x8000));
  CHECK(hal::ap::page_usable_for_trampoline(0x9F000));
  CHECK_FALSE(hal::ap::page_usable_for_trampoline(0));
  CHECK_FALSE(hal::ap::page_usable_for_trampoline(0xA0000));  // legacy video memory
  CHECK_FALSE(hal::ap::page_usable_for_trampoline(0x8800));   // not page-aligned
}
