// Must compile: a guard used as intended, a named object for a scope.
#include "spinlock_arch.hpp"

int guarded(Lock& lock, int& value) {
  Guard guard(lock);
  return ++value;
}
