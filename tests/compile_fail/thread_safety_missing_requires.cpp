// Must not compile with -Werror=thread-safety: a `_locked` function called without its lock.
#include "spinlock_arch.hpp"

Lock lock("table");
int entries GUARDED_BY(lock) = 0;

void add_locked() REQUIRES(lock) { ++entries; }

void add() { add_locked(); }
