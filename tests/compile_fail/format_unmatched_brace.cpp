// Must not compile: a '}' that closes nothing.
// Reason: unmatched '}' in format string
#include <libk/format.hpp>

void unmatched_brace(char* buffer, usize size) { libk::format_into(buffer, size, "value} {}", 1); }
