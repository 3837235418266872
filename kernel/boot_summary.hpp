#pragma once

namespace kernel {

// Logs what the loader handed over: memory, framebuffer, firmware tables, command line.
// The "memory:" line is parsed by the boot tests.
void log_boot_summary();

// Logs the loader's timestamps in microseconds since loader entry. Needs time::init() (the
// calibrated TSC frequency).
void log_loader_timings();

}  // namespace kernel
