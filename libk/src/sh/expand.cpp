// Word expansion (XCU 2.6.2 parameter expansion and 2.6.7 quote removal, without field
// splitting or pathname expansion).
#include <sh/expand.hpp>

#include "lexer.hpp"

namespace sh {

namespace {

using detail::is_name_char;
using detail::is_name_start;

class Writer {
 public:
  Writer(char* out, usize size) : out_(out), size_(size) {}
  bool put(char c) {
    if (length_ + 1 >= size_) return false;
    out_[length_++] = c;
    return true;
  }
  bool put(StringView s) {
    for (char c : s)
      if (!put(c)) return false;
    return true;
  }
  usize finish() {
    if (size_ > 0) out_[length_] = '\0';
    return length_;
  }

 private:
  char* out_;
  usize size_;
  usize length_ = 0;
};

// A $ at raw[pos]: appends its value; returns the position after it, or npos if malformed.
usize parameter(StringView raw, usize pos, const Environment& env, Writer& w, bool& fits) {
  usize start = pos + 1;
  StringView name;
  usize end = start;
  if (start < raw.size() && raw[start] == '{') {
    usize close = raw.find('}', start + 1);
    if (close == StringView::npos) return StringView::npos;
    name = raw.substr(start + 1, close - start - 1);
    end = close + 1;
  } else if (start < raw.size() && raw[start] == '?') {
    name = "?";
    end = start + 1;
  } else if (start < raw.size() && is_name_start(raw[start])) {
    while (end < raw.size() && is_name_char(raw[end])) ++end;
    name = raw.substr(start, end - start);
  } else {
    fits = w.put('$');  // a lone $ stands for itself
    return start;
  }
  fits = w.put(env.lookup(name));
  return end;
}

// Inside "...": from just after the opening quote; returns the position after the closing one.
usize double_quoted(StringView raw, usize pos, const Environment& env, Writer& w, bool& fits) {
  while (pos < raw.size() && fits) {
    char c = raw[pos];
    if (c == '"') return pos + 1;
    if (c == '$') {
      pos = parameter(raw, pos, env, w, fits);
      if (pos == StringView::npos) return pos;
    } else if (c == '\\' && pos + 1 < raw.size()) {
      char n = raw[pos + 1];
      // XCU 2.2.3: the backslash keeps its meaning only before $ ` " \ and newline.
      if (n == '\n') {
      } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
        fits = w.put(n);
      } else {
        fits = w.put(c) && w.put(n);
      }
      pos += 2;
    } else {
      fits = w.put(c);
      ++pos;
    }
  }
  return fits ? StringView::npos : pos;
}

}  // namespace

const char* expand_error_text(ExpandError e) {
  return e == ExpandError::TooLong ? "word too long after expansion" : "malformed word";
}

libk::Result<usize, ExpandError> expand(StringView raw, const Environment& env, char* out,
                                        usize size) {
  Writer w(out, size);
  bool fits = true;
  usize pos = 0;
  while (pos < raw.size() && fits) {
    char c = raw[pos];
    if (c == '\'') {
      usize close = raw.find('\'', pos + 1);
      if (close == StringView::npos) return libk::unexpected(ExpandError::Malformed);
      fits = w.put(raw.substr(pos + 1, close - pos - 1));
      pos = close + 1;
    } else if (c == '"') {
      pos = double_quoted(raw, pos + 1, env, w, fits);
      if (pos == StringView::npos && fits) return libk::unexpected(ExpandError::Malformed);
    } else if (c == '$') {
      pos = parameter(raw, pos, env, w, fits);
      if (pos == StringView::npos) return libk::unexpected(ExpandError::Malformed);
    } else if (c == '\\') {
      if (pos + 1 >= raw.size()) return libk::unexpected(ExpandError::Malformed);
      if (raw[pos + 1] != '\n') fits = w.put(raw[pos + 1]);  // backslash-newline: joined
      pos += 2;
    } else {
      fits = w.put(c);
      ++pos;
    }
  }
  if (!fits) return libk::unexpected(ExpandError::TooLong);
  return w.finish();
}

bool split_assignment(StringView word, StringView& name, StringView& value) {
  if (word.empty() || !is_name_start(word[0])) return false;
  usize i = 1;
  while (i < word.size() && is_name_char(word[i])) ++i;
  if (i >= word.size() || word[i] != '=') return false;
  name = word.substr(0, i);
  value = word.substr(i + 1);
  return true;
}

}  // namespace sh
