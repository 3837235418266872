#include <hal/ap_boot.hpp>
#include <hal/descriptors.hpp>
#include <hal/paging.hpp>
#include <hal/registers.hpp>

extern "C" const u8 hal_ap_trampoline_start[];
extern "C" const u8 hal_ap_trampoline_end[];

namespace hal::ap {

namespace {

using Icr = InterruptCommand;

TrampolineData& data_of(void* page) {
  return *reinterpret_cast<TrampolineData*>(static_cast<u8*>(page) + AP_DATA);
}

}  // namespace

const u8* trampoline_image() { return hal_ap_trampoline_start; }
usize trampoline_size() { return usize(hal_ap_trampoline_end - hal_ap_trampoline_start); }

StartState start_state_of_this_cpu() {
  Efer efer = Efer::read();
  return {Cr0::read().raw(), Cr4(0).set_pae(true).raw(),
          Efer(0).set_lme(true).set_nxe(efer.nxe()).set_sce(efer.sce()).raw()};
}

void install(void* page, const StartState& state, u64 temporary_cr3) {
  __builtin_memcpy(page, trampoline_image(), trampoline_size());
  TrampolineData& d = data_of(page);
  d.gdt[0] = 0;
  // Flat segments for the trip through protected mode into long mode.
  using S = SegmentDescriptor;
  d.gdt[1] = S::flat(S::kTypeCodeExecuteRead).set_default_32bit(true).raw();
  d.gdt[2] = S::flat(S::kTypeDataReadWrite).set_default_32bit(true).raw();
  d.gdt[3] = S::flat(S::kTypeCodeExecuteRead).set_long_mode(true).raw();
  d.gdtr_limit = sizeof(d.gdt) - 1;
  d.far32_selector = AP_SELECTOR_CODE32;
  d.far64_selector = AP_SELECTOR_CODE64;
  d.cr3 = temporary_cr3;
  d.cr4 = state.cr4;
  d.efer = state.efer;
  d.cr0 = state.cr0;
}

void set_entry(void* page, u64 stack_top, u64 entry, u64 arg) {
  TrampolineData& d = data_of(page);
  d.stack_top = stack_top;
  d.entry = entry;
  d.arg = arg;
}

void build_temporary_tables(u64* pml4, u64* pdpt, u64* pd, const u64* kernel_pml4, u64 pdpt_phys,
                            u64 pd_phys) {
  for (usize i = 256; i < 512; ++i) pml4[i] = kernel_pml4[i];
  auto table = [](u64 phys) {
    return paging::PageEntry(0).set_present(true).set_writable(true).set_address(phys).raw();
  };
  pml4[0] = table(pdpt_phys);
  pdpt[0] = table(pd_phys);
  pd[0] = paging::PageEntry(0).set_present(true).set_writable(true).set_huge(true).raw();
}

bool send_init(LocalApic& apic, u32 apic_id) {
  return apic.send_ipi(apic_id, Icr(0).set_delivery(Icr::Delivery::Init).set_assert_level(true));
}

bool send_startup(LocalApic& apic, u32 apic_id, u64 page_phys) {
  if (!page_usable_for_trampoline(page_phys)) return false;
  return apic.send_ipi(apic_id, Icr(0)
                                    .set_delivery(Icr::Delivery::StartUp)
                                    .set_assert_level(true)
                                    .set_vector(u8(page_phys >> 12)));
}

}  // namespace hal::ap
