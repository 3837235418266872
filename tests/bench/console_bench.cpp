// Console benchmarks (docs/console.md#performance), on a 1920x1080x32 framebuffer in RAM:
//
//   render/*       1 MiB of mixed text (SGR colours incl. 256-colour and truecolor, bold,
//                  underline, UTF-8, tabs, cursor movement, long lines that wrap) through
//                  terminal + renderer, presented once per chunk (the argument); bytes/s.
//   scroll_blit/*  one full-screen scroll: a new line at the bottom, then present (one
//                  row drawn, the whole frame copied out), paired in each iteration with
//                  a memcpy of one 1920x1080x4 frame into the framebuffer: the peer.
//   frame_copy/*   the kernel's options for copying a frame without SSE, each paired
//                  with a memcpy the same way.
//   frame_memcpy   the memcpy alone, for its bandwidth.
//   small_writes/* the shell's pattern: one 80-column line per write, 4 KiB of lines per
//                  iteration on a screen that is already full (every line scrolls), each
//                  write followed by the present console::write does for a thread: paced
//                  (TextConsole::present_paced with Ember's frame interval, on the real
//                  clock), so scrolls within a frame time share one frame copy; bytes/s,
//                  paired with one frame memcpy per iteration.
//   small_writes_unpaced/*  the same with every write presented at once (a write from an
//                  interrupt handler or under a lock): one frame copy per line.
//   small_writes_no_scroll/*  the same lines written over rows of the screen (a cursor
//                  position, then the line), each presented at once: no scroll, so each
//                  present copies the damaged row only.
//
// Pairing each measurement with its peer in the same iteration keeps the ratios steady
// on a shared machine. After the run the reporter prints the ratios (scroll_blit target
// <= 1.2) and the render rates in MB/s (target >= 100).
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "image/host_screen.hpp"

namespace {

constexpr uint32_t kWidth = 1920, kHeight = 1080;
constexpr size_t kTextBytes = 1 << 20;

// Deterministic mixed terminal output, about `bytes` long.
std::string mixed_text(size_t bytes) {
  std::mt19937 rng(1234);
  auto pick = [&](uint32_t n) { return uint32_t(rng() % n); };
  static const char* kWords[] = {"ember", "kernel", "console",  "render", "glyph", "buffer",
                                 "ring",  "scroll", "terminal", "colour", "pixel", "boot"};
  static const char* kUnicode[] = {"äöü", "€", "─│┌┐", "αβγ", "ж", "→", "ß"};
  std::string out;
  while (out.size() < bytes) {
    uint32_t words = 3 + pick(25);  // some lines are longer than 120 columns and wrap
    for (uint32_t w = 0; w < words; ++w) {
      switch (pick(20)) {
        case 0: out += "\x1b[3" + std::to_string(pick(8)) + "m"; break;
        case 1: out += "\x1b[38;5;" + std::to_string(pick(256)) + "m"; break;
        case 2:
          out += "\x1b[38;2;" + std::to_string(pick(256)) + ";" + std::to_string(pick(256)) + ";" +
                 std::to_string(pick(256)) + "m";
          break;
        case 3: out += "\x1b[1m"; break;
        case 4: out += "\x1b[4m"; break;
        case 5: out += "\x1b[0m"; break;
        case 6: out += kUnicode[pick(7)]; break;
        case 7: out += "\t"; break;
        default: break;
      }
      out += kWords[pick(12)];
      out += ' ';
    }
    if (pick(50) == 0) out += "\x1b[2A\r\x1b[K";  // move up and rewrite, like a progress bar
    out += "\x1b[0m\n";
  }
  return out;
}

std::unique_ptr<image::HostScreen> make_screen(const char* font) {
  auto screen = std::make_unique<image::HostScreen>();
  image::HostScreen::Config config;
  config.width = kWidth;
  config.height = kHeight;
  config.font = font;
  if (std::string problem = screen->init(config); !problem.empty()) {
    std::fprintf(stderr, "console-bench: %s\n", problem.c_str());
    std::abort();
  }
  return screen;
}

void render(benchmark::State& state, const char* font) {
  static const std::string text = mixed_text(kTextBytes);
  auto screen = make_screen(font);
  size_t chunk = size_t(state.range(0));
  for (auto _ : state) {
    for (size_t at = 0; at < text.size(); at += chunk) {
      size_t n = std::min(chunk, text.size() - at);
      screen->console().write(libk::StringView(text.data() + at, n));
      screen->console().present();
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

// A whole 1920x1080x4 frame in RAM, copied into the framebuffer by the peers below. (The
// console's grid covers slightly less: 1056 lines with the 16x32 font, 1072 with 8x16.)
constexpr size_t kFrameBytes = size_t(kWidth) * kHeight * 4;

struct FrameCopy {
  std::unique_ptr<image::HostScreen> screen = make_screen("terminus32");
  std::vector<uint8_t> source = std::vector<uint8_t>(kFrameBytes, 0x3C);
  void* dst() { return screen->framebuffer().data(); }
  const void* src() { return source.data(); }
};

void frame_memcpy(benchmark::State& state) {
  FrameCopy f;
  for (auto _ : state) {
    std::memcpy(f.dst(), f.src(), kFrameBytes);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kFrameBytes));
}

// REP MOVSQ (kernel/console.cpp), REP MOVSB, and an 8-byte word loop like libk's memcpy
// (libk/src/mem.cpp; the kernel has no SSE).
void rep_movsq(void* dst, const void* src, size_t bytes) {
  size_t count = bytes / 8;
  asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(count) : : "memory");
}

void rep_movsb(void* dst, const void* src, size_t bytes) {
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

[[clang::no_builtin]] void word_loop(void* dst, const void* src, size_t bytes) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
#pragma clang loop vectorize(disable) interleave(disable) unroll(disable)
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t word;
    __builtin_memcpy_inline(&word, s + i, 8);
    __builtin_memcpy_inline(d + i, &word, 8);
  }
}

// Times `subject` and then a frame memcpy in every iteration; reports the subject's time
// and, as counters, the memcpy's mean time and subject / memcpy.
template <typename Subject>
void paired_with_memcpy(benchmark::State& state, void* dst, const void* src, Subject&& subject) {
  using Clock = std::chrono::steady_clock;
  double subject_total = 0, memcpy_total = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    subject();
    benchmark::ClobberMemory();
    auto t1 = Clock::now();
    std::memcpy(dst, src, kFrameBytes);
    benchmark::ClobberMemory();
    auto t2 = Clock::now();
    double t = std::chrono::duration<double>(t1 - t0).count();
    subject_total += t;
    memcpy_total += std::chrono::duration<double>(t2 - t1).count();
    state.SetIterationTime(t);
  }
  state.counters["memcpy_us"] = memcpy_total / double(state.iterations()) * 1e6;
  state.counters["ratio"] = subject_total / memcpy_total;
}

void frame_copy(benchmark::State& state, void (*copy)(void*, const void*, size_t)) {
  FrameCopy f;
  paired_with_memcpy(state, f.dst(), f.src(), [&] { copy(f.dst(), f.src(), kFrameBytes); });
}

// One full-screen scroll: a new line at the bottom, then present.
void scroll_blit(benchmark::State& state, const char* font) {
  auto screen = make_screen(font);
  std::string filler = mixed_text(64 * 1024);
  screen->console().write(libk::StringView(filler.data(), filler.size()));
  screen->console().present();
  std::vector<uint8_t> frame(kFrameBytes, 0x3C);
  const std::string line = "\nthe quick brown fox jumps over the lazy dog 0123456789";
  bool all_full = true;
  paired_with_memcpy(state, screen->framebuffer().data(), frame.data(), [&] {
    screen->console().write(libk::StringView(line.data(), line.size()));
    all_full &= screen->console().present().full_frame;
  });
  if (!all_full) state.SkipWithError("a scroll did not copy the whole frame");
}

enum class SmallWrites { Paced, Unpaced, NoScroll };

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// 80-column lines, one per write, each followed by a present; the peer is one frame memcpy
// per iteration (of 51 lines). On a full screen each line scrolls: presented at once, each
// draws one row and copies the frame; paced, the frame is copied at most once per frame
// interval. NoScroll writes each line over a row of the screen instead.
void run_small_writes(benchmark::State& state, const char* font, SmallWrites mode) {
  auto screen = make_screen(font);
  libk::TextConsole& console = screen->console();
  console.pacer().set_interval(libk::kConsoleFrameIntervalNs);
  std::string line = std::string(79, 'x') + "\n";
  for (uint32_t i = 0; i < 100; ++i) console.write(libk::StringView(line.data(), line.size()));
  console.present();
  std::vector<std::string> lines;  // the 80 bytes of each write
  constexpr size_t kLines = 4096 / 80;
  for (size_t i = 0; i < kLines; ++i) {
    if (mode != SmallWrites::NoScroll) {
      lines.push_back(line);
      continue;
    }
    std::string at = "\x1b[" + std::to_string(i % 30 + 1) + ";1H";  // rows every font has
    lines.push_back(at + std::string(80 - at.size(), 'y'));
  }
  uint64_t full_frames = 0;
  auto write_lines = [&] {
    for (const std::string& text : lines) {
      console.write(libk::StringView(text.data(), text.size()));
      if (mode == SmallWrites::Paced)
        full_frames += console.present_paced(now_ns()).stats.full_frame;
      else
        full_frames += console.present().full_frame;
    }
  };
  if (mode == SmallWrites::Paced) {
    // A continuous stream on the pacer's own clock, timed in wall time: a peer copied in
    // between would stretch the pacer's intervals but not the time measured. The peer is
    // small_writes_unpaced in the same run.
    auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
      write_lines();
      benchmark::ClobberMemory();
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.counters["frames_per_s"] = double(full_frames) / seconds;
  } else {
    std::vector<uint8_t> frame(kFrameBytes, 0x3C);
    paired_with_memcpy(state, screen->framebuffer().data(), frame.data(), write_lines);
    state.counters["lines_per_memcpy"] = double(kLines);
  }
  console.present();
  state.counters["frames_per_line"] = double(full_frames) / double(state.iterations() * kLines);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kLines * line.size()));
}

void small_writes(benchmark::State& state, const char* font) {
  run_small_writes(state, font, SmallWrites::Paced);
}
void small_writes_unpaced(benchmark::State& state, const char* font) {
  run_small_writes(state, font, SmallWrites::Unpaced);
}
void small_writes_no_scroll(benchmark::State& state, const char* font) {
  run_small_writes(state, font, SmallWrites::NoScroll);
}

BENCHMARK_CAPTURE(small_writes, terminus32, "terminus32")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(small_writes, terminus16, "terminus16")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(small_writes_unpaced, terminus32, "terminus32")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(small_writes_unpaced, terminus16, "terminus16")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(small_writes_no_scroll, terminus32, "terminus32")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(small_writes_no_scroll, terminus16, "terminus16")
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(render, terminus32, "terminus32")
    ->Arg(kTextBytes)
    ->Arg(64 << 10)
    ->Arg(4 << 10)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(render, terminus16, "terminus16")
    ->Arg(kTextBytes)
    ->Arg(64 << 10)
    ->Arg(4 << 10)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scroll_blit, terminus32, "terminus32")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(scroll_blit, terminus16, "terminus16")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(frame_copy, rep_movsq, rep_movsq)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(frame_copy, rep_movsb, rep_movsb)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(frame_copy, word_loop, word_loop)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(frame_memcpy)->Unit(benchmark::kMicrosecond);

// Prints the ratios the targets are stated in, from this run's own measurements.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // With --benchmark_repetitions the medians are used, else the single run.
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.error_occurred || (!median && run.run_type != Run::RT_Iteration)) continue;
      std::string name = run.run_name.str();
      if (!median && medians_.count(name)) continue;
      if (median) medians_.insert(name);
      auto bytes = run.counters.find("bytes_per_second");
      if (bytes != run.counters.end()) rates_[name] = bytes->second.value;
      auto ratio = run.counters.find("ratio");
      if (ratio != run.counters.end())
        ratios_[name] = {ratio->second.value, run.counters.at("memcpy_us").value};
      auto lines = run.counters.find("lines_per_memcpy");
      if (lines != run.counters.end()) lines_[name] = lines->second.value;
      auto frames = run.counters.find("frames_per_line");
      if (frames != run.counters.end()) frames_[name] = frames->second.value;
      auto frame_rate = run.counters.find("frames_per_s");
      if (frame_rate != run.counters.end()) frame_rates_[name] = frame_rate->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nsummary (1920x1080x32 RAM framebuffer):\n");
    for (const auto& [name, r] : ratios_) {
      if (lines_.count(name)) {
        double n = lines_.at(name);
        std::printf("  %s: %.3f ms per line = %.2fx one frame memcpy (%.3f ms, same iterations)\n",
                    name.c_str(), r.first * r.second / 1e3 / n, r.first / n, r.second / 1e3);
        continue;
      }
      std::printf("  %s: %.3f ms = %.2fx one frame memcpy (%.3f ms, same iterations)%s\n",
                  name.c_str(), r.first * r.second / 1e3, r.first, r.second / 1e3,
                  name.rfind("scroll_blit/", 0) == 0 ? "; target <= 1.2x" : "");
    }
    for (const auto& [name, rate] : rates_) {
      if (name.rfind("render/", 0) == 0)  // the target is for the whole text, one present
        std::printf("  %s: %.0f MB/s of text%s\n", name.c_str(), rate / 1e6,
                    name.find("/" + std::to_string(kTextBytes)) != std::string::npos
                        ? "; target >= 100"
                        : "");
      for (const auto& [prefix, how] : kSmallWrites) {
        if (name.rfind(prefix, 0) != 0) continue;
        std::printf("  %s: %.2f MB/s of 80-column lines, %s; ", name.c_str(), rate / 1e6, how);
        double frames = frames_[name];
        if (frame_rates_.count(name))
          std::printf("%.0f lines per frame copy, %.0f frame copies a second\n",
                      frames > 0 ? 1 / frames : 0.0, frame_rates_.at(name));
        else
          std::printf("%.2f frame copies per line\n", frames);
      }
    }
    // The paced writes against the same writes each presented at once, in this run.
    for (const auto& [name, rate] : rates_) {
      if (name.rfind("small_writes/", 0) != 0) continue;
      std::string font = name.substr(13, name.find('/', 13) - 13);  // after "small_writes/"
      std::string peer = "small_writes_unpaced/" + font + "/manual_time";
      if (rates_.count(peer))
        std::printf("  %s: %.1fx %s; target >= 4\n", name.c_str(), rate / rates_.at(peer),
                    peer.c_str());
    }
  }

 private:
  std::map<std::string, double> rates_;
  std::set<std::string> medians_;
  std::map<std::string, std::pair<double, double>> ratios_;  // ratio, memcpy microseconds
  std::map<std::string, double> lines_;                      // small_writes: lines per run
  std::map<std::string, double> frames_;       // small_writes: whole frames copied per line
  std::map<std::string, double> frame_rates_;  // paced small_writes: whole frames a second
  static constexpr std::pair<const char*, const char*> kSmallWrites[] = {
      {"small_writes/", "paced presents"},
      {"small_writes_unpaced/", "each presented at once"},
      {"small_writes_no_scroll/", "over rows, each presented at once"},
  };
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
