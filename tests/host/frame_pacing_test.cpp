// Pacing of whole-frame presents (libk/frame_pacer.hpp, TextConsole::present_paced), on a
// fake clock: scrolls that follow each other within the interval are presented as one frame
// copy, presents of damaged rows only are never held back, and what is finally presented
// equals a fresh screen's rendering of the same input.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "image/host_screen.hpp"

namespace {

using image::HostScreen;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kInterval = 16 * kMs;
// 40 x 6 cells of 8x16.
constexpr uint32_t kWidth = 320, kHeight = 96;
constexpr uint64_t kFrameBytes = uint64_t(kWidth) * kHeight * 4;

HostScreen::Config small_screen() {
  HostScreen::Config c;
  c.width = kWidth;
  c.height = kHeight;
  c.font = "terminus16";
  return c;
}

// A screen paced at kInterval; `scrollback` lines if not 0.
void init_paced(HostScreen& screen, uint32_t scrollback = 0) {
  REQUIRE(screen.init(small_screen()) == "");
  if (scrollback) REQUIRE(screen.attach_scrollback(scrollback));
  screen.console().pacer().set_interval(kInterval);
}

void write(HostScreen& screen, const std::string& text) {
  screen.console().write(libk::StringView(text.data(), text.size()));
}

// Whether `screen` shows what a fresh screen shows after `input` presented once.
bool shows(HostScreen& screen, const std::string& input) {
  HostScreen fresh;
  REQUIRE(fresh.init(small_screen()) == "");
  write(fresh, input);
  fresh.console().present();
  return screen.framebuffer() == fresh.framebuffer();
}

// Six lines: the screen is full, the cursor on the last row; the next newline scrolls.
const std::string kFull = "line 0\nline 1\nline 2\nline 3\nline 4\nline 5";

}  // namespace

TEST_CASE("FramePacer allows a whole frame at once, then one per interval", "[pacing]") {
  libk::FramePacer pacer(kInterval);
  CHECK(pacer.full_frame_allowed(5));  // none presented yet
  pacer.full_frame_presented(100 * kMs);
  CHECK(pacer.earliest_full_frame(101 * kMs) == 116 * kMs);
  CHECK_FALSE(pacer.full_frame_allowed(116 * kMs - 1));
  CHECK(pacer.full_frame_allowed(116 * kMs));
  CHECK(pacer.full_frame_allowed(900 * kMs));
  CHECK(pacer.full_frame_allowed(50 * kMs));  // a clock that went back never blocks
  libk::FramePacer unpaced;                   // interval 0
  unpaced.full_frame_presented(7);
  CHECK(unpaced.full_frame_allowed(7));
}

TEST_CASE("Scrolls within the interval wait, then cost one frame copy", "[pacing]") {
  HostScreen screen;
  init_paced(screen);
  write(screen, kFull);
  CHECK(screen.console().present_paced(0).stats.full_frame);  // the first frame: at once
  std::vector<uint8_t> before = screen.framebuffer();
  std::string input = kFull;
  for (int i = 6; i < 20; ++i) {
    std::string line = "\nline " + std::to_string(i);
    write(screen, line);
    input += line;
    libk::TextConsole::PacedPresent p = screen.console().present_paced(uint64_t(i - 5) * kMs);
    INFO("line " << i);
    CHECK(p.deferred);
    CHECK(p.due_ns == kInterval);
    CHECK(p.stats.bytes_copied == 0);
    CHECK(p.stats.cells_drawn == 0);
  }
  CHECK(screen.framebuffer() == before);  // nothing reached the screen meanwhile
  libk::TextConsole::PacedPresent p = screen.console().present_paced(kInterval);
  CHECK_FALSE(p.deferred);
  CHECK(p.stats.full_frame);
  CHECK(p.stats.bytes_copied == kFrameBytes);  // fourteen scrolls, one frame
  CHECK(p.stats.copies <= 2);
  CHECK(shows(screen, input));
}

TEST_CASE("Presents that copy damaged rows only are never deferred", "[pacing]") {
  HostScreen screen;
  init_paced(screen);
  write(screen, kFull);
  REQUIRE(screen.console().present_paced(0).stats.full_frame);
  write(screen, "\x1b[2;1Habc");
  libk::TextConsole::PacedPresent p = screen.console().present_paced(1 * kMs);
  CHECK_FALSE(p.deferred);
  CHECK_FALSE(p.stats.full_frame);
  CHECK(p.stats.bytes_copied == 3 * 8 * 4 * 16);
  CHECK(shows(screen, kFull + "\x1b[2;1Habc"));
}

TEST_CASE("Output written while a frame is pending joins it", "[pacing]") {
  HostScreen screen;
  init_paced(screen);
  write(screen, kFull);
  REQUIRE(screen.console().present_paced(0).stats.full_frame);
  write(screen, "\nscrolled");
  CHECK(screen.console().present_paced(1 * kMs).deferred);
  write(screen, "\x1b[1;1Htyped");  // no scroll of its own, but the frame is still pending
  libk::TextConsole::PacedPresent p = screen.console().present_paced(2 * kMs);
  CHECK(p.deferred);
  CHECK(p.due_ns == kInterval);
  p = screen.console().present_paced(kInterval + 3 * kMs);  // the deferred present came late
  CHECK(p.stats.full_frame);
  CHECK(shows(screen, kFull + "\nscrolled\x1b[1;1Htyped"));
  // The next interval counts from that frame.
  write(screen, "\x1b[6;1H\nagain");
  CHECK(screen.console().present_paced(kInterval + 4 * kMs).due_ns == 2 * kInterval + 3 * kMs);
}

TEST_CASE("After a quiet interval the first scroll is presented at once", "[pacing]") {
  HostScreen screen;
  init_paced(screen);
  write(screen, kFull);
  REQUIRE(screen.console().present_paced(0).stats.full_frame);
  write(screen, "\none");
  CHECK(screen.console().present_paced(20 * kMs).stats.full_frame);
  write(screen, "\ntwo");
  CHECK(screen.console().present_paced(25 * kMs).due_ns == 36 * kMs);
  // present() presents at once whatever the pacer says.
  CHECK(screen.console().present().full_frame);
  CHECK(shows(screen, kFull + "\none\ntwo"));
}

TEST_CASE("Moving the view into the scrollback is paced like a scroll", "[pacing]") {
  HostScreen screen;
  init_paced(screen, 100);
  std::string lines;
  for (int i = 0; i < 20; ++i) lines += "history " + std::to_string(i) + "\n";
  write(screen, lines);
  REQUIRE(screen.console().present_paced(0).stats.full_frame);
  screen.console().terminal().scroll_view(2);
  CHECK(screen.console().present_paced(1 * kMs).deferred);
  CHECK(screen.console().present_paced(kInterval).stats.full_frame);
  CHECK(screen.view_text(0) == "history 13");
  screen.console().terminal().scroll_view_to_bottom();
  CHECK(screen.console().present_paced(kInterval + 1).deferred);
  CHECK(screen.console().present_paced(2 * kInterval).stats.full_frame);
  CHECK(shows(screen, lines));
}

TEST_CASE("full_frame_pending() predicts what every present copies", "[pacing]") {
  // Random output, view moves and invalidations; before each present the prediction must
  // match what the present then did.
  static const char* kPieces[] = {"text",        "\n",          "\r\n\n\n",  "\x1b[2J",
                                  "\x1b[?1049h", "\x1b[?1049l", "\x1b[3;7H", "\x1b[1;1H\x1bM",
                                  "\x1b[2S",     "\x1b[T",      "\x1b[2;4r", "\x1b[r",
                                  "中文",        "\x1b[?25h",   "\x1b[?25l", "\x1b[K",
                                  "\x1b[3L",     "\033c"};
  std::mt19937 rng(17);
  HostScreen screen;
  init_paced(screen, 50);
  uint32_t full = 0, partial = 0;
  for (int step = 0; step < 3000; ++step) {
    uint32_t what = rng() % 24;
    if (what < 18) {
      write(screen, kPieces[what]);
    } else if (what < 20) {
      screen.console().terminal().scroll_view(int64_t(rng() % 9) - 4);
    } else if (what == 20) {
      screen.console().renderer().invalidate(screen.console().terminal());
    } else {
      bool predicted = screen.console().renderer().full_frame_pending(screen.console().terminal());
      libk::TextRenderer::Stats stats = screen.console().present();
      INFO("step " << step);
      REQUIRE(predicted == stats.full_frame);
      (stats.full_frame ? full : partial) += 1;
      CHECK_FALSE(screen.console().renderer().full_frame_pending(screen.console().terminal()));
    }
  }
  CHECK(full > 50);  // both kinds were exercised
  CHECK(partial > 50);
}
