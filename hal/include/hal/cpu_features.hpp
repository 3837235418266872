// CPUID feature flags by name (Intel SDM Vol. 2A, CPUID, Tables 3-10, 3-11 and 3-8 for
// leaf 7; AMD APM Vol. 3 Appendix E.3 for 80000001H), named as Linux's /proc/cpuinfo
// names them. Decoding is pure: it reads a snapshot (hal/cpuid.hpp), so host tests give it
// raw register values.
#pragma once

#include <hal/cpuid.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace hal {

// Calls f(StringView name) for each feature the leaves report, in table order.
template <typename F>
void for_each_feature(const CpuidSnapshot& leaves, F&& f);

namespace cpu_features_detail {

enum class Reg : u8 { L1Ecx, L1Edx, L7Ebx, L7Ecx, L7Edx, E1Ecx, E1Edx, E7Edx };
struct Flag {
  Reg reg;
  u8 bit;
  const char* name;
};
libk::Span<const Flag> table();
u32 value(const CpuidSnapshot& leaves, Reg reg);

}  // namespace cpu_features_detail

template <typename F>
void for_each_feature(const CpuidSnapshot& leaves, F&& f) {
  for (const auto& flag : cpu_features_detail::table())
    if (cpu_features_detail::value(leaves, flag.reg) >> flag.bit & 1)
      f(libk::StringView(flag.name));
}

}  // namespace hal
