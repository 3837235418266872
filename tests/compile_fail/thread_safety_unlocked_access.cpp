// Must not compile with -Werror=thread-safety: data guarded by a spinlock, touched without it.
#include "spinlock_arch.hpp"

Lock lock("table");
int entries GUARDED_BY(lock) = 0;

int count_unlocked() { return entries; }
