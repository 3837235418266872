// Must not compile: a copy of a lock is a different lock, protecting nothing.
#include "spinlock_arch.hpp"

void copy(Lock& lock) { Lock other(lock); }
