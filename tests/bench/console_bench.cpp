// Console benchmarks (docs/console.md#performance), on a 1920x1080x32 framebuffer in RAM:
//
//   render/*       1 MiB of mixed text (SGR colours incl. 256-colour and truecolor, bold,
//                  underline, UTF-8, tabs, cursor movement, long lines that wrap) through
//                  terminal + renderer, presented once per chunk; reported in bytes/s.
//   scroll_blit/*  one full-screen scroll: a new line at the bottom, then present (one
//                  row drawn, the whole frame copied out).
//   frame_memcpy   memcpy of one 1920x1080x4 frame (shadow -> framebuffer): the peer.
//
// After the run the reporter prints scroll_blit / frame_memcpy (target <= 1.2) and the
// render rates in MB/s (target >= 100).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "image/host_screen.hpp"

namespace {

constexpr uint32_t kWidth = 1920, kHeight = 1080;
constexpr size_t kTextBytes = 1 << 20;

// Deterministic mixed terminal output, about `bytes` long.
std::string mixed_text(size_t bytes) {
  std::mt19937 rng(1234);
  auto pick = [&](uint32_t n) { return uint32_t(rng() % n); };
  static const char* kWords[] = {"ember", "kernel", "console", "render", "glyph", "buffer",
                                 "ring", "scroll", "terminal", "colour", "pixel", "boot"};
  static const char* kUnicode[] = {"äöü", "€", "─│┌┐", "αβγ", "ж", "→", "ß"};
  std::string out;
  while (out.size() < bytes) {
    uint32_t words = 3 + pick(25);  // some lines are longer than 120 columns and wrap
    for (uint32_t w = 0; w < words; ++w) {
      switch (pick(20)) {
        case 0: out += "\x1b[3" + std::to_string(pick(8)) + "m"; break;
        case 1: out += "\x1b[38;5;" + std::to_string(pick(256)) + "m"; break;
        case 2:
          out += "\x1b[38;2;" + std::to_string(pick(256)) + ";" + std::to_string(pick(256)) +
                 ";" + std::to_string(pick(256)) + "m";
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

void scroll_blit(benchmark::State& state, const char* font) {
  auto screen = make_screen(font);
  std::string filler = mixed_text(64 * 1024);
  screen->console().write(libk::StringView(filler.data(), filler.size()));
  screen->console().present();
  const std::string line = "\nthe quick brown fox jumps over the lazy dog 0123456789";
  for (auto _ : state) {
    screen->console().write(libk::StringView(line.data(), line.size()));
    auto stats = screen->console().present();
    if (!stats.full_frame) state.SkipWithError("a scroll did not copy the whole frame");
    benchmark::ClobberMemory();
  }
}

void frame_memcpy(benchmark::State& state) {
  auto screen = make_screen("terminus32");
  const auto& r = screen->console().renderer();
  size_t bytes = size_t(kWidth) * kHeight * 4;
  for (auto _ : state) {
    std::memcpy(screen->framebuffer().data(), r.shadow(), bytes);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes));
}

BENCHMARK_CAPTURE(render, terminus32, "terminus32")->Arg(kTextBytes)->Arg(64 << 10)->Arg(4 << 10)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(render, terminus16, "terminus16")->Arg(kTextBytes)->Arg(64 << 10)->Arg(4 << 10)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scroll_blit, terminus32, "terminus32")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(scroll_blit, terminus16, "terminus16")->Unit(benchmark::kMicrosecond);
BENCHMARK(frame_memcpy)->Unit(benchmark::kMicrosecond);

// Prints the ratios the targets are stated in, from this run's own measurements.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.iterations == 0) continue;
      std::string name = run.benchmark_name();
      times_[name] = run.GetAdjustedRealTime();  // in the benchmark's unit
      units_[name] = run.time_unit;
      auto bytes = run.counters.find("bytes_per_second");
      if (bytes != run.counters.end()) rates_[name] = bytes->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    auto seconds = [this](const std::string& name) {
      return times_.at(name) / benchmark::GetTimeUnitMultiplier(units_.at(name));
    };
    std::printf("\nsummary (1920x1080x32 RAM framebuffer):\n");
    if (times_.count("frame_memcpy")) {
      for (const char* font : {"terminus32", "terminus16"}) {
        std::string name = std::string("scroll_blit/") + font;
        if (!times_.count(name)) continue;
        std::printf("  scroll + blit (%s): %.3f ms = %.2fx one frame memcpy (%.3f ms); target <= 1.2x\n",
                    font, seconds(name) * 1e3, seconds(name) / seconds("frame_memcpy"),
                    seconds("frame_memcpy") * 1e3);
      }
    }
    for (const auto& [name, rate] : rates_)
      if (name.rfind("render/", 0) == 0)
        std::printf("  %s: %.0f MB/s of text; target >= 100\n", name.c_str(), rate / 1e6);
  }

 private:
  std::map<std::string, double> times_;
  std::map<std::string, benchmark::TimeUnit> units_;
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
