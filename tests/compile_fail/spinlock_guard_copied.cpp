// Must not compile: a copied guard would release the lock (and restore the interrupt flag)
// twice.
#include "spinlock_arch.hpp"

void twice(Lock& lock) {
  Guard guard(lock);
  Guard copy(guard);
}
