// kill PID...: ends each process (status 137). Exit status 0 if every one was ended, 1 if
// some pid was not a number or no such process (each reported on standard error).
#include "ember.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    ember::write_all(2, "usage: kill PID...\n", 19);
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    u64 pid = 0;
    if (!ember::parse_u64(argv[i], pid) || pid == 0) {
      ember::print_error("kill", argv[i], i64(abi::Error::Invalid));
      status = 1;
      continue;
    }
    i64 r = ember::kill(i64(pid));
    if (r < 0) {
      ember::print_error("kill", argv[i], r);
      status = 1;
    }
  }
  return status;
}
