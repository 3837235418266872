// An xHCI host controller (docs/usb.md): taken from the firmware, reset, given its device
// context array, scratchpad, command ring and one event ring (interrupter 0, MSI-X or MSI;
// polled every 10 ms when the function offers neither), then run. One thread per controller
// ("xhci0", ...) handles port changes and enumerates devices; the interrupt handler drains
// the event ring, completes waits and hands interrupt-IN data to device drivers.
//
// Locking: the controller's spinlock guards the rings, the event ring and the slot table.
// It is never held while waking a thread or calling into a device driver (both take locks of
// their own). Commands are serialised by a mutex (thread context only). Every wait on the
// controller has a deadline; a controller that stops answering is marked dead and left.
#pragma once

#include <usb/xhci_context.hpp>
#include <usb/xhci_ring.hpp>

#include <hal/xhci.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>

#include "drivers/pci/pci.hpp"
#include "log.hpp"
#include "memory/dma.hpp"
#include "sched/wait_queue.hpp"
#include "sync/mutex.hpp"
#include "sync/spinlock.hpp"
#include "time.hpp"

namespace kernel::usb {

struct Device;
class Controller;

// The controller's thread: enumerates on port changes, runs device drivers' work.
void controller_thread(void* controller);

using ::usb::xhci::Completion;
using ::usb::xhci::Speed;

inline constexpr u64 kCommandTimeoutNs = 1'000'000'000;
inline constexpr u64 kTransferTimeoutNs = 2'000'000'000;

// A transfer ring and the transfer outstanding on it.
struct Endpoint {
  u8 dci = 0;  // device context index
  ::usb::xhci::ProducerRing ring;
  dma::Buffer ring_memory;
  // A transfer a thread waits for (control transfers): its last TRB, and the outcome the
  // interrupt handler records. `done` is written last (release) and read first (acquire).
  u64 wait_trb = 0;
  Completion completion = Completion::Invalid;
  u32 residual = 0;
  bool done = false;
  // Interrupt IN endpoints: the buffer each transfer fills and what to do with the data.
  dma::Buffer data;
  u16 length = 0;
  void (*on_data)(Device& device, libk::Bytes data) = nullptr;
  bool halted = false;  // a transfer ended in an error: the thread resets the endpoint
};

enum class UsbError : u8 {
  Timeout,        // the controller did not answer in time
  Command,        // a command completed with an error code
  Transfer,       // a transfer completed with an error code (stall, transaction error)
  NoMemory,       // DMA memory or the heap ran out
  RingFull,       // no free TRB slot
  Dead,           // the controller stopped (host system error, unplugged, reset failed)
  BadDescriptor,  // the device sent a descriptor that does not parse
  NoSlot,         // the controller has no free device slot
};
const char* usb_error_text(UsbError e);

template <typename T>
using Result = libk::Result<T, UsbError>;

class Controller {
 public:
  Controller(pci::Device& pci, u32 index) : pci_(pci), index_(index) {}
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Brings the controller up (hand-off, reset, memory, interrupter, run) and starts its
  // thread. Logs and returns false if any step fails; the controller is then left halted.
  bool start();
  // Clears or sets Run/Stop and waits (1 s at most) for Halted to follow (§4.2, §5.4.1):
  // a stopped controller keeps its rings and memory but fetches no TRB, so commands and
  // transfers time out. For the kernel tests of those time-outs. Context: thread.
  bool set_running(bool run) EXCLUDES(lock_);

  u32 index() const { return index_; }
  pci::Device& pci() { return pci_; }
  bool dead() const { return __atomic_load_n(&dead_, __ATOMIC_ACQUIRE); }
  u8 port_count() const { return port_count_; }
  // The USB major version of a root port (2 or 3), from the Supported Protocol capabilities.
  u8 port_protocol(u8 port) const { return port <= 255 ? port_protocol_[port] : 0; }
  bool interrupt_driven() const { return interrupt_driven_; }
  u64 interrupts() const { return __atomic_load_n(&interrupts_, __ATOMIC_RELAXED); }
  // How often the controller thread woke up (the idle benchmark expects none without input).
  u64 thread_wakeups() const { return __atomic_load_n(&wakeups_, __ATOMIC_RELAXED); }
  // The TSC when the event ring was last drained (drivers measure latency from it).
  u64 drain_tsc() const { return __atomic_load_n(&drain_tsc_, __ATOMIC_RELAXED); }
  // True once the first scan of the root ports (and of hubs found then) is over.
  bool settled() const { return __atomic_load_n(&settled_, __ATOMIC_ACQUIRE); }

  // ---- Commands (thread context; serialised) ----
  Result<u32> command(::usb::xhci::Trb trb, u8* slot_out = nullptr) EXCLUDES(lock_);

  // ---- Transfers ----
  // A control transfer on the device's default endpoint; `data` is DMA memory of at least
  // setup.length bytes (or unused when the length is 0). Returns the bytes transferred.
  Result<u32> control(Device& device, const ::usb::xhci::SetupPacket& setup,
                      const dma::Buffer* data) EXCLUDES(lock_);
  // Sets up endpoint `ep`'s ring (whose dci is set) for a device: DMA memory, the ring.
  Result<void> init_ring(Endpoint& ep);
  // Queues the next transfer of an interrupt IN endpoint and rings its doorbell.
  Result<void> queue_interrupt(Device& device, Endpoint& ep) EXCLUDES(lock_);
  // Resets a halted endpoint and moves its dequeue pointer past what was queued (§4.6.8).
  Result<void> recover_endpoint(Device& device, Endpoint& ep);

  // ---- Slots ----
  void publish(Device& device) EXCLUDES(lock_);  // slot table and DCBAA entry
  // Takes the device out of the slot table (no event reaches it any more) and waits until no
  // interrupt handler still uses it. Idempotent.
  void unpublish(Device& device) EXCLUDES(lock_);
  // Clears its DCBAA entry: after Disable Slot, when the controller is done with it.
  void forget_contexts(Device& device) EXCLUDES(lock_);
  u32 context_size() const { return context_size_; }
  dma::Constraints dma_constraints() const;

  // Asks the thread to look at a hub's ports or a device's pending work.
  void request_work() EXCLUDES(lock_);

  // ---- Root ports ----
  hal::xhci::PortStatus port_status(u8 port) EXCLUDES(lock_);
  Result<hal::xhci::PortStatus> reset_port(u8 port);

  // Visits every device, parents before children, holding the device tree's mutex (which
  // the controller thread holds while it attaches and detaches). Context: thread.
  void for_each_device(void (*visit)(Device& device, void* context), void* context)
      EXCLUDES(tree_mutex_);

 private:
  friend void controller_thread(void* self);

  bool take_from_firmware();
  bool reset();
  bool set_up_memory();
  bool set_up_interrupter();
  bool run();
  void power_ports() EXCLUDES(lock_);
  void find_protocols();

  void on_interrupt() EXCLUDES(lock_);
  static void interrupt_entry(void* self);
  usize drain_locked(::usb::xhci::Event* out, usize capacity) REQUIRES(lock_);
  void dispatch(const ::usb::xhci::Event& e) EXCLUDES(lock_);
  void complete_command(const ::usb::xhci::Event& e) EXCLUDES(lock_);
  void complete_transfer(const ::usb::xhci::Event& e) EXCLUDES(lock_);
  void note_port_change(u8 port) EXCLUDES(lock_);
  void check_health() EXCLUDES(lock_);
  void declare_dead(const char* why);

  template <typename Done>
  bool wait(Done done, u64 timeout_ns);
  template <typename Done>
  bool poll_register(Done done, u64 timeout_ns);

  void thread_loop();
  void handle_ports() REQUIRES(tree_mutex_);
  void handle_root_port(u8 port) REQUIRES(tree_mutex_);
  void handle_device_work() REQUIRES(tree_mutex_);
  void visit_devices_locked(void (*visit)(Device&, void*), void* context) REQUIRES(tree_mutex_);
  void take_port_changes(u64 (&out)[4]) EXCLUDES(lock_);

  pci::Device& pci_;
  u32 index_;
  hal::xhci::MappedWindow window_;
  hal::xhci::Registers regs_;
  u8 max_slots_ = 0;
  u8 port_count_ = 0;
  u32 context_size_ = 32;
  bool addressing_64_ = false;
  bool interrupt_driven_ = false;
  u8 port_protocol_[256] = {};

  SpinLock lock_{"xhci", lock_rank::kDevice};
  ::usb::xhci::ProducerRing command_ring_ GUARDED_BY(lock_);
  ::usb::xhci::EventRing events_ GUARDED_BY(lock_);
  Device* slots_[256] GUARDED_BY(lock_) = {};
  u64* dcbaa_ GUARDED_BY(lock_) = nullptr;
  // The command in flight: its TRB, and what its completion said (`command_done_` last).
  u64 command_trb_ GUARDED_BY(lock_) = 0;
  Completion command_code_ = Completion::Invalid;
  u8 command_slot_ = 0;
  u32 command_parameter_ = 0;
  bool command_done_ = false;
  u64 port_changes_[4] GUARDED_BY(lock_) = {};
  u32 dispatching_ = 0;  // interrupt handlers between unlock and the end of dispatch
  u64 interrupts_ = 0;
  u64 drain_tsc_ = 0;
  u64 wakeups_ = 0;
  bool dead_ = false;
  bool settled_ = false;
  bool work_ = false;

  Mutex command_mutex_{"xhci commands"};
  Mutex tree_mutex_{"usb device tree"};
  WaitQueue completions_;  // threads waiting for a command or a transfer
  WaitQueue work_queue_;   // the controller thread

  dma::Buffer dcbaa_memory_, scratchpad_array_, command_memory_, event_memory_, erst_memory_;
  dma::Buffer* scratchpad_pages_ = nullptr;
  u32 scratchpad_count_ = 0;

  // Devices on the root ports (hubs keep their own children).
  Device* root_devices_[256] GUARDED_BY(tree_mutex_) = {};
};

// Polls `done()` every 100 us (sleeping between polls) until it holds or the timeout.
template <typename Done>
bool Controller::poll_register(Done done, u64 timeout_ns) {
  u64 deadline = time::now_ns() + timeout_ns;
  while (!done()) {
    if (time::now_ns() >= deadline) return false;
    thread::sleep_until(time::now_ns() + 100'000);
  }
  return true;
}

// Waits until `done()` or the timeout; with no interrupt, drains the event ring itself every
// 100 us. False on timeout or when the controller died meanwhile.
template <typename Done>
bool Controller::wait(Done done, u64 timeout_ns) {
  u64 deadline = time::now_ns() + timeout_ns;
  while (!done()) {
    if (dead() || time::now_ns() >= deadline) return done();
    if (interrupt_driven_) {
      completions_.wait_until([&] { return done() || dead(); }, deadline);
    } else {
      on_interrupt();
      if (!done()) thread::sleep_until(time::now_ns() + 100'000);
    }
  }
  return true;
}

// Binds an xHCI driver to `device` (pci driver registry). Context: boot sequence, thread.
bool attach_xhci(pci::Device& device);
// The controllers attached so far (the list only grows, at boot).
libk::Span<Controller*> controllers();
// Waits until every controller finished its first look at its ports (and the hubs found
// there); false after `timeout_ns`. Context: thread.
bool wait_settled(u64 timeout_ns);

}  // namespace kernel::usb
