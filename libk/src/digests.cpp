#include <boot/digests.hpp>

namespace boot::digests {

libk::StringView path_of(const Entry& e) {
  usize n = 0;
  while (n < sizeof(e.path) && e.path[n] != '\0') ++n;
  return {e.path, n};
}

bool well_formed(const Table& t) {
  return t.magic == kMagic && t.version == kVersion && t.capacity == Table::kCapacity;
}

bool sealed(const Table& t) {
  for (const Entry& e : t.entries)
    if (e.role != Role::Empty) return true;
  return false;
}

const Entry* find(const Table& t, Role role, libk::StringView path) {
  for (const Entry& e : t.entries) {
    if (e.role != role) continue;
    if (role != Role::Module || path_of(e) == path) return &e;
  }
  return nullptr;
}

Check check(const Table& t, Role role, libk::StringView path, libk::Bytes data,
            libk::Sha256Digest& computed) {
  const Entry* e = find(t, role, path);
  if (e == nullptr) return Check::NotCovered;  // nothing to compare with: not hashed
  computed = libk::Sha256::of(data);
  libk::Sha256Digest sealed_digest;
  __builtin_memcpy(sealed_digest.bytes, e->sha256, sizeof(sealed_digest.bytes));
  return sealed_digest == computed ? Check::Verified : Check::Mismatch;
}

Decision decide(Role role, Check check, bool secure_boot_on) {
  switch (check) {
    case Check::Verified: return Decision::Use;
    case Check::Mismatch: return Decision::Refuse;
    case Check::NotCovered:
      if (!secure_boot_on) return Decision::Use;
      return role == Role::Config ? Decision::Ignore : Decision::Refuse;
  }
  return Decision::Refuse;
}

}  // namespace boot::digests
