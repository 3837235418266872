// Clang's thread-safety analysis (-Wthread-safety; https://clang.llvm.org/docs/
// ThreadSafetyAnalysis.html): locks are "capabilities", and the compiler checks at every
// call and every access that the right one is held. The kernel and the host tests of the
// lock cores build with -Werror=thread-safety (docs/scheduling.md, "Lock rules").
//
//   class CAPABILITY("spinlock") SpinLock { void lock() ACQUIRE(); void unlock() RELEASE(); };
//   constinit SpinLock table_lock{"table"};
//   constinit Table table GUARDED_BY(table_lock);        // touched only with the lock held
//   void insert_locked(Entry& e) REQUIRES(table_lock);   // callers must hold it
//
// The analysis is per function and static: it cannot see a lock taken by one thread and
// released by another across a context switch (the scheduler lock), nor "interrupts off"
// inherited from an interrupt entry. Such places say so with ASSERT_CAPABILITY functions
// (checked at run time in debug builds) or, where nothing can be checked, with
// NO_THREAD_SAFETY_ANALYSIS and a comment.
#pragma once

#if defined(__clang__)
#define EMBER_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define EMBER_THREAD_ANNOTATION(x)
#endif

// On a lock type: its objects are capabilities; `name` appears in diagnostics.
#define CAPABILITY(name) EMBER_THREAD_ANNOTATION(capability(name))
// On an RAII guard type: it acquires in its constructor and releases in its destructor.
#define SCOPED_CAPABILITY EMBER_THREAD_ANNOTATION(scoped_lockable)
// On data: read or written only with the capability held.
#define GUARDED_BY(x) EMBER_THREAD_ANNOTATION(guarded_by(x))
// On a pointer: what it points to is guarded by the capability.
#define PT_GUARDED_BY(x) EMBER_THREAD_ANNOTATION(pt_guarded_by(x))
// On a function: callers must hold (REQUIRES) or must not hold (EXCLUDES) these.
#define REQUIRES(...) EMBER_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) EMBER_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it takes / gives back these (no argument: the object itself).
#define ACQUIRE(...) EMBER_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) EMBER_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) EMBER_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// On a function that returns only if the capability is held (it checks, or it knows).
#define ASSERT_CAPABILITY(x) EMBER_THREAD_ANNOTATION(assert_capability(x))
// On a function that returns a reference to a capability.
#define RETURN_CAPABILITY(x) EMBER_THREAD_ANNOTATION(lock_returned(x))
// Turns the analysis off for one function: only with a comment saying why it is correct.
#define NO_THREAD_SAFETY_ANALYSIS EMBER_THREAD_ANNOTATION(no_thread_safety_analysis)
