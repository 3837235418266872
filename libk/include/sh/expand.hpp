// Word expansion for the user shell (sh/parser.hpp has the language): a word's raw text to the
// one argument it stands for. Parameters ($NAME, ${NAME}, $?) are looked up through an
// Environment; then quotes and escapes are removed. There is no field splitting and no
// pathname expansion: a word is always exactly one argument, whatever its variables hold.
#pragma once

#include <libk/fixed_vector.hpp>
#include <libk/result.hpp>
#include <libk/string_view.hpp>

namespace sh {

using libk::StringView;

// Where $NAME finds its value. Unset names read as empty.
class Environment {
 public:
  // The value of `name` ("?" for $?), valid until the environment changes; empty if unset.
  virtual StringView lookup(StringView name) const = 0;

 protected:
  ~Environment() = default;
};

enum class ExpandError : u8 { TooLong, Malformed };
const char* expand_error_text(ExpandError e);

// Expands `raw` (a word as the parser kept it) into out[0, size) and NUL-terminates it;
// returns the length without the NUL. TooLong if it does not fit; Malformed for text the parser
// would have refused (an unterminated quote or "${"), so callers may expand untrusted words.
[[nodiscard]] libk::Result<usize, ExpandError> expand(StringView raw, const Environment& env,
                                                      char* out, usize size);

// True if `word` has the form NAME=value (an assignment); name and value (raw) go to the outs.
bool split_assignment(StringView word, StringView& name, StringView& value);

// Shell variables: a fixed table (no allocation) that is also the Environment for expansion.
// "?" reads the last status, which the executor sets.
class Variables final : public Environment {
 public:
  static constexpr usize kMaxVariables = 32;
  static constexpr usize kMaxName = 31;
  static constexpr usize kMaxValue = 255;

  StringView lookup(StringView name) const override;
  // Sets `name` (a valid name) to `value`; false if the table is full or either is too long.
  [[nodiscard]] bool set(StringView name, StringView value);
  void set_status(i64 status);
  i64 status() const { return status_; }

 private:
  struct Entry {
    char name[kMaxName + 1];
    char value[kMaxValue + 1];
    u8 name_length;
    u8 value_length;
  };
  libk::FixedVector<Entry, kMaxVariables> entries_;
  i64 status_ = 0;
  char status_text_[24] = {'0'};
  usize status_length_ = 1;
};

}  // namespace sh
