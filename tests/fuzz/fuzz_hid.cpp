// libFuzzer harness for HID boot report decoding (usb/hid.hpp) and the xHCI event decoder
// and rings (usb/xhci_ring.hpp): what a device or a controller writes is untrusted.
//
// Input: 8-byte records. Each is fed as a keyboard report and as a mouse report (its first
// bytes), decoded as the parameter/status of an event TRB, and retired against a producer
// ring. Checks: no event names Key::None, a report yields at most kMaxEventsPerReport events,
// the ring never reports more free slots than it has. Seeds: tests/fuzz/corpus/hid.
#include <cstdlib>
#include <usb/hid.hpp>
#include <usb/xhci_ring.hpp>
#include <vector>

namespace {

constexpr u64 kRingPhys = 0x10'0000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  usb::hid::BootKeyboard keyboard;
  usb::hid::BootMouse mouse;
  std::vector<usb::xhci::Trb> memory(16);
  usb::xhci::ProducerRing ring;
  ring.init({memory.data(), memory.size()}, kRingPhys);
  for (size_t off = 0; off + 8 <= size; off += 8) {
    libk::Bytes report(data + off, 8);
    usb::hid::KeyEvent events[usb::hid::kMaxEventsPerReport];
    usize n = keyboard.feed(report, events);
    if (n > usb::hid::kMaxEventsPerReport) abort();
    for (usize i = 0; i < n; ++i)
      if (events[i].key == libk::keyboard::Key::None) abort();
    (void)mouse.feed({data + off, size_t(data[off] % 9)});
    usb::xhci::Trb trb{libk::load_le<u64>(data + off), libk::load_le<u32>(data + off),
                       libk::load_le<u32>(data + off + 4)};
    usb::xhci::Event e = usb::xhci::decode_event(trb);
    if (data[off] & 1) (void)ring.push(usb::xhci::no_op_command());
    (void)ring.retire(kRingPhys + (e.trb % 0x200));
    if (ring.free_slots() > memory.size() - 1) abort();
  }
  return 0;
}
