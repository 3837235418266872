// The rings an xHCI controller and its driver share (xHCI 1.2 §4.9): arrays of TRBs in
// memory the device reads or writes by DMA, whose ownership moves with a cycle bit.
//
//   ProducerRing: the driver enqueues, the controller consumes (the command ring, each
//   endpoint's transfer ring). One segment; its last slot is a Link TRB back to the start
//   with Toggle Cycle set (§4.9.2), so the producer's cycle state flips at each wrap and the
//   controller never mistakes an old TRB for a new one.
//   EventRing: the controller enqueues, the driver consumes (§4.9.4): a TRB is the driver's
//   when its cycle bit equals the consumer cycle state, which flips at each wrap.
//
// Pure logic over memory handed in (DMA memory in the kernel, a vector on the host), with the
// physical address the device sees. A TRB's control dword, which holds the cycle bit, is
// written last and with release ordering, so the device never sees a TRB's cycle bit before
// the rest of it; an event's control dword is read first, with acquire ordering.
//
// Not thread-safe: the driver holds its controller's lock around them.
#pragma once

#include <usb/xhci_trb.hpp>

#include <libk/optional.hpp>
#include <libk/span.hpp>

namespace usb::xhci {

class ProducerRing {
 public:
  constexpr ProducerRing() = default;

  // Takes `trbs` (at least 2, 16-byte aligned, at physical `phys`): zeroes them and writes
  // the Link TRB in the last slot. The producer cycle state starts at 1.
  void init(libk::Span<Trb> trbs, u64 phys);
  bool initialised() const { return trbs_.size() != 0; }

  // Enqueues `trb` with the producer's cycle bit (what the caller set there is replaced).
  // Returns the TRB's physical address, or nullopt when every usable slot holds a TRB the
  // controller has not been seen to complete.
  libk::Optional<u64> push(Trb trb);
  // Free slots (the Link TRB does not count).
  u32 free_slots() const;

  // The controller completed the TRB at physical `trb` (an event said so): it and the TRBs
  // before it are free again. False (and nothing changed) if `trb` is not a pending TRB of
  // this ring, which the caller reports: an event naming a foreign address.
  [[nodiscard]] bool retire(u64 trb);
  // True if `trb` is the physical address of a pending TRB of this ring.
  bool pending(u64 trb) const;

  // Where the controller starts (the ring base) and with which cycle state (CRCR, endpoint
  // contexts' TR dequeue pointer and DCS).
  u64 base() const { return phys_; }
  // The next enqueue position and the cycle state it will use: a Set TR Dequeue Pointer
  // target that skips everything queued so far.
  u64 enqueue_address() const { return phys_ + u64(enqueue_) * sizeof(Trb); }
  bool cycle() const { return cycle_; }
  // Forgets every pending TRB (after the controller was moved past them with Set TR Dequeue
  // Pointer to enqueue_address()).
  void drop_pending() {
    dequeue_ = enqueue_;
    pending_count_ = 0;
  }

 private:
  u32 usable() const { return u32(trbs_.size() - 1); }
  libk::Optional<u32> index_of(u64 trb) const;
  void write(u32 index, const Trb& trb);

  libk::Span<Trb> trbs_;
  u64 phys_ = 0;
  u32 enqueue_ = 0;  // next slot to fill
  u32 dequeue_ = 0;  // oldest pending slot
  u32 pending_count_ = 0;
  bool cycle_ = true;
};

class EventRing {
 public:
  constexpr EventRing() = default;

  // Takes `trbs` at physical `phys`, zeroes them; the consumer cycle state starts at 1.
  void init(libk::Span<Trb> trbs, u64 phys);

  // The next event, if the controller has written it; advances past it.
  libk::Optional<Trb> pop();
  // The physical address of the next TRB to read: written to ERDP after consuming.
  u64 dequeue_address() const { return phys_ + u64(dequeue_) * sizeof(Trb); }
  u64 base() const { return phys_; }
  u32 size() const { return u32(trbs_.size()); }

 private:
  libk::Span<Trb> trbs_;
  u64 phys_ = 0;
  u32 dequeue_ = 0;
  bool cycle_ = true;
};

// An Event Ring Segment Table entry — §6.5, Figure 6-40.
struct SegmentTableEntry {
  u64 base;  // 64-byte aligned
  u32 size;  // TRBs, 16-4096
  u32 reserved;
};
static_assert(sizeof(SegmentTableEntry) == 16);

}  // namespace usb::xhci
