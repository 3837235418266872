// libk::verify_failed on the host (unit tests, tools, fuzzers): the message on stderr, then
// abort(), which a death test (tests/host/death_test.hpp) or a fuzzer sees as a crash.
#include <stdio.h>
#include <stdlib.h>

#include <libk/assert.hpp>

namespace libk {

void verify_failed(const char* expression, const char* file, int line, const char* function) {
  fprintf(stderr, "%s failed\n  at %s:%d in %s()\n", expression, file, line, function);
  fflush(stderr);
  abort();
}

}  // namespace libk
