// Must not compile (with -Werror=unused-value): a guard that is a discarded temporary
// releases the lock at the end of its own statement, leaving the code after it unprotected.
#include "spinlock_arch.hpp"

int unguarded(Lock& lock, int& value) {
  Guard{lock};
  return ++value;
}
