// malloc, free, calloc, realloc and operator new/delete for user programs (docs/processes.md,
// "A process's memory"). A deliberately simple design:
//
// - Every block starts with a 16-byte header (so the payload is 16-byte aligned): the block's
//   size (header included) and a tag saying small, large or freed, which catches frees of
//   pointers malloc never returned and double frees (the program ends with status 134).
// - Small blocks (up to 4 KiB with the header) come in eight power-of-two classes from 32
//   bytes. They are carved from the brk heap, which grows 64 KiB at a time, and a freed block
//   goes on its class's free list for the next malloc of that class. The heap never shrinks.
// - Larger requests get their own mmap (rounded up to pages) and free() unmaps it at once,
//   so touching a freed large block faults.
//
// Not thread-safe: one thread per process.
#include "ember.hpp"

namespace {

constexpr u64 kPage = 4096;
constexpr u64 kHeader = 16;
constexpr u64 kMinClassShift = 5;  // 32 bytes
constexpr u64 kClasses = 8;        // 32 .. 4096 bytes
constexpr u64 kSmallMax = u64{1} << (kMinClassShift + kClasses - 1);
constexpr u64 kHeapStep = 64 * 1024;

constexpr u64 kTagSmall = 0x5111'a110'c5ee'd001ull;
constexpr u64 kTagLarge = 0x1a26'e0a1'10c5'eed2ull;
constexpr u64 kTagFree = 0xf2ee'f2ee'f2ee'f2eeull;

struct Header {
  u64 size;  // the whole block: header and payload
  u64 tag;
};

struct FreeBlock {
  Header header;
  FreeBlock* next;
};

constinit FreeBlock* free_lists[kClasses] = {};
constinit u64 heap_next = 0;  // the first byte not yet carved
constinit u64 heap_end = 0;   // the break

[[noreturn]] void misuse(const char* what, const void* block) {
  ember::print("malloc: ");
  ember::print(what);
  ember::print(" ");
  ember::print_hex(reinterpret_cast<u64>(block));
  ember::print("\n");
  ember::exit(134);
}

u64 class_of(u64 bytes) {
  u64 c = 0;
  while ((u64{1} << (kMinClassShift + c)) < bytes) ++c;
  return c;
}

// `bytes` (a class size) from the top of the heap, growing the break if needed.
void* carve(u64 bytes) {
  if (heap_end == 0) {
    i64 b = ember::brk(0);
    if (b <= 0) return nullptr;
    heap_next = heap_end = u64(b);
  }
  if (heap_end - heap_next < bytes) {
    u64 want = heap_end + kHeapStep;
    if (ember::brk(want) != i64(want)) return nullptr;
    heap_end = want;
  }
  void* block = reinterpret_cast<void*>(heap_next);
  heap_next += bytes;
  return block;
}

void* small_alloc(u64 total) {
  u64 c = class_of(total);
  Header* h;
  if (FreeBlock* f = free_lists[c]) {
    free_lists[c] = f->next;
    h = &f->header;
  } else {
    h = static_cast<Header*>(carve(u64{1} << (kMinClassShift + c)));
    if (h == nullptr) return nullptr;
  }
  h->size = u64{1} << (kMinClassShift + c);
  h->tag = kTagSmall;
  return reinterpret_cast<u8*>(h) + kHeader;
}

void* large_alloc(u64 total) {
  u64 length = (total + kPage - 1) & ~(kPage - 1);
  i64 at = ember::mmap(0, length, abi::kProtRead | abi::kProtWrite);
  if (at < 0) return nullptr;
  auto* h = reinterpret_cast<Header*>(at);
  h->size = length;
  h->tag = kTagLarge;
  return reinterpret_cast<u8*>(h) + kHeader;
}

Header* header_of(void* block) {
  if ((reinterpret_cast<u64>(block) & (kHeader - 1)) != 0) misuse("not a block:", block);
  auto* h = reinterpret_cast<Header*>(static_cast<u8*>(block) - kHeader);
  if (h->tag == kTagFree) misuse("double free of", block);
  if (h->tag != kTagSmall && h->tag != kTagLarge) misuse("not a block:", block);
  return h;
}

}  // namespace

extern "C" {

void* malloc(usize bytes) {
  if (bytes > (u64{1} << 46)) return nullptr;  // more than user space: refused early
  u64 total = bytes + kHeader;
  return total <= kSmallMax ? small_alloc(total) : large_alloc(total);
}

void free(void* block) {
  if (block == nullptr) return;
  Header* h = header_of(block);
  if (h->tag == kTagLarge) {
    if (ember::munmap(reinterpret_cast<u64>(h), h->size) != 0) misuse("munmap failed for", block);
    return;
  }
  h->tag = kTagFree;
  auto* f = reinterpret_cast<FreeBlock*>(h);
  u64 c = class_of(h->size);
  f->next = free_lists[c];
  free_lists[c] = f;
}

void* calloc(usize count, usize bytes) {
  if (bytes != 0 && count > ~usize{0} / bytes) return nullptr;
  usize total = count * bytes;
  void* block = malloc(total);
  // A large block is a fresh mapping: zero already.
  if (block != nullptr && total + kHeader <= kSmallMax) __builtin_memset(block, 0, total);
  return block;
}

void* realloc(void* block, usize bytes) {
  if (block == nullptr) return malloc(bytes);
  if (bytes == 0) {
    free(block);
    return nullptr;
  }
  Header* h = header_of(block);
  u64 usable = h->size - kHeader;
  if (bytes <= usable) return block;
  void* grown = malloc(bytes);
  if (grown == nullptr) return nullptr;  // the old block stays valid
  __builtin_memcpy(grown, block, usable);
  free(block);
  return grown;
}

}  // extern "C"

namespace {

void* new_or_exit(usize bytes) {
  void* block = malloc(bytes ? bytes : 1);
  if (block == nullptr) {
    ember::print("operator new: out of memory\n");
    ember::exit(127);
  }
  return block;
}

}  // namespace

void* operator new(usize bytes) { return new_or_exit(bytes); }
void* operator new[](usize bytes) { return new_or_exit(bytes); }
void operator delete(void* block) noexcept { free(block); }
void operator delete[](void* block) noexcept { free(block); }
void operator delete(void* block, usize) noexcept { free(block); }
void operator delete[](void* block, usize) noexcept { free(block); }
