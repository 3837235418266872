// Must compile: a guard used as intended, a named object for a scope.
#include "spinlock_arch.hpp"

int guarded(Lock& lock, int& value) {
  Guard guard(lock);
  return ++value;
}

// And the lock annotations as intended: guarded data and a `_locked` function under the guard.
Lock table_lock("table");
int entries GUARDED_BY(table_lock) = 0;

void add_locked() REQUIRES(table_lock) { ++entries; }

void add() {
  Guard guard(table_lock);
  add_locked();
}
