// libk::ClaimFlag: "this structure is being updated", for structures that code which ignores
// the interrupt flag (an NMI, a machine check, an exception raised inside the update) may
// also want. Regular code takes the claim with interrupts off; such a handler tries to take
// it and, finding it taken, leaves the structure alone instead of corrupting it or waiting
// forever (the code it interrupted holds the claim and cannot run until it returns).
//
//   if (ring_claim.try_claim()) {
//     ring.append(...);
//     ring_claim.release();
//   } else {
//     ...  // interrupted an update: do without the ring
//   }
//
// Taking is one atomic exchange (acquire), giving back one release store: every access to
// the structure stays between them. A Clang thread-safety capability: the structure is
// GUARDED_BY its claim.
#pragma once

#include <libk/atomic.hpp>
#include <libk/thread_safety.hpp>

namespace libk {

class CAPABILITY("claim") ClaimFlag {
 public:
  constexpr ClaimFlag() = default;
  ClaimFlag(const ClaimFlag&) = delete;
  ClaimFlag& operator=(const ClaimFlag&) = delete;

  // True if the caller now holds the claim; false if anyone (this CPU included) holds it.
  bool try_claim() TRY_ACQUIRE(true) { return !taken_.exchange(true, MemoryOrder::Acquire); }
  void release() RELEASE() { taken_.store(false, MemoryOrder::Release); }
  // Takes the claim and never gives it back, whoever held it (a panic taking over the
  // screen). Not a capability operation: nothing may touch the structure normally again.
  void take_for_good() { taken_.store(true, MemoryOrder::SeqCst); }
  bool taken() const { return taken_.load(MemoryOrder::Relaxed); }

 private:
  Atomic<bool> taken_{false};
};

}  // namespace libk
