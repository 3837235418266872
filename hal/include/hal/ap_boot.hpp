// Starting an application processor (Intel SDM Vol. 3A §9.4, "Multiple-processor (MP)
// initialization"): the trampoline page it starts in (hal/x86/ap_trampoline.S), the
// temporary page tables that take it into long mode, and the INIT / start-up IPI sequence.
//
// The kernel (kernel/cpu/ap_start.cpp) decides which CPUs to start and what they run; this
// is the mechanism. The trampoline page lies below 1 MiB (a start-up IPI's vector is the
// page number) and the temporary PML4 below 4 GiB (it is loaded into CR3 in 32-bit mode);
// the temporary tables map the kernel's half (copied from the kernel's PML4) and the first
// 2 MiB one to one, so the trampoline keeps running when paging comes on.
#pragma once

#include <hal/ap_trampoline_layout.h>
#include <hal/lapic.hpp>
#include <libk/types.hpp>

namespace hal::ap {

// The data block at AP_DATA in the trampoline page (hal/ap_trampoline_layout.h).
struct [[gnu::packed]] TrampolineData {
  u64 gdt[4];  // null, 32-bit code, 32-bit data, 64-bit code
  u16 gdtr_limit;
  u32 gdtr_base;  // written by the trampoline
  u16 pad0;
  u32 far32_offset;  // written by the trampoline
  u16 far32_selector;
  u16 pad1;
  u32 far64_offset;  // written by the trampoline
  u16 far64_selector;
  u16 pad2;
  u64 cr3;  // the temporary tables
  u64 cr4;
  u64 efer;
  u64 cr0;
  u64 stack_top;
  u64 entry;  // [[noreturn]] void entry(u64 arg), in the kernel's half
  u64 arg;
};
static_assert(__builtin_offsetof(TrampolineData, gdtr_limit) == AP_GDTR);
static_assert(__builtin_offsetof(TrampolineData, far32_offset) == AP_FAR32);
static_assert(__builtin_offsetof(TrampolineData, far64_offset) == AP_FAR64);
static_assert(__builtin_offsetof(TrampolineData, cr3) == AP_CR3);
static_assert(__builtin_offsetof(TrampolineData, cr4) == AP_CR4);
static_assert(__builtin_offsetof(TrampolineData, efer) == AP_EFER);
static_assert(__builtin_offsetof(TrampolineData, cr0) == AP_CR0);
static_assert(__builtin_offsetof(TrampolineData, stack_top) == AP_STACK);
static_assert(__builtin_offsetof(TrampolineData, entry) == AP_ENTRY);
static_assert(__builtin_offsetof(TrampolineData, arg) == AP_ARG);
static_assert(sizeof(TrampolineData) == AP_DATA_SIZE);

// The page numbers a start-up IPI can name: 0x01..0xFF, but not 0xA0-0xBF (legacy video
// memory, where nothing can run).
constexpr bool page_usable_for_trampoline(u64 phys) {
  return phys % 4096 == 0 && phys >= 0x1000 && phys < 0xA0000;
}

// The trampoline's bytes (code and an empty data block), for copying into its page.
const u8* trampoline_image();
usize trampoline_size();

// The control registers an AP starts with: this CPU's CR0 and EFER.LME/NXE/SCE, CR4.PAE.
// The rest of CR4 (global pages, machine checks) the AP sets itself, as the BSP did.
struct StartState {
  u64 cr0, cr4, efer;
};
StartState start_state_of_this_cpu();

// Copies the trampoline into `page` (its virtual address) and fills the data block. Pure: it
// touches only `page`, so host tests check the result.
void install(void* page, const StartState& state, u64 temporary_cr3);
// Sets what the next AP to start runs: `entry(arg)` on `stack_top`.
void set_entry(void* page, u64 stack_top, u64 entry, u64 arg);

// The temporary page tables: `pml4` gets `kernel_pml4`'s upper half (the kernel's mappings),
// and its slot 0 maps physical 0-2 MiB one to one through `pdpt` and `pd` (a 2 MiB page). All
// three are 512-entry tables the caller zeroed; the addresses are their physical ones.
void build_temporary_tables(u64* pml4, u64* pdpt, u64* pd, const u64* kernel_pml4, u64 pdpt_phys,
                            u64 pd_phys);

// The INIT and start-up IPIs (SDM Vol. 3A §9.4.4.1): INIT asserts and resets the CPU into
// "wait for start-up IPI"; a start-up IPI starts it at `page_phys` in real mode. Each
// returns false if the local APIC did not take the IPI.
[[nodiscard]] bool send_init(LocalApic& apic, u32 apic_id);
[[nodiscard]] bool send_startup(LocalApic& apic, u32 apic_id, u64 page_phys);

}  // namespace hal::ap
