// The chain of trust past the loader (docs/secure-boot.md). Under Secure Boot the firmware
// checks only the loader's signature; the loader then checks what it loads against SHA-256
// digests embedded in its own signed image, in a PE section the build fills in after linking
// (tools/seal_loader.py) and before signing. The layout here is that section's, shared by the
// loader, the sealing tool's tests and the host tests.
//
// Adding a kind of file (the initrd, with user mode) is one more entry: Role::Module, its ESP
// path, its digest.
#pragma once

#include <libk/sha256.hpp>
#include <libk/string_view.hpp>
#include <libk/types.hpp>

namespace boot::digests {

// The PE section holding the table: eight characters at most (PE section names in an image
// have no string table, PE/COFF spec §3.1).
inline constexpr char kSectionName[] = ".ember";
inline constexpr u64 kMagic = 0x5453'4744'5242'4d45ull;  // "EMBRDGST" in memory order
inline constexpr u32 kVersion = 1;

enum class Role : u32 {
  Empty = 0,   // an unused slot
  Kernel = 1,  // whatever kernel the (verified) configuration names
  Config = 2,  // \boot\ember.conf
  Module = 3,  // a module loaded by its ESP path (the initrd, once there is one)
};

struct Entry {
  Role role;
  u32 reserved;
  u8 sha256[libk::Sha256Digest::kSize];
  char path[88];  // the ESP path as sealed ("\boot\ember.elf"), NUL-terminated: a Module's
                  // key, for the others what to name in messages
};
static_assert(sizeof(Entry) == 128);

struct Table {
  static constexpr usize kCapacity = 8;
  u64 magic;
  u32 version;
  u32 capacity;  // = kCapacity, so the sealing tool can check it writes inside the section
  Entry entries[kCapacity];
};
static_assert(sizeof(Table) == 16 + 8 * 128);

// An empty table, as linked into the loader before sealing.
constexpr Table empty_table() {
  Table t{};
  t.magic = kMagic;
  t.version = kVersion;
  t.capacity = Table::kCapacity;
  return t;
}

// False when magic, version or capacity are not this loader's: a damaged or foreign table.
bool well_formed(const Table& t);

// The entry's ESP path, up to its NUL (or the whole field).
libk::StringView path_of(const Entry& e);

// True if the table holds any digest: the build sealed this loader to its files.
bool sealed(const Table& t);

// The entry for `role` (Kernel, Config) or for the Module at `path` (compared exactly).
const Entry* find(const Table& t, Role role, libk::StringView path);

enum class Check : u8 {
  Verified,    // the file's digest equals the entry's
  Mismatch,    // there is an entry and the file differs from what was sealed
  NotCovered,  // no entry for this file
};

// Compares the SHA-256 of `data` (left in `computed`) with the table's entry; a file without
// an entry is not hashed (`computed` is left alone).
Check check(const Table& t, Role role, libk::StringView path, libk::Bytes data,
            libk::Sha256Digest& computed);

enum class Decision : u8 {
  Use,     // verified, or unverifiable but Secure Boot is off
  Ignore,  // Secure Boot is on, no digest: a configuration file is left unread
  Refuse,  // do not boot
};

// The policy, in one place: a file that differs from its digest is refused whatever the
// Secure Boot state (the loader was sealed to other files); with Secure Boot on, a kernel or
// module without a digest is refused and a configuration without one ignored (its command
// line and settings could undo what Secure Boot protects), with Secure Boot off it is used.
Decision decide(Role role, Check check, bool secure_boot_on);

}  // namespace boot::digests
