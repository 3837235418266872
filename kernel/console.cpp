#include "console.hpp"

#include <fonts/embedded_fonts.hpp>
#include <hal/cpu.hpp>
#include <hal/interrupts.hpp>
#include <hal/uart.hpp>
#include <libk/text_console.hpp>

#include "boot.hpp"
#include "early_memory.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "sync/spinlock.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel::console {

namespace {

constinit hal::Uart16550 com1(hal::Uart16550::kCom1);
// Serial output and the screen under one lock, so text from several CPUs reaches each device
// whole. Code that interrupts a writer on the same CPU anyway (an NMI, an exception in the
// console code) finds the lock held by this CPU and writes serial only, leaving the screen
// alone. A panic takes the screen over for good (emergency_write).
constinit SpinLock console_lock{"console", lock_rank::kConsole};
constinit libk::TextConsole screen GUARDED_BY(console_lock);
constinit bool screen_ready = false;  // set once, by init_screen()
constinit libk::Atomic<bool> screen_taken_by_panic{false};
constinit u32 batch_depth GUARDED_BY(console_lock) = 0;
constinit libk::Scrollback scrollback GUARDED_BY(console_lock);
constinit libk::StringView font_name;

// Paced presents (pace_presents()): a whole-frame present that the pacer defers is done by
// present_timer at the time the pacer gave, unless a later present did it first. The
// writer whose present was deferred arms the timer, unless it is armed already.
constinit bool pacing GUARDED_BY(console_lock) = false;
constinit PacingStats pacing_stats_ GUARDED_BY(console_lock);
constinit libk::Timer present_timer;
constinit libk::Atomic<bool> present_timer_armed{false};

class BothSink final : public libk::Sink {
 public:
  void write(libk::StringView text) override { console::write(text, kBoth); }
};
constinit BothSink both_sink;

libk::PixelPacker packer_for(const boot::Framebuffer& fb) {
  switch (fb.format) {
    case boot::PixelFormat::Rgbx: return libk::PixelPacker::rgbx();
    case boot::PixelFormat::Bgrx: return libk::PixelPacker::bgrx();
    default: return libk::PixelPacker::from_masks({fb.red_mask, fb.green_mask, fb.blue_mask});
  }
}

// The framebuffer as the renderer sees it, or nullopt (with the reason logged) if it
// cannot be used.
libk::Optional<libk::FramebufferView> framebuffer_view() {
  const boot::Framebuffer& fb = boot_info::get().framebuffer;
  if (fb.format == boot::PixelFormat::None) return libk::nullopt;
  bool masks_ok = fb.format != boot::PixelFormat::Bitmask ||
                  (fb.red_mask && fb.green_mask && fb.blue_mask && !(fb.red_mask & fb.green_mask) &&
                   !(fb.green_mask & fb.blue_mask) && !(fb.red_mask & fb.blue_mask));
  if (fb.bits_per_pixel != 32 || u64(fb.width) * 4 > fb.pitch ||
      u64(fb.pitch) * fb.height > fb.size || !masks_ok) {
    log::warn(
        "console: framebuffer {}x{} ({} bpp, pitch {}, masks {:#x}/{:#x}/{:#x}) is not "
        "usable; serial only",
        fb.width, fb.height, fb.bits_per_pixel, fb.pitch, fb.red_mask, fb.green_mask, fb.blue_mask);
    return libk::nullopt;
  }
  return libk::FramebufferView{boot_info::physical_to_virtual<u8>(fb.base), fb.width, fb.height,
                               fb.pitch, packer_for(fb)};
}

// The font= choice if it names a font that parses, else the automatic one.
libk::Optional<libk::psf::Font> pick_font(libk::StringView option, u32 width) {
  libk::StringView automatic = libk::default_console_font(width);
  libk::StringView names[] = {option.empty() ? automatic : option, automatic};
  usize candidates = names[0] == names[1] ? 1 : 2;
  for (usize i = 0; i < candidates; ++i) {
    const fonts::EmbeddedFont* embedded = fonts::find(names[i]);
    if (!embedded) {
      log::warn("console: unknown font \"{}\" (built in: terminus16, terminus32)", names[i]);
      continue;
    }
    auto font = libk::psf::parse(embedded->data);
    if (font) {
      font_name = embedded->name;  // static: the command line may be reclaimed later
      return font.value();
    }
    log::error("console: font {}: {}", names[i], libk::psf::error_text(font.error()));
  }
  return libk::nullopt;
}

// Presents unless a Batch is alive. `may_defer`: the caller holds no spinlock (it was
// called with interrupts enabled, and every spinlock disables them), so it may arm the
// timer (kTimers ranks below kConsole and kLog) once it has released the console lock: then
// a whole-frame present may be deferred, and the time to present is returned.
libk::Optional<u64> present_unless_batched(bool may_defer) REQUIRES(console_lock) {
  if (batch_depth != 0) return libk::nullopt;
  if (!may_defer || !pacing) {
    screen.present();
    return libk::nullopt;
  }
  libk::TextConsole::PacedPresent p = screen.present_paced(time::now_ns());
  if (!p.deferred) return libk::nullopt;
  ++pacing_stats_.deferred;
  return p.due_ns;
}

void present_when_due(libk::Timer&, void*);

// Context: no spinlock held.
void arm_present_timer(u64 due_ns) {
  if (present_timer_armed.exchange(true)) return;  // one is enough: it re-arms if still early
  timers::arm(present_timer, due_ns, present_when_due, nullptr);
}

// The timer's callback: interrupt context, so no spinlock is held on this CPU (a timer
// interrupt cannot arrive while one is).
void present_when_due(libk::Timer&, void*) {
  present_timer_armed.store(false);
  if (!lock_unless_held_here(console_lock)) return;
  ++pacing_stats_.timer_fired;
  libk::Optional<u64> due;
  if (screen_ready && !screen_taken_by_panic.load(libk::MemoryOrder::Relaxed))
    due = present_unless_batched(true);
  console_lock.unlock();
  if (due) arm_present_timer(*due);
}

}  // namespace

void copy_to_framebuffer(void* dst, const void* src, usize bytes) {
  hal::cpu::rep_movsq(dst, src, bytes / 8);
  if (bytes % 8) {
    usize done = bytes & ~usize{7};
    __builtin_memcpy(static_cast<u8*>(dst) + done, static_cast<const u8*>(src) + done, bytes % 8);
  }
}

void init_serial() { com1.init(); }

libk::Sink& serial() { return com1; }

hal::Uart16550& serial_port() { return com1; }

bool init_screen(libk::StringView font_option) {
  auto view = framebuffer_view();
  if (!view) return false;
  auto font = pick_font(font_option, view->width);
  if (!font) return false;
  auto layout = libk::TextConsole::layout(*view, *font);
  if (layout.columns == 0) {
    log::warn("console: {}x{} framebuffer is too small for the font; serial only", view->width,
              view->height);
    return false;
  }
  auto memory = early_memory::allocate(layout.bytes);
  if (!memory) {
    log::warn("console: no memory for the screen console ({}); serial only",
              libk::ByteSize{layout.bytes});
    return false;
  }
  libk::Span<u8> block(boot_info::physical_to_virtual<u8>(*memory), layout.bytes);
  {
    SpinLockGuard guard(console_lock);
    if (!screen.init(*view, *font, block, libk::console_terminal_options(), copy_to_framebuffer))
      return false;
    screen.renderer().set_wide_font(&fonts::kWideFont);
  }
  screen_ready = true;
  {
    Batch batch;
    log::replay_to_screen();
  }
  log::info("console: {}x{} cells, font {} ({}x{}), shadow buffer {}", layout.columns, layout.rows,
            font_name, font->width, font->height, libk::ByteSize{layout.shadow_pixels * 4});
  return true;
}

bool has_screen() { return screen_ready; }

void write(libk::StringView text, Target to) {
  bool may_defer = hal::cpu::interrupts_enabled();
  libk::Optional<u64> due;
  {
    hal::interrupts::Guard no_interrupts;
    if (!lock_unless_held_here(console_lock)) {  // interrupted a writer on this CPU
      if (to & kSerial) com1.write(text);
      return;
    }
    if (to & kSerial) com1.write(text);
    if ((to & kScreen) && screen_ready && !screen_taken_by_panic.load(libk::MemoryOrder::Relaxed)) {
      screen.write(text);
      due = present_unless_batched(may_defer);
    }
    console_lock.unlock();
  }
  if (due) arm_present_timer(*due);
}

libk::Sink& sink() { return both_sink; }

// True when the screen may be drawn on: set up and not taken over by a panic.
bool screen_usable() REQUIRES(console_lock) {
  return screen_ready && !screen_taken_by_panic.load(libk::MemoryOrder::Relaxed);
}

bool init_scrollback(u32 lines) {
  if (!screen_ready) return false;
  u32 columns = screen_info().columns;
  usize line_bytes = usize(columns) * sizeof(libk::Cell);
  if (lines == 0) lines = kDefaultScrollbackLines;
  if (usize(lines) * line_bytes > kMaxScrollbackBytes)
    lines = u32(kMaxScrollbackBytes / line_bytes);
  usize bytes = usize(lines) * line_bytes;
  auto* cells = static_cast<libk::Cell*>(heap::allocate(bytes));
  if (!cells) {
    log::warn("console: no memory for a scrollback of {} lines ({})", lines, libk::ByteSize{bytes});
    return false;
  }
  bool ok = false;
  {
    SpinLockGuard guard(console_lock);
    ok = screen_usable() && scrollback.init({cells, usize(lines) * columns}, columns, lines) &&
         screen.terminal().set_scrollback(&scrollback);
  }
  if (!ok) {
    heap::free(cells);
    return false;
  }
  log::debug("console: scrollback of {} lines ({}); Shift+PgUp/PgDn/Home/End", lines,
             libk::ByteSize{bytes});  // debug: the boot screen has no line to spare
  return true;
}

void scroll_view(ScrollView how) {
  bool may_defer = hal::cpu::interrupts_enabled();
  libk::Optional<u64> due;
  {
    SpinLockGuard guard(console_lock);
    if (!screen_usable()) return;
    libk::Terminal& t = screen.terminal();
    i64 half = i64(t.grid().rows() / 2);
    switch (how) {
      case ScrollView::PageUp: t.scroll_view(half); break;
      case ScrollView::PageDown: t.scroll_view(-half); break;
      case ScrollView::Top: t.scroll_view_to_top(); break;
      case ScrollView::Bottom: t.scroll_view_to_bottom(); break;
    }
    due = present_unless_batched(may_defer);
  }
  if (due) arm_present_timer(*due);
}

usize take_screen_replies(char* out, usize capacity) {
  SpinLockGuard guard(console_lock);
  if (!screen_usable()) return 0;
  return screen.terminal().take_replies(out, capacity);
}

Batch::Batch() {
  SpinLockGuard guard(console_lock);
  ++batch_depth;
}

Batch::~Batch() {
  bool may_defer = hal::cpu::interrupts_enabled();
  libk::Optional<u64> due;
  {
    SpinLockGuard guard(console_lock);
    if (batch_depth > 0 && --batch_depth == 0 && screen_ready &&
        !screen_taken_by_panic.load(libk::MemoryOrder::Relaxed))
      due = present_unless_batched(may_defer);
  }
  if (due) arm_present_timer(*due);
}

void pace_presents() {
  SpinLockGuard guard(console_lock);
  if (!screen_usable()) return;
  screen.pacer().set_interval(libk::kConsoleFrameIntervalNs);
  pacing = true;
}

void set_frame_interval(u64 interval_ns) {
  SpinLockGuard guard(console_lock);
  if (screen_usable()) screen.pacer().set_interval(interval_ns);
}

PacingStats pacing_stats() {
  SpinLockGuard guard(console_lock);
  return pacing_stats_;
}

// The panic path: whatever drawing it interrupted is abandoned (its CPU, if another, is being
// stopped) and normal writers stay off the screen from now on. It takes no lock: the holder
// may be the stopped CPU. Outside the analysis on purpose.
void emergency_write(libk::StringView text) NO_THREAD_SAFETY_ANALYSIS {
  if (!screen_ready) return;
  screen_taken_by_panic.store(true);
  batch_depth = 0;
  screen.terminal().abort_sequence();
  screen.write(text);
  screen.present();
}

// The geometry and font are fixed once init_screen() is done: no lock needed to read them.
ScreenInfo screen_info() NO_THREAD_SAFETY_ANALYSIS {
  if (!screen_ready) return {};
  const libk::Terminal& t = screen.terminal();
  return {
      t.grid().columns(),
      t.grid().rows(),
      screen.font().width,
      screen.font().height,
      font_name,
      u64(t.grid().columns()) * screen.font().width * t.grid().rows() * screen.font().height * 4};
}

// For the console tests, which inspect the screen between writes of their own.
libk::TextConsole* text_console() NO_THREAD_SAFETY_ANALYSIS {
  return screen_ready ? &screen : nullptr;
}

}  // namespace kernel::console
