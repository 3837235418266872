// sleep N: sleeps N milliseconds (N with the suffix "s": seconds), on the monotonic clock.
#include "ember.hpp"

int main(int argc, char** argv) {
  u64 n = 0;
  if (argc != 2) {
    ember::print("usage: sleep MILLISECONDS | sleep SECONDSs\n");
    return 2;
  }
  char digits[24] = {};
  usize len = ember::strlen(argv[1]);
  bool seconds = len > 0 && argv[1][len - 1] == 's';
  if (seconds) --len;
  for (usize i = 0; i < len && i < sizeof(digits) - 1; ++i) digits[i] = argv[1][i];
  if (len >= sizeof(digits) || !ember::parse_u64(digits, n)) {
    ember::print("sleep: not a number\n");
    return 2;
  }
  u64 ns = n * (seconds ? 1'000'000'000ull : 1'000'000ull);
  return ember::sleep_ns(ns) == 0 ? 0 : 1;
}
