// What a failed VERIFY does in a user program (libk/include/libk/assert.hpp): the message on
// standard error, then exit with status 134 (as abort() would on Unix: 128 + SIGABRT).
#include <libk/assert.hpp>

#include "ember.hpp"

namespace libk {

void verify_failed(const char* expression, const char* file, int line, const char* function) {
  const char* parts[] = {"verify failed: ", expression, " at ", file, ":"};
  for (const char* p : parts) ember::write(2, p, ember::strlen(p));
  char digits[12];
  usize n = sizeof(digits);
  do {
    digits[--n] = char('0' + line % 10);
    line /= 10;
  } while (line > 0 && n > 0);
  ember::write(2, digits + n, sizeof(digits) - n);
  const char* tail[] = {" in ", function, "\n"};
  for (const char* p : tail) ember::write(2, p, ember::strlen(p));
  ember::exit(134);
}

}  // namespace libk
