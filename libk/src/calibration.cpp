#include <libk/calibration.hpp>
#include <libk/utility.hpp>

namespace libk::calibration {

namespace {

constexpr u64 kNsPerUs = 1'000;
constexpr u64 kUsPerSecond = 1'000'000;
constexpr u64 kPpm = 1'000'000;

u64 absolute_difference(u64 a, u64 b) { return a > b ? a - b : b - a; }

}  // namespace

Sample read_sample(Clocks& clocks, u32 attempts) {
  Sample best{0, 0, ~u64{0}};
  for (u32 i = 0; i < attempts; ++i) {
    u64 before = clocks.tsc();
    u64 ticks = clocks.reference();
    u64 after = clocks.tsc();
    u64 width = after - before;
    if (width < best.width) best = {ticks, before + width / 2, width};
  }
  return best;
}

Optional<Window> measure_window(Clocks& clocks, const ReferenceScale& scale, u64 ns,
                                const Config& config) {
  clocks.start_window();
  Sample start = read_sample(clocks, config.read_attempts);
  u32 lapic_start = clocks.lapic_count();
  Sample end = start;
  auto reference_ns = [&] {
    return scale.to_ns.convert(elapsed_ticks(start.ticks, end.ticks, scale.mask));
  };
  for (u64 polls = 0; reference_ns() < ns; ++polls) {
    if (polls == config.poll_limit) return nullopt;
    end = read_sample(clocks, config.read_attempts);
  }
  u32 lapic_end = clocks.lapic_count();
  return Window{end.tsc - start.tsc, reference_ns(), u64(u32(lapic_start - lapic_end))};
}

u64 per_second(u64 count, u64 ns) {
  if (ns == 0) return 0;
  u64 scaled = 0;
  if (checked_mul(count, kNsPerSecond, scaled)) return scaled / ns;
  u64 us = ns / kNsPerUs;  // a count this large comes with a long time: >= 18 ms at 1 THz
  return us == 0 ? ~u64{0} : count / us * kUsPerSecond;
}

u64 median(Span<u64> v) {
  if (v.empty()) return 0;
  for (usize i = 1; i < v.size(); ++i)
    for (usize j = i; j > 0 && v[j] < v[j - 1]; --j) swap(v[j], v[j - 1]);
  return v[v.size() / 2];
}

Measurement measure(Clocks& clocks, const ReferenceScale& scale, const Config& config) {
  Measurement m;
  (void)measure_window(clocks, scale, config.warmup_ns, config);
  u64 tsc_hz[kMaxWindows] = {}, lapic_hz[kMaxWindows] = {};
  u32 windows = min(config.windows, kMaxWindows);
  for (; m.windows < windows; ++m.windows) {
    Optional<Window> w = measure_window(clocks, scale, config.window_ns, config);
    if (!w) {
      m.reference_stopped = true;
      break;
    }
    m.window_ns = w->reference_ns;
    tsc_hz[m.windows] = per_second(w->tsc_cycles, w->reference_ns);
    lapic_hz[m.windows] = per_second(w->lapic_ticks, w->reference_ns);
  }
  m.tsc_hz = median(Span<u64>(tsc_hz, m.windows));
  m.lapic_timer_hz = median(Span<u64>(lapic_hz, m.windows));
  return m;
}

TscChoice choose_tsc_frequency(u64 measured_hz, u64 cpuid_hz, u64 tolerance_ppm) {
  if (cpuid_hz == 0) {
    if (measured_hz == 0) return {kAssumedTscHz, false, false, true};
    return {measured_hz, false, false, false};
  }
  if (measured_hz == 0) return {cpuid_hz, true, false, false};
  u64 off = absolute_difference(measured_hz, cpuid_hz);
  u64 off_ppm = 0;
  // diff * 10^6 overflows only for a disagreement of more than 18 THz: not within tolerance.
  bool close = checked_mul(off, kPpm, off_ppm) && off_ppm / measured_hz <= tolerance_ppm;
  if (close) return {cpuid_hz, true, false, false};
  return {measured_hz, false, true, false};
}

}  // namespace libk::calibration
