// In-kernel tests of the console, the log and the panic banner, built with the kernel's
// flags (no SSE, kernel code model) and running on the real framebuffer.
#include <fonts/embedded_fonts.hpp>
#include <hal/cpu.hpp>
#include <hal/interrupts.hpp>
#include <libk/cmdline.hpp>
#include <libk/text_console.hpp>

#include "boot.hpp"
#include "console.hpp"
#include "early_memory.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "panic.hpp"
#include "sched/thread.hpp"
#include "time.hpp"

namespace kernel {

namespace {

// Whether screen row y of a console's grid contains `needle`.
bool row_contains(const libk::TextConsole& c, u32 y, libk::StringView needle) {
  libk::FixedString<512> text;
  c.terminal().grid().write_row_text(y, text.sink());
  return text.view().find(needle) != libk::StringView::npos;
}

// The screen row holding `needle`, searching from the bottom.
libk::Optional<u32> find_row(const libk::TextConsole& c, libk::StringView needle) {
  for (u32 y = c.terminal().grid().rows(); y-- > 0;)
    if (row_contains(c, y, needle)) return y;
  return libk::nullopt;
}

u64 fake_now() { return 1'234'567'891; }

// Pixels of screen row `row` that differ between the framebuffer and the renderer's shadow
// (only these tests read the framebuffer; the console never does), and how many pixels of
// the row are not the background (the glyphs are really there).
struct RowCheck {
  u32 mismatches = 0, foreground = 0;
};
RowCheck check_row_on_screen(libk::TextConsole& screen, u32 row) {
  const libk::TextRenderer& r = screen.renderer();
  const libk::FramebufferView& fb = r.framebuffer();
  u32 gh = screen.font().height, slot = screen.terminal().grid().storage_row(row);
  u32 bg = fb.packer.pack({0x1C, 0x1B, 0x22});
  RowCheck check;
  for (u32 y = 0; y < gh; ++y) {
    const u32* shadow = r.shadow() + usize(slot * gh + y) * r.shadow_stride();
    const u32* screen_line = reinterpret_cast<const u32*>(fb.base + usize(row * gh + y) * fb.pitch);
    for (u32 x = 0; x < r.shadow_stride(); ++x) {
      check.mismatches += shadow[x] != screen_line[x];
      check.foreground += screen_line[x] != bg;
    }
  }
  return check;
}

}  // namespace

KTEST("console.screen.follows_the_framebuffer") {
  const boot::Framebuffer& fb = boot_info::get().framebuffer;
  console::ScreenInfo info = console::screen_info();
  if (fb.format == boot::PixelFormat::None) {
    KEXPECT(!console::has_screen());
    KEXPECT_EQ(info.columns, 0u);
    return;
  }
  if (!KEXPECT(console::has_screen())) return;
  KEXPECT_EQ(info.columns, fb.width / info.font_width);
  KEXPECT_EQ(info.rows, fb.height / info.font_height);
  libk::CommandLine cmdline(boot_info::cmdline());
  libk::StringView wanted = cmdline.get("font").value_or(libk::default_console_font(fb.width));
  KEXPECT(info.font_name == wanted);
  KEXPECT_EQ(info.font_height, info.font_name == "terminus32" ? 32u : 16u);
}

KTEST("console.screen.shows_what_was_written") {
  libk::TextConsole* screen = console::text_console();
  if (!screen) return;       // serial-only boot: nothing to check
  log::wait_screen_drawn();  // the log writer must not scroll the screen while we look
  {
    hal::interrupts::Guard no_interrupts;  // presented before write() returns, never paced
    console::write("\x1b[1;32mktest: \xE2\x94\x80\xE2\x94\x80 console check \xC3\xA4\x1b[0m\n",
                   console::kScreen);
  }
  auto row = find_row(*screen, "ktest: \xE2\x94\x80\xE2\x94\x80 console check \xC3\xA4");
  if (!KEXPECT(row.has_value())) return;
  // What reached the framebuffer is what the renderer drew for that row.
  RowCheck check = check_row_on_screen(*screen, *row);
  KEXPECT_EQ(check.mismatches, 0u);
  KEXPECT(check.foreground > 100);
  KEXPECT_EQ(screen->terminal().grid().at(0, *row).fg, libk::kEmberTheme.ansi[2]);
}

// A thread's scrolling writes in quick succession: after one whole frame is presented, the
// next ones within the pacing interval are deferred, and the timer presents them.
KTEST("console.screen.paced_scrolls_reach_the_screen") {
  libk::TextConsole* screen = console::text_console();
  if (!screen) return;
  log::wait_screen_drawn();
  if (!KEXPECT(hal::cpu::interrupts_enabled())) return;  // only such writers are paced
  // A long interval, so that the writes below come within it however slowly they run.
  console::set_frame_interval(200 * time::kNsPerMs);
  console::PacingStats before = console::pacing_stats();
  // Enough lines to scroll even a screen that was not full.
  u32 rows = console::screen_info().rows;
  for (u32 i = 0; i < 2 * rows && console::pacing_stats().deferred == before.deferred; ++i)
    console::write("ktest: paced line\n", console::kScreen);
  console::write("ktest: the last paced line\n", console::kScreen);
  console::set_frame_interval(libk::kConsoleFrameIntervalNs);
  KEXPECT(console::pacing_stats().deferred > before.deferred);
  u64 give_up = time::now_ns() + 10 * time::kNsPerSecond;
  while (console::pacing_stats().timer_fired == before.timer_fired && time::now_ns() < give_up)
    thread::sleep_for(10 * time::kNsPerMs);
  KEXPECT(console::pacing_stats().timer_fired > before.timer_fired);
  auto row = find_row(*screen, "ktest: the last paced line");
  if (!KEXPECT(row.has_value())) return;
  RowCheck check = check_row_on_screen(*screen, *row);
  KEXPECT_EQ(check.mismatches, 0u);
  KEXPECT(check.foreground > 100);
}

KTEST("console.panic_banner.is_red_and_says_where") {
  // A private console on a RAM framebuffer, so the real screen keeps its log.
  constexpr u32 kWidth = 320, kHeight = 160;
  auto fb_memory = early_memory::allocate(kWidth * kHeight * 4);
  if (!KEXPECT(fb_memory.has_value())) return;
  libk::FramebufferView fb{boot_info::physical_to_virtual<u8>(*fb_memory), kWidth, kHeight,
                           kWidth * 4, libk::PixelPacker::bgrx()};
  auto font = libk::psf::parse(fonts::find("terminus16")->data);
  if (!KEXPECT(font.ok())) return;
  auto layout = libk::TextConsole::layout(fb, font.value());
  auto memory = early_memory::allocate(layout.bytes);
  if (!KEXPECT(memory.has_value())) return;
  static libk::TextConsole c;  // large: not on the stack
  bool ok = c.init(fb, font.value(), {boot_info::physical_to_virtual<u8>(*memory), layout.bytes});
  if (!KEXPECT(ok)) return;
  c.write("log line before\n\x1b[33munfinished sequence \x1b[3");  // as if interrupted
  c.terminal().abort_sequence();
  struct ConsoleSink final : libk::Sink {
    libk::TextConsole& c;
    explicit ConsoleSink(libk::TextConsole& con) : c(con) {}
    void write(libk::StringView t) override { c.write(t); }
  } sink(c);
  write_panic_banner(sink, "kernel/x.cpp", 42, "frobnicate", "the widget broke");
  c.present();
  auto title = find_row(c, "*** KERNEL PANIC ***");
  if (!KEXPECT(title.has_value())) return;
  KEXPECT(row_contains(c, *title + 1, "the widget broke"));
  KEXPECT(row_contains(c, *title + 2, "at kernel/x.cpp:42 in frobnicate()"));
  u32 last = c.terminal().grid().columns() - 1;
  for (u32 y = *title; y <= *title + 2; ++y) {
    KEXPECT_EQ(c.terminal().grid().at(0, y).bg, libk::kEmberTheme.ansi[1]);
    KEXPECT_EQ(c.terminal().grid().at(last, y).bg, libk::kEmberTheme.ansi[1]);
  }
  // The far right pixel of the title line is red on the framebuffer itself.
  u32 px = reinterpret_cast<const u32*>(fb.base + usize(*title * 16 + 8) * fb.pitch)[kWidth - 1];
  KEXPECT_EQ(px, fb.packer.pack({0xE0, 0x55, 0x61}));
  // Text after the banner is back to normal colours.
  c.write("after\n");
  auto after = find_row(c, "after");
  if (KEXPECT(after.has_value()))
    KEXPECT_EQ(c.terminal().grid().at(0, *after).bg, libk::kEmberTheme.background);
}

KTEST("log.ring.keeps_each_message") {
  u64 before = log::next_sequence();
  log::warn("ktest: ring check {}", 7);
  KEXPECT_EQ(log::next_sequence(), before + 1);
  libk::LogRecord record;
  char text[128];
  if (!KEXPECT(log::read(before, record, text, sizeof(text)))) return;
  KEXPECT(record.text == "ktest: ring check 7");
  KEXPECT_EQ(record.level, u8(log::Level::Warn));
  KEXPECT_EQ(record.sequence, before);
  KEXPECT(log::first_sequence() <= before);
}

KTEST("log.clock.stamps_records") {
  log::Clock saved = log::clock();
  log::set_clock(fake_now);
  log::info("ktest: clock check");
  log::set_clock(saved);
  libk::LogRecord record;
  char text[64];
  if (!KEXPECT(log::read(log::next_sequence() - 1, record, text, sizeof(text)))) return;
  KEXPECT_EQ(record.timestamp_ns, 1'234'567'891u);
  KEXPECT_EQ(record.flags & log::kNoClock, 0);
  libk::FixedString<128> line;
  log::format_record(line.sink(), record);
  KEXPECT(line.view() == "\x1b[90m[    1.234567]\x1b[0m \x1b[36mktest:\x1b[0m clock check\n");
}

KTEST("log.format.levels_are_tagged") {
  libk::LogRecord record;
  record.level = u8(log::Level::Error);
  record.text = "disk on fire";
  libk::FixedString<128> line;
  log::format_record(line.sink(), record);
  KEXPECT(line.view() == "\x1b[90m[    0.000000]\x1b[0m \x1b[1;31merror:\x1b[0m disk on fire\n");
  log::Level level;
  KEXPECT(log::parse_level("warning", level) && level == log::Level::Warn);
  KEXPECT(!log::parse_level("loud", level));
}

}  // namespace kernel

namespace kernel {

KTEST("console.copy.handles_any_length") {
  u8 src[40], dst[48];
  for (usize i = 0; i < sizeof(src); ++i) src[i] = u8(i * 37 + 1);
  constexpr usize kLengths[] = {0, 1, 4, 7, 8, 12, 39, 40};
  for (usize n : kLengths) {
    for (u8& b : dst) b = 0xEE;
    console::copy_to_framebuffer(dst, src, n);
    bool same = true, untouched = true;
    for (usize i = 0; i < n; ++i) same &= dst[i] == src[i];
    for (usize i = n; i < sizeof(dst); ++i) untouched &= dst[i] == 0xEE;
    KEXPECT(same);
    KEXPECT(untouched);
  }
}

// Not a benchmark (those run on the host, tests/bench/): a manual measurement of the blit
// on this machine's framebuffer, `test=console.measure.blit`. It checks the copies and
// logs TSC cycles for one frame: libk's memcpy, REP MOVSQ, and scroll + present.
KTEST_MANUAL("console.measure.blit") {
  libk::TextConsole* screen = console::text_console();
  if (!KEXPECT(screen != nullptr)) return;
  const libk::TextRenderer& r = screen->renderer();
  const libk::FramebufferView& fb = r.framebuffer();
  usize bytes =
      usize(r.shadow_stride()) * 4 * screen->terminal().grid().rows() * screen->font().height;
  if (!KEXPECT(fb.pitch == r.shadow_stride() * 4)) return;  // one straight copy per frame
  auto cycles = [](auto&& f) {
    u64 best = ~u64{0};
    for (int i = 0; i < 5; ++i) {
      u64 start = hal::cpu::rdtsc();
      f();
      u64 t = hal::cpu::rdtsc() - start;
      best = t < best ? t : best;
    }
    return best;
  };
  u64 with_memcpy = cycles([&] { __builtin_memcpy(fb.base, r.shadow(), bytes); });
  u64 with_movsq = cycles([&] { console::copy_to_framebuffer(fb.base, r.shadow(), bytes); });
  KEXPECT(__builtin_memcmp(fb.base, r.shadow(), bytes) == 0);
  hal::interrupts::Guard no_interrupts;  // every write presented at once, never paced
  for (u32 i = 0; i < screen->terminal().grid().rows(); ++i) console::write("\n", console::kScreen);
  u64 scroll = cycles([&] { console::write("measuring scroll + present\n", console::kScreen); });
  log::info("measure: one {}-byte frame: memcpy {} cycles, rep movsq {} cycles; scroll+present {}",
            bytes, with_memcpy, with_movsq, scroll);
}

}  // namespace kernel
