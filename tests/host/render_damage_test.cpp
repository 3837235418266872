// What one present copies to the framebuffer (libk/text_renderer.hpp, with the grid's
// per-row damage from libk/cell_grid.hpp): only the rows that changed while the ring's
// origin stays put, one whole frame when it moved (however many scrolls came in between).
// Each case presents a screen, applies one step and presents again, and checks
//   - which cell rows the second present copied (recorded by the copy routine), and
//   - that the framebuffer is pixel for pixel what a fresh screen shows after the same
//     input presented once: a damaged row that was not drawn or not copied shows up here.
#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <set>
#include <string>

#include "image/host_screen.hpp"

namespace {

using image::HostScreen;
using Rows = std::set<uint32_t>;

// 40 x 6 cells of 8x16.
constexpr uint32_t kWidth = 320, kHeight = 96, kCellHeight = 16, kRows = 6;
constexpr uint64_t kRowBytes = uint64_t(kWidth) * 4 * kCellHeight;
constexpr uint64_t kFrameBytes = kRowBytes * kRows;

// The cell rows the renderer's copies write to. The copy routine is a plain function
// pointer, hence a recorder at file level.
struct CopyRecorder {
  const uint8_t* base = nullptr;  // the framebuffer being watched; others are not recorded
  Rows rows;
  uint64_t bytes = 0;
};
CopyRecorder recorder;

void recording_copy(void* dst, const void* src, size_t bytes) {
  std::memcpy(dst, src, bytes);
  if (recorder.base == nullptr || bytes == 0) return;
  size_t offset = size_t(static_cast<const uint8_t*>(dst) - recorder.base);
  size_t pitch = size_t(kWidth) * 4;
  for (size_t line = offset / pitch; line <= (offset + bytes - 1) / pitch; ++line)
    recorder.rows.insert(uint32_t(line / kCellHeight));
  recorder.bytes += bytes;
}

using Action = std::function<void(HostScreen&)>;

Action writes(std::string text) {
  return [text](HostScreen& s) { s.console().write(libk::StringView(text.data(), text.size())); };
}

Action then(Action a, Action b) {
  return [a, b](HostScreen& s) {
    a(s);
    b(s);
  };
}

Action view_back(int64_t lines) {
  return [lines](HostScreen& s) { s.console().terminal().scroll_view(lines); };
}

HostScreen::Config config(libk::CopyFn copy) {
  HostScreen::Config c;
  c.width = kWidth;
  c.height = kHeight;
  c.font = "terminus16";
  c.copy = copy;
  return c;
}

struct Outcome {
  libk::TextRenderer::Stats stats;
  Rows rows;           // cell rows the second present copied to
  uint64_t bytes = 0;  // bytes it copied
  bool same = false;   // the framebuffer equals the fresh screen's
  std::string first_difference;
};

// `setup`, present, `step`, present on one screen; `setup` and `step` then one present on a
// fresh screen. With `scrollback`, both screens have one of that many lines.
Outcome present_step(const Action& setup, const Action& step, uint32_t scrollback = 0) {
  HostScreen incremental, fresh;
  REQUIRE(incremental.init(config(recording_copy)) == "");
  REQUIRE(fresh.init(config(nullptr)) == "");
  if (scrollback) {
    REQUIRE(incremental.attach_scrollback(scrollback));
    REQUIRE(fresh.attach_scrollback(scrollback));
  }
  setup(incremental);
  incremental.console().present();
  recorder = {incremental.framebuffer().data(), {}, 0};
  step(incremental);
  Outcome out;
  out.stats = incremental.console().present();
  out.rows = recorder.rows;
  out.bytes = recorder.bytes;
  recorder = {};
  setup(fresh);
  step(fresh);
  fresh.console().present();
  out.same = incremental.framebuffer() == fresh.framebuffer();
  for (uint32_t y = 0; y < kHeight && out.first_difference.empty(); ++y)
    for (uint32_t x = 0; x < kWidth; ++x)
      if (incremental.pixel(x, y) != fresh.pixel(x, y)) {
        out.first_difference = "pixel (" + std::to_string(x) + "," + std::to_string(y) +
                               ") in cell row " + std::to_string(y / kCellHeight);
        break;
      }
  return out;
}

Rows all_rows() {
  Rows r;
  for (uint32_t y = 0; y < kRows; ++y) r.insert(y);
  return r;
}

// Six lines: the screen is full and the cursor is on the last row.
const char kFull[] = "line 0\nline 1\nline 2\nline 3\nline 4\nline 5";

}  // namespace

TEST_CASE("A write copies only the cells it changed", "[renderer][damage]") {
  Outcome o = present_step(writes("one\ntwo\n"), writes("three"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK_FALSE(o.stats.full_frame);
  CHECK(o.rows == Rows{2});
  CHECK(o.bytes == 5 * 8 * 4 * kCellHeight);  // five cells
}

TEST_CASE("A scroll copies the whole frame once", "[renderer][damage]") {
  Outcome o = present_step(writes(kFull), writes("\nline 6"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.stats.full_frame);
  CHECK(o.rows == all_rows());
  CHECK(o.bytes == kFrameBytes);
}

TEST_CASE("Several scrolls between two presents cost one frame copy", "[renderer][damage]") {
  Outcome o = present_step(writes(kFull), writes("\na\nb\nc\nd\ne\nf\ng"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.stats.full_frame);
  CHECK(o.bytes == kFrameBytes);
  CHECK(o.stats.copies <= 2);  // the ring in two straight runs
}

TEST_CASE("A screenful of scrolls that brings the ring's origin back copies one frame",
          "[renderer][damage]") {
  for (uint32_t lines : {kRows, 2 * kRows, 2 * kRows + 1}) {
    std::string step;
    for (uint32_t i = 0; i < lines; ++i) step += "\nscrolled " + std::to_string(i);
    Outcome o = present_step(writes(kFull), writes(step));
    INFO(lines << " lines; " << o.first_difference);
    CHECK(o.same);
    CHECK(o.stats.full_frame);
    CHECK(o.bytes == kFrameBytes);
    CHECK(o.stats.copies <= 2);
  }
}

TEST_CASE("A write after a presented scroll copies only its row again", "[renderer][damage]") {
  Outcome o = present_step(writes(std::string(kFull) + "\nnew"), writes("er"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK_FALSE(o.stats.full_frame);
  CHECK(o.rows == Rows{5});
  CHECK(o.bytes == 2 * 8 * 4 * kCellHeight);
}

TEST_CASE("Wide characters that wrap damage both rows", "[renderer][damage]") {
  // The first fills columns 39-40 of row 2, the second wraps to row 3.
  Outcome o = present_step(writes("\x1b[2;39H"), writes("中中"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == Rows{1, 2});
  // One at the last column cannot fit there and goes to the next row.
  o = present_step(writes("\x1b[2;40H"), writes("中"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == Rows{2});
}

TEST_CASE("Overwriting half of a wide character redraws both halves", "[renderer][damage]") {
  Outcome o = present_step(writes("\x1b[3;1H中"), writes("\x1b[3;2Hx"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == Rows{2});
  CHECK(o.stats.cells_drawn == 2);
}

TEST_CASE("The cursor moving between rows damages its old and new row", "[renderer][damage]") {
  Outcome o = present_step(writes("\x1b[?25habc"), writes("\x1b[4;10H"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == Rows{0, 3});
  CHECK(o.stats.cells_drawn == 2);
  CHECK(o.bytes == 2 * 8 * 4 * kCellHeight);
  // Onto the right half of a wide character: the character is drawn whole.
  o = present_step(writes("\x1b[?25h中 ab"), writes("\x1b[1;2H"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == Rows{0});
  // Hidden, it leaves its row only.
  o = present_step(writes("\x1b[?25habc"), writes("\x1b[?25l"));
  CHECK(o.same);
  CHECK(o.rows == Rows{0});
}

TEST_CASE("Clearing the screen copies every row once, without a scroll", "[renderer][damage]") {
  Outcome o = present_step(writes("some\ntext\x1b[3;5Hhere"), writes("\x1b[2J"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK_FALSE(o.stats.full_frame);
  CHECK(o.rows == all_rows());
  CHECK(o.bytes == kFrameBytes);
}

TEST_CASE("Switching to the alternate screen and back copies every row", "[renderer][damage]") {
  Outcome o = present_step(writes("shell\nprompt$ "), writes("\x1b[?1049h"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == all_rows());
  o = present_step(writes("shell\nprompt$ \x1b[?1049h\x1b[3;3Heditor"), writes("\x1b[?1049l"));
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.rows == all_rows());
}

TEST_CASE("Moving the view into the scrollback copies whole frames", "[renderer][damage]") {
  std::string lines;
  for (int i = 0; i < 20; ++i) lines += "history " + std::to_string(i) + "\n";
  Outcome o = present_step(writes(lines), view_back(3), 100);
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.stats.full_frame);
  CHECK(o.bytes == kFrameBytes);
  // Further back, then to the live screen, then back by output.
  o = present_step(then(writes(lines), view_back(3)), view_back(2), 100);
  CHECK(o.same);
  CHECK(o.stats.full_frame);
  o = present_step(then(writes(lines), view_back(3)), view_back(-3), 100);
  CHECK(o.same);
  CHECK(o.stats.full_frame);
  o = present_step(then(writes(lines), view_back(3)), writes("new output"), 100);
  INFO(o.first_difference);
  CHECK(o.same);
  CHECK(o.stats.full_frame);
}
