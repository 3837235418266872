// Must not compile: two replacement fields, one argument.
// Reason: more replacement fields than arguments
#include <libk/format.hpp>

void too_few_args(char* buffer, usize size) { libk::format_into(buffer, size, "{} and {}", 1); }
