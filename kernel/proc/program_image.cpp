#include <boot/address_space.hpp>
#include <hal/interrupts.hpp>
#include <hal/user_mode.hpp>

#include "boot.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "proc/initrd.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process_table.hpp"
#include "proc/user_canary.hpp"

namespace kernel::proc {

libk::Result<void, abi::Error> load_segment(AddressSpace& space, const libk::elf::Segment& s,
                                            libk::Bytes file) {
  hal::paging::Permissions perms{.writable = s.writable(), .executable = s.executable()};
  u64 begin = libk::align_down(s.vaddr, libk::kPageSize);
  u64 end = libk::align_up(s.vaddr + s.memsz, libk::kPageSize);
  TRY(space.memory().add_image(begin, end, s.writable(), s.executable()));
  for (u64 page = begin; page < end; page += libk::kPageSize) {
    auto phys = space.map_page(page, perms);
    if (!phys) return libk::unexpected(abi::Error::NoMemory);
    u64 from = libk::max(page, s.vaddr);
    u64 to = libk::min(page + libk::kPageSize, s.vaddr + s.filesz);
    if (from >= to) continue;
    u8* dst = boot_info::physical_to_virtual<u8>(phys.value()) + (from - page);
    __builtin_memcpy(dst, file.data() + s.offset + (from - s.vaddr), to - from);
  }
  return {};
}

libk::Result<StartInfo, abi::Error> build_stack(AddressSpace& space,
                                                libk::Span<const libk::StringView> argv) {
  constexpr u64 kTop = boot::layout::kUserStackTop;
  u64 top_page = TRY(space.memory().add_stack());
  u8* page = boot_info::physical_to_virtual<u8>(top_page);
  u64 page_va = kTop - libk::kPageSize;
  u64 at = libk::kPageSize;  // offset in the top page, growing down
  u64 pointers[abi::kMaxArgs + 1] = {};
  for (usize i = 0; i < argv.size(); ++i) {
    at -= argv[i].size() + 1;
    __builtin_memcpy(page + at, argv[i].data(), argv[i].size());
    page[at + argv[i].size()] = 0;
    pointers[i] = page_va + at;
  }
  u64 table_bytes = (argv.size() + 1) * sizeof(u64);
  at = libk::align_down(at - table_bytes, 16);
  __builtin_memcpy(page + at, pointers, table_bytes);
  return StartInfo{0, page_va + at, argv.size(), page_va + at, 0};
}

[[noreturn]] void enter(void* arg) {
  auto* info = static_cast<StartInfo*>(arg);
  StartInfo start = *info;
  delete info;
  Process& p = self();
  {
    MutexLocker lock(table_lock);
    p.threads[start.tid].thread = &thread::current();
  }
  hal::interrupts::disable();
  if (must_stop(p)) {
    hal::interrupts::enable();
    leave_thread(p);
  }
  hal_enter_user(start.entry, start.stack, start.argc, start.argv, new_canary());
}

libk::Result<void, abi::Error> check_args(libk::Span<const libk::StringView> argv) {
  if (argv.size() > abi::kMaxArgs) return libk::unexpected(abi::Error::TooBig);
  usize bytes = 0;
  for (auto a : argv) bytes += a.size() + 1;
  if (bytes > abi::kMaxArgBytes) return libk::unexpected(abi::Error::TooBig);
  return {};
}

libk::Result<Program, abi::Error> find_program(libk::StringView path,
                                               libk::Span<const libk::StringView> argv) {
  TRY(check_args(argv));
  auto entry = initrd::find(path);
  if (!entry) return libk::unexpected(abi::Error::NoEntry);
  auto plan = libk::elf::validate_user_program(entry->data);
  if (!plan) {
    log::warn("proc: {}: not a user program: {}", path, plan.error());
    return libk::unexpected(abi::Error::NotExecutable);
  }
  return Program{entry->data, plan.value()};
}

}  // namespace kernel::proc
