// ps: lists every process (proc_list): pid, parent, group, state, threads and name.
#include "ember.hpp"

namespace {

const char* state_name(abi::ProcState s) {
  switch (s) {
    case abi::ProcState::Starting: return "starting";
    case abi::ProcState::Running: return "running";
    case abi::ProcState::Ending: return "ending";
    case abi::ProcState::Zombie: return "zombie";
  }
  return "?";
}

// Right-aligns `value` in `width` columns.
void column(u64 value, usize width) {
  char digits[20];
  usize n = 0;
  do digits[n++] = char('0' + value % 10);
  while ((value /= 10) != 0);
  for (usize i = n; i < width; ++i) ember::print(" ");
  char out[20];
  for (usize i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  ember::write_all(1, out, n);
}

}  // namespace

int main(int, char**) {
  static abi::ProcEntry entries[64];
  i64 n = ember::proc_list(entries, 64);
  if (n < 0) {
    ember::print_error("ps", "proc_list", n);
    return 1;
  }
  ember::print("  PID  PPID  PGID STATE    THR NAME\n");
  for (i64 i = 0; i < n; ++i) {
    const abi::ProcEntry& e = entries[i];
    column(e.pid, 5);
    column(e.ppid, 6);
    column(e.pgid, 6);
    ember::print(" ");
    const char* state = state_name(e.state);
    ember::print(state);
    for (usize k = ember::strlen(state); k < 8; ++k) ember::print(" ");
    column(e.threads, 4);
    ember::print(" ");
    ember::print(e.name);
    ember::print("\n");
  }
  return 0;
}
