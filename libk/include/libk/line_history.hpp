// The line editor's history: the last kEntries submitted lines in a ring (the oldest is
// overwritten), in fixed storage. Empty lines and repeats of the newest entry are not kept.
#pragma once

#include <libk/string_view.hpp>
#include <libk/types.hpp>

namespace libk::line {

class LineHistory {
 public:
  static constexpr usize kEntries = 32;
  static constexpr usize kMaxLine = 256;  // bytes per entry; longer lines are truncated

  // Adds `text` as the newest entry (unless it is blank or equals the newest).
  void add(StringView text);

  usize size() const { return count_; }
  // Entry `age` (0 = newest, size() - 1 = oldest); empty if out of range.
  StringView get(usize age) const;

 private:
  char text_[kEntries][kMaxLine] = {};
  u16 length_[kEntries] = {};
  usize next_ = 0;  // slot the next entry goes to
  usize count_ = 0;
};

}  // namespace libk::line
