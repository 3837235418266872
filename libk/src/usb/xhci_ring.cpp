#include <usb/xhci_ring.hpp>

#include <libk/assert.hpp>

namespace usb::xhci {

void ProducerRing::init(libk::Span<Trb> trbs, u64 phys) {
  VERIFY(trbs.size() >= 2 && phys % 16 == 0);
  trbs_ = trbs;
  phys_ = phys;
  enqueue_ = dequeue_ = pending_count_ = 0;
  cycle_ = true;
  for (Trb& t : trbs_) t = {0, 0, 0};
  // The link's cycle bit is 0: not the controller's until the producer wraps onto it.
  Trb l = link(phys_, true);
  trbs_[usable()].parameter = l.parameter;
  trbs_[usable()].status = l.status;
  __atomic_store_n(&trbs_[usable()].control, l.control, __ATOMIC_RELEASE);
}

void ProducerRing::write(u32 index, const Trb& trb) {
  Trb& slot = trbs_[index];
  slot.parameter = trb.parameter;
  slot.status = trb.status;
  u32 control = u32(Control(trb.control).set_cycle(cycle_).raw());
  __atomic_store_n(&slot.control, control, __ATOMIC_RELEASE);
}

libk::Optional<u64> ProducerRing::push(Trb trb) {
  if (!initialised() || free_slots() == 0) return libk::nullopt;
  u32 index = enqueue_;
  write(index, trb);
  ++pending_count_;
  if (++enqueue_ == usable()) {
    // Hand the Link TRB over with the current cycle (and the chain bit of the TRB before it,
    // so a TD that wraps stays one TD: §4.11.5.1), then flip.
    Trb& l = trbs_[usable()];
    LinkControl lc(l.control);
    lc.set_chain(TransferControl(trb.control).chain()).set_cycle(cycle_);
    __atomic_store_n(&l.control, u32(lc.raw()), __ATOMIC_RELEASE);
    enqueue_ = 0;
    cycle_ = !cycle_;
  }
  return phys_ + u64(index) * sizeof(Trb);
}

u32 ProducerRing::free_slots() const { return usable() - pending_count_; }

libk::Optional<u32> ProducerRing::index_of(u64 trb) const {
  if (trb < phys_ || (trb - phys_) % sizeof(Trb) != 0) return libk::nullopt;
  u64 index = (trb - phys_) / sizeof(Trb);
  if (index >= usable()) return libk::nullopt;
  return u32(index);
}

bool ProducerRing::pending(u64 trb) const {
  auto index = index_of(trb);
  if (!index || pending_count_ == 0) return false;
  // Pending slots run from dequeue_ for pending_count_ slots, wrapping past the link.
  u32 distance = (*index + usable() - dequeue_) % usable();
  return distance < pending_count_;
}

bool ProducerRing::retire(u64 trb) {
  if (!pending(trb)) return false;
  u32 index = *index_of(trb);
  u32 distance = (index + usable() - dequeue_) % usable();
  pending_count_ -= distance + 1;
  dequeue_ = (index + 1) % usable();
  return true;
}

void EventRing::init(libk::Span<Trb> trbs, u64 phys) {
  VERIFY(trbs.size() >= 16 && phys % 64 == 0);
  trbs_ = trbs;
  phys_ = phys;
  dequeue_ = 0;
  cycle_ = true;
  for (Trb& t : trbs_) t = {0, 0, 0};
}

libk::Optional<Trb> EventRing::pop() {
  if (trbs_.size() == 0) return libk::nullopt;
  Trb& slot = trbs_[dequeue_];
  u32 control = __atomic_load_n(&slot.control, __ATOMIC_ACQUIRE);
  if (Control(control).cycle() != cycle_) return libk::nullopt;
  Trb event{slot.parameter, slot.status, control};
  if (++dequeue_ == trbs_.size()) {
    dequeue_ = 0;
    cycle_ = !cycle_;
  }
  return event;
}

}  // namespace usb::xhci
