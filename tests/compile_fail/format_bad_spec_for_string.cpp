// Must not compile: a string cannot be formatted as hex.
// Reason: format spec type does not fit the argument's type
#include <libk/format.hpp>

void bad_spec_for_string(char* buffer, usize size) {
  libk::format_into(buffer, size, "name={:x}", "ember");
}
