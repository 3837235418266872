// Shell variables in a fixed table (sh/expand.hpp).
#include <sh/expand.hpp>

#include "lexer.hpp"

namespace sh {

namespace {

void copy(char* dst, StringView src) {
  for (usize i = 0; i < src.size(); ++i) dst[i] = src[i];
  dst[src.size()] = '\0';
}

bool valid_name(StringView name) {
  if (name.empty() || name.size() > Variables::kMaxName || !detail::is_name_start(name[0]))
    return false;
  for (char c : name)
    if (!detail::is_name_char(c)) return false;
  return true;
}

}  // namespace

StringView Variables::lookup(StringView name) const {
  if (name == "?") return {status_text_, status_length_};
  for (const Entry& e : entries_)
    if (StringView(e.name, e.name_length) == name) return {e.value, e.value_length};
  return {};
}

bool Variables::set(StringView name, StringView value) {
  if (!valid_name(name) || value.size() > kMaxValue) return false;
  for (Entry& e : entries_) {
    if (StringView(e.name, e.name_length) == name) {
      copy(e.value, value);
      e.value_length = u8(value.size());
      return true;
    }
  }
  Entry e{};
  copy(e.name, name);
  e.name_length = u8(name.size());
  copy(e.value, value);
  e.value_length = u8(value.size());
  return entries_.push_back(e);
}

void Variables::set_status(i64 status) {
  status_ = status;
  char digits[24];
  usize n = 0;
  u64 magnitude = status < 0 ? u64(0) - u64(status) : u64(status);
  do {
    digits[n++] = char('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  status_length_ = 0;
  if (status < 0) status_text_[status_length_++] = '-';
  while (n) status_text_[status_length_++] = digits[--n];
}

}  // namespace sh
