// The xHCI rings (usb/xhci_ring.hpp) over host memory, with a simulated controller that
// consumes and produces TRBs the way xHCI 1.2 §4.9 says: cycle bits, the Link TRB's toggle,
// free-slot accounting from completions, and events seen only once the cycle bit matches.
#include <catch2/catch.hpp>
#include <usb/xhci_ring.hpp>
#include <vector>

using namespace usb::xhci;

namespace {

constexpr u64 kPhys = 0x10'0000;

// The controller's side of a producer ring: follows Link TRBs and its own cycle state.
struct Consumer {
  std::vector<Trb>& trbs;
  u32 index = 0;
  bool cycle = true;

  // The next TRB the producer handed over, or nothing.
  bool take(Trb& out) {
    for (int hops = 0; hops < 2; ++hops) {
      Trb t = trbs[index];
      if (Control(t.control).cycle() != cycle) return false;
      if (Control(t.control).type() == TrbType::Link) {
        if (LinkControl(t.control).toggle_cycle()) cycle = !cycle;
        index = u32((t.parameter - kPhys) / sizeof(Trb));
        continue;
      }
      out = t;
      ++index;
      return true;
    }
    return false;
  }
  u64 last_address() const { return kPhys + (index - 1) * sizeof(Trb); }
};

}  // namespace

TEST_CASE("a producer ring hands each TRB over with its cycle bit, in order", "[xhci][ring]") {
  std::vector<Trb> mem(8);
  ProducerRing ring;
  ring.init({mem.data(), mem.size()}, kPhys);
  CHECK(ring.free_slots() == 7);
  Consumer c{mem};
  Trb t;
  CHECK_FALSE(c.take(t));  // nothing yet: a zeroed ring holds no TRB of cycle 1
  auto a = ring.push(no_op_command());
  auto b = ring.push(enable_slot(0));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == kPhys);
  CHECK(*b == kPhys + 16);
  REQUIRE(c.take(t));
  CHECK(Control(t.control).type() == TrbType::NoOpCommand);
  REQUIRE(c.take(t));
  CHECK(Control(t.control).type() == TrbType::EnableSlot);
  CHECK_FALSE(c.take(t));
}

TEST_CASE("the producer wraps through the Link TRB and flips its cycle state", "[xhci][ring]") {
  std::vector<Trb> mem(4);
  ProducerRing ring;
  ring.init({mem.data(), mem.size()}, kPhys);
  Consumer c{mem};
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3; ++i) {
      auto at = ring.push(normal(0x1000 * i, 8));
      REQUIRE(at);
      Trb t;
      REQUIRE(c.take(t));
      CHECK(t.parameter == u64(0x1000 * i));
      CHECK(c.last_address() == *at);
      CHECK(ring.retire(*at));
    }
    CHECK(ring.cycle() == (round % 2 == 1));
  }
  CHECK(LinkControl(mem[3].control).toggle_cycle());
}

TEST_CASE("a full producer ring refuses more until completions free slots", "[xhci][ring]") {
  std::vector<Trb> mem(4);
  ProducerRing ring;
  ring.init({mem.data(), mem.size()}, kPhys);
  std::vector<u64> at;
  for (int i = 0; i < 3; ++i) at.push_back(*ring.push(no_op_command()));
  CHECK(ring.free_slots() == 0);
  CHECK_FALSE(ring.push(no_op_command()));
  // Completing the second TRB completes the first too (the controller is past both).
  CHECK(ring.retire(at[1]));
  CHECK(ring.free_slots() == 2);
  CHECK(ring.push(no_op_command()));
}

TEST_CASE("a completion naming a TRB that is not pending is refused", "[xhci][ring]") {
  std::vector<Trb> mem(8);
  ProducerRing ring;
  ring.init({mem.data(), mem.size()}, kPhys);
  u64 a = *ring.push(no_op_command());
  CHECK_FALSE(ring.retire(a + 16));          // not queued yet
  CHECK_FALSE(ring.retire(a + 8));           // misaligned
  CHECK_FALSE(ring.retire(kPhys + 7 * 16));  // the Link TRB
  CHECK_FALSE(ring.retire(0xdead'0000));     // another ring's
  CHECK(ring.retire(a));
  CHECK_FALSE(ring.retire(a));  // twice
  CHECK(ring.free_slots() == 7);
}

TEST_CASE("dropping pending TRBs makes the enqueue address the new dequeue", "[xhci][ring]") {
  std::vector<Trb> mem(8);
  ProducerRing ring;
  ring.init({mem.data(), mem.size()}, kPhys);
  (void)ring.push(no_op_command());
  (void)ring.push(no_op_command());
  u64 skip_to = ring.enqueue_address();
  CHECK(skip_to == kPhys + 32);
  ring.drop_pending();
  CHECK(ring.free_slots() == 7);
  CHECK(*ring.push(no_op_command()) == skip_to);
}

TEST_CASE("the Link TRB carries the chain bit of a TD that wraps", "[xhci][ring]") {
  std::vector<Trb> mem(3);
  ProducerRing ring;
  ring.init({mem.data(), mem.size()}, kPhys);
  (void)ring.push(no_op_command());
  Trb chained = data_stage(0x2000, 64, true);
  chained.control = u32(TransferControl(chained.control).set_chain(true).raw());
  (void)ring.push(chained);
  CHECK(LinkControl(mem[2].control).chain());
  CHECK(LinkControl(mem[2].control).cycle());
}

TEST_CASE("an event ring yields events whose cycle bit matches, and flips at the wrap",
          "[xhci][ring]") {
  std::vector<Trb> mem(16);
  EventRing events;
  events.init({mem.data(), mem.size()}, kPhys);
  CHECK_FALSE(events.pop());
  bool producer_cycle = true;
  for (u32 i = 0; i < 40; ++i) {
    u32 slot = i % 16;
    if (slot == 0 && i) producer_cycle = !producer_cycle;
    mem[slot] = {
        i, 0,
        u32(EventControl(0).set_type(TrbType::CommandCompletion).set_cycle(producer_cycle).raw())};
    auto e = events.pop();
    REQUIRE(e);
    CHECK(e->parameter == i);
    CHECK_FALSE(events.pop());  // the next slot still holds the old cycle
    CHECK(events.dequeue_address() == kPhys + ((i + 1) % 16) * 16);
  }
}

TEST_CASE("events decode their type, completion code, TRB, slot and endpoint", "[xhci][trb]") {
  Trb t{
      0x1234'5670,
      u32(EventStatus(0).set_completion(Completion::ShortPacket).set_length_or_parameter(5).raw()),
      u32(EventControl(0)
              .set_type(TrbType::TransferEvent)
              .set_slot(3)
              .set_endpoint(3)
              .set_cycle(true)
              .raw())};
  Event e = decode_event(t);
  CHECK(e.type == TrbType::TransferEvent);
  CHECK(e.completion == Completion::ShortPacket);
  CHECK(e.trb == 0x1234'5670);
  CHECK(e.length == 5);
  CHECK(e.slot == 3);
  CHECK(e.endpoint == 3);
  Trb port{u64(7) << 24, u32(EventStatus(0).set_completion(Completion::Success).raw()),
           u32(EventControl(0).set_type(TrbType::PortStatusChange).raw())};
  CHECK(decode_event(port).port == 7);
  CHECK(completion_text(Completion::Stall) == "stall");
}

TEST_CASE("control transfer TRBs follow xHCI 1.2 §6.4.1.2", "[xhci][trb]") {
  SetupPacket get_device{0x80, 6, 0x0100, 0, 18};
  Trb setup = setup_stage(get_device);
  CHECK(setup.parameter == 0x0012'0000'0100'0680ull);
  CHECK(TransferStatus(setup.status).length() == 8);
  TransferControl sc(setup.control);
  CHECK(sc.type() == TrbType::SetupStage);
  CHECK(sc.immediate_data());
  CHECK(sc.transfer_type() == 3);  // IN data stage
  CHECK(TransferControl(setup_stage({0, 9, 1, 0, 0}).control).transfer_type() == 0);
  TransferControl dc(data_stage(0x5000, 18, true).control);
  CHECK(dc.type() == TrbType::DataStage);
  CHECK(dc.direction_in());
  CHECK(dc.interrupt_on_short_packet());
  TransferControl st(status_stage(false).control);
  CHECK(st.type() == TrbType::StatusStage);
  CHECK_FALSE(st.direction_in());
  CHECK(st.interrupt_on_completion());
}

TEST_CASE("command TRBs carry their slot, endpoint and pointers", "[xhci][trb]") {
  Trb a = address_device(0x8000, 5, false);
  CHECK(a.parameter == 0x8000);
  CHECK(CommandControl(a.control).slot() == 5);
  CHECK(CommandControl(a.control).type() == TrbType::AddressDevice);
  Trb d = set_tr_dequeue(2, 3, 0x9010, true);
  CHECK(d.parameter == 0x9011);
  CHECK(CommandControl(d.control).endpoint_or_slot_type() == 3);
  CHECK(CommandControl(reset_endpoint(4, 1).control).slot() == 4);
}
