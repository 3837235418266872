// A reference model of libk::MemoryAreas for the property test and the fuzzer: one entry per
// page of a small universe. Because touching areas of the same kind and protection always
// merge, the areas the structure holds must be exactly the maximal runs of equal pages here.
#pragma once

#include <optional>
#include <vector>

#include <libk/memory_areas.hpp>

namespace memory_areas_model {

constexpr u64 kPage = libk::kPageSize;

struct PageInfo {
  libk::AreaKind kind;
  u8 protection;
  bool operator==(const PageInfo&) const = default;
};

class Model {
 public:
  explicit Model(u64 base, u64 pages) : base_(base), pages_(pages) {}

  u64 address(u64 page) const { return base_ + page * kPage; }
  u64 pages() const { return pages_; }

  // The runs of equal pages: what MemoryAreas::areas() must be.
  std::vector<libk::Area> runs() const {
    std::vector<libk::Area> out;
    for (u64 p = 0; p < pages_; ++p) {
      if (!pages_info_[p]) continue;
      const PageInfo& info = *pages_info_[p];
      if (!out.empty() && out.back().end == address(p) && out.back().kind == info.kind &&
          out.back().protection == info.protection) {
        out.back().end += kPage;
      } else {
        out.push_back({address(p), address(p) + kPage, info.kind, info.protection});
      }
    }
    return out;
  }

  bool any_in(u64 first, u64 count) const {
    for (u64 p = first; p < first + count && p < pages_; ++p)
      if (pages_info_[p]) return true;
    return false;
  }
  void set(u64 first, u64 count, std::optional<PageInfo> info) {
    for (u64 p = first; p < first + count && p < pages_; ++p) pages_info_[p] = info;
  }
  u64 count_in(u64 first, u64 count) const {
    u64 n = 0;
    for (u64 p = first; p < first + count && p < pages_; ++p) n += pages_info_[p].has_value();
    return n;
  }
  std::optional<PageInfo> at(u64 page) const { return pages_info_[page]; }

  // The highest free run of `count` pages inside [low, high) (page numbers).
  std::optional<u64> highest_free(u64 count, u64 low, u64 high) const {
    if (count == 0 || high < low + count) return std::nullopt;
    for (u64 b = high - count + 1; b-- > low;)
      if (!any_in(b, count)) return b;
    return std::nullopt;
  }

 private:
  u64 base_, pages_;
  std::vector<std::optional<PageInfo>> pages_info_ = std::vector<std::optional<PageInfo>>(pages_);
};

}  // namespace memory_areas_model
