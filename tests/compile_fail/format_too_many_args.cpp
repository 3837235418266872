// Must not compile: one replacement field, two arguments.
// Reason: more arguments than replacement fields
#include <libk/format.hpp>

void too_many_args(char* buffer, usize size) { libk::format_into(buffer, size, "{}", 1, 2); }
