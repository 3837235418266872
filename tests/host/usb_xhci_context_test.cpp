// xHCI contexts (usb/xhci_context.hpp): the dwords the controller reads, against the layouts
// of xHCI 1.2 §6.2, and the rules for intervals, transaction translators and route strings.
#include <catch2/catch.hpp>
#include <usb/xhci_context.hpp>
#include <vector>

using namespace usb::xhci;

TEST_CASE("a slot context for a full-speed device behind a high-speed hub", "[xhci][context]") {
  std::vector<u8> mem(33 * 32, 0xAA);
  Contexts input({mem.data(), mem.size()}, 32);
  fill_slot(input, {.route_string = 0x21,
                    .speed = Speed::Full,
                    .root_hub_port = 3,
                    .context_entries = 1,
                    .tt_hub_slot = 2,
                    .tt_port = 1});
  volatile u32* d = input.dwords(1);
  CHECK(d[0] == (0x21u | 1u << 20 | 1u << 27));
  CHECK(d[1] == 3u << 16);
  CHECK(d[2] == (2u | 1u << 8));
  CHECK(d[3] == 0u);
}

TEST_CASE("an endpoint context for an interrupt IN endpoint", "[xhci][context]") {
  std::vector<u8> mem(33 * 64, 0);
  Contexts input({mem.data(), mem.size()}, 64);
  fill_endpoint(input, 3,
                {.type = EndpointType::InterruptIn,
                 .max_packet_size = 8,
                 .interval = 6,
                 .dequeue = 0x1'2345'6780,
                 .cycle = true,
                 .average_trb_length = 8,
                 .max_esit_payload = 8});
  volatile u32* d = input.dwords(4);  // DCI 3 lives after the control and slot contexts
  CHECK(d[0] == 6u << 16);
  CHECK(d[1] == (3u << 1 | 7u << 3 | 8u << 16));
  CHECK(d[2] == 0x2345'6781u);
  CHECK(d[3] == 0x1u);
  CHECK(d[4] == (8u | 8u << 16));
  CHECK(reinterpret_cast<volatile u8*>(d) - mem.data() == 4 * 64);
}

TEST_CASE("the input control context's add and drop flags", "[xhci][context]") {
  std::vector<u8> mem(33 * 32, 0xFF);
  Contexts input({mem.data(), mem.size()}, 32);
  set_input_control(input, 0b1001, 0b100);
  CHECK(input.dwords(0)[0] == 0b100u);
  CHECK(input.dwords(0)[1] == 0b1001u);
}

TEST_CASE("device context readers decode what the controller wrote", "[xhci][context]") {
  std::vector<u8> mem(32 * 32, 0);
  Contexts output({mem.data(), mem.size()}, 32);
  output.dwords(0)[3] = 7u | 2u << 27;  // addressed, address 7
  output.dwords(3)[0] = kEndpointHalted;
  CHECK(device_address(output) == 7);
  CHECK(slot_state(output) == 2);
  CHECK(endpoint_state(output, 3) == kEndpointHalted);
  CHECK(endpoint_state(output, 0) == 0);
}

TEST_CASE("endpoint indexes: 1 for control, 2n+1 IN, 2n OUT", "[xhci][context]") {
  CHECK(endpoint_index(0x00) == 1);
  CHECK(endpoint_index(0x81) == 3);
  CHECK(endpoint_index(0x01) == 2);
  CHECK(endpoint_index(0x8F) == 31);
}

TEST_CASE("interrupt intervals per xHCI 1.2 §6.2.3.6", "[xhci][context]") {
  CHECK(endpoint_interval(Speed::High, 1) == 0);
  CHECK(endpoint_interval(Speed::High, 4) == 3);
  CHECK(endpoint_interval(Speed::Super, 16) == 15);
  CHECK(endpoint_interval(Speed::Full, 10) == 6);    // 64 x 125 us = 8 ms <= 10 ms
  CHECK(endpoint_interval(Speed::Low, 1) == 3);      // 1 ms
  CHECK(endpoint_interval(Speed::Full, 255) == 10);  // capped at 128 ms
  CHECK(endpoint_interval(Speed::Full, 0) == 3);
}

TEST_CASE("transaction translators: a high-speed hub's, inherited below full-speed hubs",
          "[xhci][context]") {
  TtInfo none{0, 0};
  TtInfo via = transaction_translator(Speed::Low, Speed::High, 4, 2, none);
  CHECK(via.hub_slot == 4);
  CHECK(via.port == 2);
  TtInfo inherited = transaction_translator(Speed::Full, Speed::Full, 6, 3, via);
  CHECK(inherited.hub_slot == 4);
  CHECK(inherited.port == 2);
  CHECK(transaction_translator(Speed::High, Speed::High, 4, 2, none).hub_slot == 0);
  CHECK(transaction_translator(Speed::Full, Speed::Unknown, 0, 0, none).hub_slot == 0);
}

TEST_CASE("route strings take 4 bits per tier below the root port", "[xhci][context]") {
  CHECK(child_route(0, 0, 3) == 0x3);
  CHECK(child_route(0x3, 1, 5) == 0x53);
  CHECK(child_route(0x53, 2, 20) == 0xF53);
  CHECK(child_route(0x12345, 5, 1) == 0x12345);
}

TEST_CASE("Configure Endpoint's slot context covers the new endpoint, never shrinks",
          "[xhci][context]") {
  std::vector<u8> mem(33 * 32, 0);
  Contexts input({mem.data(), mem.size()}, 32);
  fill_slot(input, {.speed = Speed::High, .root_hub_port = 5, .context_entries = 1});
  cover_endpoint(input, 3);
  CHECK(SlotDword0(input.dwords(1)[0]).context_entries() == 3);
  cover_endpoint(input, 2);
  CHECK(SlotDword0(input.dwords(1)[0]).context_entries() == 3);
  CHECK(SlotDword0(input.dwords(1)[0]).speed() == Speed::High);
  CHECK(context_flag(0) == 1u);
  CHECK(context_flag(3) == 8u);
}

TEST_CASE("a hub's slot context: hub, ports, multi-TT and think time", "[xhci][context]") {
  std::vector<u8> mem(33 * 32, 0);
  Contexts input({mem.data(), mem.size()}, 32);
  fill_slot(input, {.speed = Speed::High, .root_hub_port = 2, .context_entries = 1});
  mark_hub(input, 7, true, 2);
  volatile u32* d = input.dwords(1);
  CHECK(SlotDword0(d[0]).hub());
  CHECK(SlotDword0(d[0]).multi_tt());
  CHECK(SlotDword1(d[1]).port_count() == 7);
  CHECK(SlotDword1(d[1]).root_hub_port() == 2);
  CHECK(SlotDword2(d[2]).tt_think_time() == 2);
}
